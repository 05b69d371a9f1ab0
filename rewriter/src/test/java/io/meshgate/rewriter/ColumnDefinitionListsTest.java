package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshgate.policy.RelationAccess;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Column definition lists, {@code f(...) AS r(a int, b text)} after a function in FROM, are
 * parsed, written back with their types (spelled as a cast's), and the names become the item's
 * columns. {@code ColumnDefinitionListsIT} runs these texts on PostgreSQL.
 */
class ColumnDefinitionListsTest {
  private static final String TRANSACTIONS = DemoCatalog.TRANSACTIONS;
  private static final String DERIVED = DemoCatalog.unrestrictedTransactions("s");

  static Stream<Arguments> forwardedTexts() {
    return Stream.of(
        arguments("select s.store_id, r.* from sales.store_transactions s cross join lateral"
                + " jsonb_to_recordset(jsonb_build_array(jsonb_build_object('a', s.amount))) as r(a numeric(10,2), b text)",
            "SELECT \"s\".\"store_id\", \"r\".* FROM " + DERIVED + " CROSS JOIN jsonb_to_recordset("
                + "jsonb_build_array(jsonb_build_object('a', \"s\".\"amount\"))) AS \"r\" (\"a\" DECIMAL(10, 2), \"b\" \"text\")"),
        arguments("select r.x from sales.store_transactions s join jsonb_to_record(jsonb_build_object('x', s.region))"
                + " r(x varchar(3), \"Y\" timestamp with time zone, z double precision, t int[]) on r.x = s.region",
            "SELECT \"r\".\"x\" FROM " + DERIVED + " INNER JOIN jsonb_to_record(jsonb_build_object('x', \"s\".\"region\"))"
                + " AS \"r\" (\"x\" VARCHAR(3), \"Y\" TIMESTAMP WITH TIME ZONE, \"z\" double precision, \"t\" INTEGER ARRAY)"
                + " ON (\"r\".\"x\" = \"s\".\"region\")"),
        arguments("select * from sales.store_transactions s, jsonb_to_record('{}'::jsonb) as r(x pg_catalog.int4)",
            "SELECT * FROM " + DERIVED + ", jsonb_to_record(CAST('{}' AS \"jsonb\")) AS \"r\" (\"x\" \"pg_catalog\".\"int4\")"),
        // a plain alias list, a JOIN condition in parentheses and a window after a call stay what they are
        arguments("select s.store_id, row_number() over (partition by s.region order by s.day),"
                + " count(*) filter (where s.amount > 1) over (order by s.day rows between 1 preceding and current row)"
                + " from sales.store_transactions s",
            "SELECT \"s\".\"store_id\", (row_number() OVER (PARTITION BY \"s\".\"region\" ORDER BY \"s\".\"day\")),"
                + " (count(*) FILTER (WHERE (\"s\".\"amount\" > 1)) OVER (ORDER BY \"s\".\"day\" ROWS BETWEEN 1 PRECEDING AND CURRENT ROW))"
                + " FROM " + DERIVED),
        arguments("select * from sales.store_transactions s join generate_series(1, 2) g(n) on (n = 1 and true)",
            "SELECT * FROM " + DERIVED + " INNER JOIN generate_series(1, 2) AS \"g\" (\"n\") ON ((\"n\" = 1) AND TRUE)"));
  }

  @ParameterizedTest
  @MethodSource("forwardedTexts")
  void theListIsForwardedWithItsTypes(String sql, String forwarded) throws SqlRefusal {
    assertEquals(forwarded, DemoCatalog.rewrite(sql, Decisions.allow().build()));
  }

  /** The list's names are the item's columns, not the table's: only the arguments are usage. */
  @Test
  void theArgumentsAreColumnUsageAndTheNamesAreTheItemsColumns() throws SqlRefusal {
    AnalyzedStatement statement = DemoCatalog.analyze("select r.region, r.amount from sales.store_transactions s"
        + " cross join lateral jsonb_to_record(jsonb_build_object('r', s.store_id)) as r(region text, amount int)");
    RelationAccess transactions = statement.relations().getFirst();
    assertTrue(transactions.referencedColumns().contains("store_id"), transactions.referencedColumns().toString());
    assertEquals(Set.of(), Set.copyOf(transactions.referencedColumns()).stream()
        .filter(column -> !Set.of("store_id", "region", "amount").contains(column))
        .collect(Collectors.toSet()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select r.* from sales.store_transactions s cross join lateral"
          + " jsonb_to_record(jsonb_build_object('e', s.customer_email)) as r(e text)",
      "select 1 from sales.store_transactions s, lateral jsonb_to_recordset(to_jsonb(array[s.customer_email])) r(e text)"})
  void aDeniedColumnInTheArgumentsIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> DemoCatalog.rewrite(sql, Decisions.allow().deny(TRANSACTIONS, "customer_email").build()), sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("customer_email"), refusal.getMessage());
  }

  /** The function reads the masked value of the filtered rows. */
  @Test
  void aMaskedColumnReachesTheFunctionMasked() throws SqlRefusal {
    assertEquals("SELECT \"r\".\"e\" FROM (SELECT \"transaction_id\", \"store_id\", \"day\","
            + " \"amount\", CAST('hidden@example.com' AS text) AS \"customer_email\", \"region\""
            + " FROM \"sales\".\"store_transactions\" WHERE (\"region\" = 'EU') OFFSET 0) AS \"s\""
            + " CROSS JOIN jsonb_to_record(jsonb_build_object('e', \"s\".\"customer_email\")) AS \"r\" (\"e\" \"text\")",
        DemoCatalog.rewrite("select r.e from sales.store_transactions s cross join lateral"
                + " jsonb_to_record(jsonb_build_object('e', s.customer_email)) as r(e text)",
            Decisions.allow().euRowsMasking(TRANSACTIONS, "customer_email", "hidden@example.com").build()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select * from sales.store_transactions s, jsonb_to_record('{}') as r(x int collate \"C\")",
      "select * from sales.store_transactions s, jsonb_to_record('{}') as r(x int, y)",
      "select * from sales.store_transactions s, jsonb_to_record('{}') as r(x int[] '{}')"})
  void whatIsNotANameAndATypeIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.analyze(sql), sql);
    assertTrue(Set.of("42601", "0A000").contains(refusal.sqlState()), refusal.getMessage());
  }

  @Test
  void aFunctionOffTheAllowlistIsStillRefused() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.analyze(
        "select * from sales.store_transactions s, dblink('x', s.region) as d(a text)"));
    assertEquals("42501", refusal.sqlState());
  }
}
