package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RowFilter;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Set-returning functions joined LATERALly ({@code CROSS JOIN LATERAL f(...)}, {@code LEFT JOIN
 * LATERAL f(...) ON true}, {@code , LATERAL f(...)}, and {@code JOIN f(...)} without LATERAL) are
 * parsed, written back as PostgreSQL reads them, and governed: the function's arguments are
 * column usage of their query level, evaluated above the derived tables. {@code
 * LateralFunctionsIT} runs these texts on PostgreSQL.
 */
class LateralFunctionsTest {
  private static final String TRANSACTIONS = DemoCatalog.TRANSACTIONS;
  private static final String DERIVED = DemoCatalog.unrestrictedTransactions("s");

  static Stream<Arguments> forwardedTexts() {
    return Stream.of(
        arguments("select * from sales.store_transactions s cross join lateral generate_series(1, s.store_id) g",
            "SELECT * FROM " + DERIVED + " CROSS JOIN generate_series(1, \"s\".\"store_id\") AS \"g\""),
        arguments("select * from sales.store_transactions s left join lateral jsonb_array_elements('[1]'::jsonb) e on true",
            "SELECT * FROM " + DERIVED + " LEFT JOIN jsonb_array_elements(CAST('[1]' AS \"jsonb\")) AS \"e\" ON TRUE"),
        arguments("select * from sales.store_transactions s, lateral generate_series(1, s.store_id) as g(n)",
            "SELECT * FROM " + DERIVED + ", generate_series(1, \"s\".\"store_id\") AS \"g\" (\"n\")"),
        // a call as the first argument, which Calcite reads only inside TABLE(...)
        arguments("select e.value from sales.store_transactions s cross join lateral"
                + " jsonb_array_elements(jsonb_build_array(s.amount, s.day)) with ordinality as e(value, n)",
            "SELECT \"e\".\"value\" FROM " + DERIVED + " CROSS JOIN jsonb_array_elements("
                + "jsonb_build_array(\"s\".\"amount\", \"s\".\"day\")) WITH ORDINALITY AS \"e\" (\"value\", \"n\")"),
        arguments("select * from sales.store_transactions s left join lateral"
                + " jsonb_each(jsonb_build_object('a', s.region)) with ordinality e(k, v, n) on e.n > 0",
            "SELECT * FROM " + DERIVED + " LEFT JOIN jsonb_each(jsonb_build_object('a', \"s\".\"region\"))"
                + " WITH ORDINALITY AS \"e\" (\"k\", \"v\", \"n\") ON (\"e\".\"n\" > 0)"),
        arguments("select p from sales.store_transactions s cross join lateral"
                + " unnest(string_to_array(s.customer_email, '@')) with ordinality as p(piece, n)",
            "SELECT \"p\" FROM " + DERIVED + " CROSS JOIN UNNEST(string_to_array(\"s\".\"customer_email\", '@'))"
                + " WITH ORDINALITY AS \"p\" (\"piece\", \"n\")"),
        arguments("select * from sales.store_transactions s cross join lateral pg_catalog.unnest(array[s.store_id]) u",
            "SELECT * FROM " + DERIVED + " CROSS JOIN pg_catalog.unnest((ARRAY[\"s\".\"store_id\"])) AS \"u\""),
        arguments("select * from sales.store_transactions s join lateral regexp_matches(s.customer_email, '(.)@', 'g') m on true",
            "SELECT * FROM " + DERIVED + " INNER JOIN regexp_matches(\"s\".\"customer_email\", '(.)@', 'g') AS \"m\" ON TRUE"),
        arguments("select * from sales.store_transactions s join lateral string_to_table(s.customer_email, '@') p on p <> ''",
            "SELECT * FROM " + DERIVED + " INNER JOIN string_to_table(\"s\".\"customer_email\", '@') AS \"p\" ON (\"p\" <> '')"),
        // JOIN without LATERAL: PostgreSQL lets a FROM function see the items before it anyway
        arguments("select * from sales.store_transactions s join generate_series(1, s.store_id) g on true",
            "SELECT * FROM " + DERIVED + " INNER JOIN generate_series(1, \"s\".\"store_id\") AS \"g\" ON TRUE"),
        arguments("select * from sales.store_transactions s left join jsonb_array_elements(to_jsonb(array[s.amount])) with ordinality e on true",
            "SELECT * FROM " + DERIVED + " LEFT JOIN jsonb_array_elements(to_jsonb((ARRAY[\"s\".\"amount\"])))"
                + " WITH ORDINALITY AS \"e\" ON TRUE"),
        // a comma-joined function WITH ORDINALITY whose first argument is a call
        arguments("select * from sales.store_transactions s, jsonb_array_elements(to_jsonb(array[s.amount])) with ordinality e",
            "SELECT * FROM " + DERIVED + ", jsonb_array_elements(to_jsonb((ARRAY[\"s\".\"amount\"])))"
                + " WITH ORDINALITY AS \"e\""),
        // LATERAL before a subquery stays LATERAL
        arguments("select * from sales.store_transactions s cross join lateral (select s.store_id) x"
                + " cross join lateral generate_series(1, x.store_id) g",
            "SELECT * FROM " + DERIVED + " CROSS JOIN LATERAL (SELECT \"s\".\"store_id\") AS \"x\""
                + " CROSS JOIN generate_series(1, \"x\".\"store_id\") AS \"g\""),
        // a quoted function name and a comment between LATERAL and the function
        arguments("select * from sales.store_transactions s cross join lateral /* c */ \"generate_series\"(1, 2) g",
            "SELECT * FROM " + DERIVED + " CROSS JOIN generate_series(1, 2) AS \"g\""));
  }

