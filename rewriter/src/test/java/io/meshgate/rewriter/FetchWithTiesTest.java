package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PostgreSQL's {@code FETCH FIRST|NEXT [n] ROW[S] WITH TIES} is parsed and written back on the
 * query it belongs to, at any level, and governed as a LIMIT: the ORDER BY that decides the ties
 * runs above the derived tables. {@code FetchWithTiesIT} runs these texts on PostgreSQL.
 */
class FetchWithTiesTest {
  private static final String TRANSACTIONS = DemoCatalog.TRANSACTIONS;
  private static final String DERIVED = DemoCatalog.unrestrictedTransactions("store_transactions");

  static Stream<Arguments> forwardedTexts() {
    return Stream.of(
        arguments("select * from sales.store_transactions order by amount fetch first 3 rows with ties",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" FETCH FIRST 3 ROWS WITH TIES"),
        // no count is one row; NEXT and ROW mean FIRST and ROWS
        arguments("select * from sales.store_transactions order by amount offset 2 rows fetch next row with ties",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" OFFSET 2 FETCH FIRST 1 ROWS WITH TIES"),
        arguments("select * from sales.store_transactions order by amount fetch first $1 rows /* c */ with\nties",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" FETCH FIRST $1 ROWS WITH TIES"),
        // ONLY stays a LIMIT
        arguments("select * from sales.store_transactions order by amount fetch first 3 rows only",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" LIMIT 3"),
        // a subquery, a WITH query, a set operation: the clause stays on its own query
        arguments("select * from (select amount from sales.store_transactions order by amount"
                + " fetch first 2 rows with ties) x order by amount fetch first 1 rows only",
            "SELECT * FROM (SELECT \"amount\" FROM " + DERIVED + " ORDER BY \"amount\""
                + " FETCH FIRST 2 ROWS WITH TIES) AS \"x\" ORDER BY \"amount\" LIMIT 1"),
        arguments("with t as (select amount from sales.store_transactions order by 1 fetch first 1 row with ties)"
                + " select * from t",
            "WITH \"t\" AS (SELECT \"amount\" FROM " + DERIVED + " ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES)"
                + " SELECT * FROM \"t\""),
        arguments("select amount from sales.store_transactions union all select 1 order by 1 fetch first 2 rows with ties",
            "SELECT \"amount\" FROM " + DERIVED + " UNION ALL SELECT 1 ORDER BY 1 FETCH FIRST 2 ROWS WITH TIES"),
        // counts as pgjdbc's simple mode writes a bound parameter: the same number
        arguments("select * from sales.store_transactions order by amount limit ('4'::int4) offset ( '3' :: int8 )",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" LIMIT 4 OFFSET 3"),
        arguments("select * from sales.store_transactions order by amount fetch first ('2'::int4) rows with ties",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" FETCH FIRST 2 ROWS WITH TIES"),
        // counts as SQLAlchemy writes them: a parameter (or, over psycopg2, a number) cast to INTEGER
        arguments("select * from sales.store_transactions order by amount limit $1::INTEGER offset $2 :: bigint",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" LIMIT $1 OFFSET $2"),
        arguments("select * from sales.store_transactions order by amount limit 20::INTEGER offset 5::int8",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" LIMIT 20 OFFSET 5"),
        arguments("select * from sales.store_transactions order by amount fetch first $1::int4 rows with ties",
            "SELECT * FROM " + DERIVED + " ORDER BY \"amount\" FETCH FIRST $1 ROWS WITH TIES"));
  }

  /** Only a string of digits, a parameter or an integer cast to an integer type is read as a count; the rest stays refused. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"limit ('-1'::int4)", "limit ('1e3'::int4)",
      "limit ('4'::text)", "limit ('4'::numeric)", "limit ('4')", "limit (4::int4)", "limit $1::text",
      "limit $1::numeric", "limit $1::int4[]", "limit 4.5::integer", "limit $1::int4::text"})
  void otherInlinedCountsAreNotRead(String tail) {
    assertThrows(SqlRefusal.class, () -> DemoCatalog.rewrite(
        "select * from sales.store_transactions order by amount " + tail, Decisions.allow().build()));
  }

  @ParameterizedTest
  @MethodSource("forwardedTexts")
  void theClauseIsForwardedOnItsOwnQuery(String sql, String forwarded) throws SqlRefusal {
    assertEquals(forwarded, DemoCatalog.rewrite(sql, Decisions.allow().build()));
  }

  @Test
  void aDeniedColumnInTheOrderIsRefused() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.rewrite(
        "select transaction_id from sales.store_transactions order by customer_email fetch first 1 row with ties",
        Decisions.allow().deny(TRANSACTIONS, "customer_email").build()));
    assertEquals("42501", refusal.sqlState());
  }

  /** The ties are decided over the masked values of the filtered rows. */
  @Test
  void theTiesAreDecidedAboveTheDerivedTable() throws SqlRefusal {
    assertEquals("SELECT \"transaction_id\" FROM (SELECT \"transaction_id\", \"store_id\", \"day\","
            + " \"amount\", CAST('hidden@example.com' AS text) AS \"customer_email\", \"region\""
            + " FROM \"sales\".\"store_transactions\" WHERE (\"region\" = 'EU') OFFSET 0)"
            + " AS \"store_transactions\" ORDER BY \"customer_email\" FETCH FIRST 1 ROWS WITH TIES",
        DemoCatalog.rewrite("select transaction_id from sales.store_transactions order by customer_email"
                + " fetch first 1 row with ties",
            Decisions.allow().euRowsMasking(TRANSACTIONS, "customer_email", "hidden@example.com").build()));
  }

  @Test
  void aCountCalciteCannotReadIsRefused() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.rewrite(
        "select 1 from sales.store_transactions order by amount fetch first (1 + 1) rows with ties",
        Decisions.allow().build()));
    assertEquals("0A000", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("whole number or a parameter"), refusal.getMessage());
  }

  /** Calcite reads FETCH only after OFFSET, so the other order is refused rather than misread. */
  @Test
  void fetchBeforeOffsetIsRefused() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.rewrite(
        "select 1 from sales.store_transactions order by amount fetch first 3 rows with ties offset 1",
        Decisions.allow().build()));
    assertTrue(Set.of("42601", "0A000").contains(refusal.sqlState()), refusal.getMessage());
  }
}