  @ParameterizedTest
  @MethodSource("forwardedTexts")
  void theJoinFormsAreForwardedAsPostgresqlReadsThem(String sql, String forwarded) throws SqlRefusal {
    assertEquals(forwarded, DemoCatalog.rewrite(sql, Decisions.allow().build()));
  }

  /** Casts, COLLATE, typed literals and nested parentheses inside the call leave its TABLE( closed where it ends. */
  @ParameterizedTest
  @ValueSource(strings = {
      "select * from sales.store_transactions s cross join lateral generate_series(s.day::timestamp,"
          + " s.day + interval '2 days', interval '1 day') g",
      "select * from sales.store_transactions s cross join lateral string_to_table((s.region collate \"C\"), 'U') p",
      "select * from sales.store_transactions s join lateral generate_series(1, (s.amount::numeric(5, 2))::int) g on true",
      "select * from sales.store_transactions s join lateral jsonb_each(jsonb '{\"a\": 1}') e on true",
      "select * from sales.store_transactions s join lateral generate_series(1, $1) g on g < $2",
      "select * from sales.store_transactions s cross join lateral generate_series(1, 2) a"
          + " cross join lateral generate_series(a, (select max(b) from generate_series(1, 3) b join lateral"
          + " generate_series(b, 4) c on true)) d"})
  void whatStandsInsideTheCallDoesNotMoveTheEndOfTheItem(String sql) throws SqlRefusal {
    String forwarded = DemoCatalog.rewrite(sql, Decisions.allow().build());
    assertTrue(!forwarded.contains("TABLE") && !forwarded.contains("LATERAL generate"), forwarded);
  }

  @Test
  void theArgumentsAreColumnUsageOfTheirQueryLevel() throws SqlRefusal {
    AnalyzedStatement statement = DemoCatalog.analyze("select g from sales.store_transactions s"
        + " cross join lateral generate_series(1, s.store_id) g"
        + " left join lateral unnest(string_to_array(customer_email, '@')) with ordinality p(piece, n) on true");
    RelationAccess transactions = statement.relations().getFirst();
    assertEquals(Set.of("store_id", "customer_email"), Set.copyOf(transactions.referencedColumns()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select g from sales.store_transactions s cross join lateral unnest(string_to_array(s.customer_email, '@')) g",
      "select g from sales.store_transactions s left join lateral string_to_table(customer_email, '@') g on true",
      "select 1 from sales.store_transactions s, lateral regexp_matches(s.customer_email, '.') m",
      "select 1 from sales.store_transactions s join jsonb_array_elements(to_jsonb(array[s.customer_email])) e on true",
      "select 1 from sales.store_transactions s cross join lateral jsonb_each(jsonb_build_object('e', s.customer_email))"
          + " with ordinality e(k, v, n)",
      "select 1 from sales.store_transactions s cross join lateral (select 1 as one) x"
          + " cross join lateral generate_series(x.one, length(s.customer_email)) g"})
  void aDeniedColumnIsRefusedHoweverTheFunctionReachesIt(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> DemoCatalog.rewrite(sql, Decisions.allow().deny(TRANSACTIONS, "customer_email").build()), sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("customer_email"), refusal.getMessage());
  }

  /** The function stands above the derived table: it reads the masked value of filtered rows. */
  @Test
  void aMaskedColumnReachesTheFunctionMaskedBeneathTheRowFilter() throws SqlRefusal {
    Decision decision = Decisions.allow().euRowsMasking(TRANSACTIONS, "customer_email", "hidden@example.com").build();
    assertEquals("SELECT \"p\".\"piece\" FROM (SELECT \"transaction_id\", \"store_id\", \"day\","
            + " \"amount\", CAST('hidden@example.com' AS text) AS \"customer_email\", \"region\""
            + " FROM \"sales\".\"store_transactions\" WHERE (\"region\" = 'EU') OFFSET 0) AS \"s\""
            + " CROSS JOIN UNNEST(string_to_array(\"s\".\"customer_email\", '@')) AS \"p\" (\"piece\")",
        DemoCatalog.rewrite("select p.piece from sales.store_transactions s"
            + " cross join lateral unnest(string_to_array(s.customer_email, '@')) p(piece)", decision));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select * from sales.store_transactions s cross join lateral dblink('x', s.region) d",
      "select * from sales.store_transactions s left join lateral sales.explode(s.region) d on true",
      "select * from sales.store_transactions s join pg_ls_dir('.') d on true",
      "select * from sales.store_transactions s cross join lateral query_to_xml('select 1', true, true, '')"
          + " with ordinality o"})
  void aFunctionOffTheAllowlistIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.analyze(sql), sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("is not allowed through Meshgate"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select * from sales.store_transactions s, lateral rows from (generate_series(1, 2), unnest(array[1])) r",
      "select * from sales.store_transactions s join rows from (generate_series(1, 2)) r on true",
      "select * from rows from (generate_series(1, 2)) with ordinality r"})
  void rowsFromIsRefusedWithTheWayAround(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.analyze(sql), sql);
    assertEquals("0A000", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("ROWS FROM (...)")
        && refusal.getMessage().contains("CROSS JOIN LATERAL"), refusal.getMessage());
  }

  /** A function's column definition list is read (see {@code ColumnDefinitionListsTest}). */
  @Test
  void aColumnDefinitionListIsWrittenBack() throws SqlRefusal {
    assertEquals("SELECT * FROM " + DERIVED + " CROSS JOIN jsonb_to_recordset(to_jsonb((ARRAY[\"s\".\"store_id\"])))"
            + " AS \"r\" (\"a\" INTEGER)",
        DemoCatalog.rewrite("select * from sales.store_transactions s"
            + " cross join lateral jsonb_to_recordset(to_jsonb(array[s.store_id])) as r(a int)", Decisions.allow().build()));
  }

  /** LATERAL and JOIN only turn a function call into a FROM function; tables and ONLY stay. */
  @Test
  void tablesAfterJoinAreUntouched() throws SqlRefusal {
    assertEquals("SELECT \"s\".\"store_id\" FROM " + DERIVED + " INNER JOIN (SELECT \"store_id\","
            + " \"zip_code\", \"region\" FROM ONLY \"sales\".\"stores\") AS \"st\""
            + " ON (\"s\".\"store_id\" = \"st\".\"store_id\")",
        DemoCatalog.rewrite("select s.store_id from sales.store_transactions s join only sales.stores st"
            + " on s.store_id = st.store_id", Decisions.allow().build()));
  }
}
