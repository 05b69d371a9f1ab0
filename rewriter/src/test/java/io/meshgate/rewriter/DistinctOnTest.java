package io.meshgate.rewriter;

import static io.meshgate.rewriter.RewriteAssertions.assertGovernedOnlyThroughDerivedTables;
import static io.meshgate.rewriter.RewriteAssertions.filters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RowFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL's {@code SELECT DISTINCT ON (...)}: read through a marker call, governed like any
 * SELECT (its expressions are column usage, above the derived tables), written back in place.
 */
class DistinctOnTest {
  private static final String TRANSACTIONS = "mesh.sales.store_transactions";
  private static final String STORES = "mesh.sales.stores";
  private static final String TRANSACTIONS_FILTER = "(\"region\" IN ('EU'))";
  private static final String STORES_FILTER = "(\"region\" = 'EU')";
  private static final String EMAIL_MASK = "pg_catalog.regexp_replace(pg_catalog.regexp_replace("
      + "CAST(\"customer_email\" AS pg_catalog.text), '^[^@]*$', 'xxxx'), '^.*@', 'xxxx@') AS \"customer_email\"";
  /** The derived table of store_transactions under {@link #DECISION}. */
  private static final String TRANSACTIONS_DERIVED = "(SELECT \"transaction_id\", \"store_id\", \"day\", \"amount\", "
      + EMAIL_MASK + ", \"region\" FROM \"sales\".\"store_transactions\" WHERE " + TRANSACTIONS_FILTER + " OFFSET 0)";
  private static final String STORES_DERIVED = "(SELECT \"store_id\", \"zip_code\", \"region\""
      + " FROM \"sales\".\"stores\" WHERE " + STORES_FILTER + " OFFSET 0)";

  /** Like alice's: her region's rows, e-mail addresses masked. */
  private static final Decision DECISION = Decisions.allow()
      .relation(TRANSACTIONS,
          List.of(new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU"))),
          Map.of("customer_email", new ColumnMask.Email()), Set.of())
      .filter(STORES, new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
      .build();

  private static final Decision DENY_EMAIL = Decisions.allow().deny(TRANSACTIONS, "customer_email").build();

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private String rewrite(String sql) throws SqlRefusal {
    return analyze(sql).rewrite(DECISION);
  }

  @Test
  void oneExpressionWithOrderBy() throws SqlRefusal {
    assertEquals("SELECT DISTINCT ON (\"store_id\") \"store_id\", \"day\", \"amount\" FROM "
            + TRANSACTIONS_DERIVED + " AS \"store_transactions\" ORDER BY \"store_id\", \"day\" DESC",
        rewrite("select distinct on (store_id) store_id, day, amount from sales.store_transactions"
            + " order by store_id, day desc"));
  }

  @Test
  void severalQualifiedColumnsAndExpressions() throws SqlRefusal {
    assertEquals("SELECT DISTINCT ON (\"t\".\"store_id\", lower(\"t\".\"region\"), (CAST(\"amount\" AS INTEGER) % 7))"
            + " \"t\".\"region\" FROM " + TRANSACTIONS_DERIVED + " AS \"t\" ORDER BY \"t\".\"store_id\"",
        rewrite("SELECT Distinct ON(t.store_id,lower(t.region), amount::int % 7) t.region"
            + " FROM sales.store_transactions t ORDER BY t.store_id"));
  }

  @Test
  void starAndOrdinalsStayTheClientsSelectList() throws SqlRefusal {
    // the ON expressions are no select item: * and the ordinals 1 and 2 mean what they meant
    assertEquals("SELECT DISTINCT ON (1, \"day\") * FROM " + TRANSACTIONS_DERIVED
            + " AS \"store_transactions\" ORDER BY 1, 2 DESC",
        rewrite("select distinct on (1, day) * from store_transactions order by 1, 2 desc"));
    String denied = analyze("select distinct on (store_id) * from store_transactions").rewrite(DENY_EMAIL);
    assertEquals("SELECT DISTINCT ON (\"store_id\") * FROM (SELECT \"transaction_id\", \"store_id\", \"day\","
        + " \"amount\", \"region\" FROM \"sales\".\"store_transactions\") AS \"store_transactions\"", denied);
  }

  @Test
  void aDerivedTableKeepsTheClientsOutputNames() throws SqlRefusal {
    assertEquals("SELECT \"x\".\"region\", \"x\".\"n\" FROM (SELECT DISTINCT ON (\"region\") \"region\","
            + " \"amount\" AS \"n\" FROM " + TRANSACTIONS_DERIVED + " AS \"store_transactions\""
            + " ORDER BY \"region\", \"amount\" DESC) AS \"x\"",
        rewrite("select x.region, x.n from (select distinct on (region) region, amount as n"
            + " from store_transactions order by region, amount desc) x"));
  }

  @Test
  void cteBodyAndUnionBranches() throws SqlRefusal {
    assertEquals("WITH \"c\" AS (SELECT DISTINCT ON (\"region\") \"region\", \"store_id\" FROM " + STORES_DERIVED
            + " AS \"stores\") SELECT \"region\" FROM \"c\" UNION ALL SELECT DISTINCT ON (\"store_id\")"
            + " \"region\" FROM " + TRANSACTIONS_DERIVED + " AS \"store_transactions\"",
        rewrite("with c as (select distinct on (region) region, store_id from sales.stores)"
            + " select region from c union all select distinct on (store_id) region from store_transactions"));
  }

  @Test
  void subqueriesInsideTheOnListAreGovernedAndKeepTheirParentheses() throws SqlRefusal {
    String rewritten = rewrite("select distinct on ((select max(s.store_id) from sales.stores s"
        + " where s.region = t.region order by 1 limit 1), (select 1 from sales.stores limit 1)) t.day"
        + " from store_transactions t");
    assertEquals(3, assertGovernedOnlyThroughDerivedTables(rewritten, filters(
        "sales.store_transactions", TRANSACTIONS_FILTER, "sales.stores", STORES_FILTER)));
    assertTrue(rewritten.startsWith("SELECT DISTINCT ON ((SELECT max(\"s\".\"store_id\") FROM "), rewritten);
    assertTrue(rewritten.contains(" ORDER BY 1 LIMIT 1), (SELECT 1 FROM "), rewritten);
  }

  @Test
  void maskedColumnsAreSeenMasked() throws SqlRefusal {
    // the client's DISTINCT ON stands above the derived table, whose customer_email is masked
    assertEquals("SELECT DISTINCT ON (\"customer_email\") \"customer_email\", \"amount\" FROM "
            + TRANSACTIONS_DERIVED + " AS \"store_transactions\" ORDER BY \"customer_email\"",
        rewrite("select distinct on (customer_email) customer_email, amount from store_transactions"
            + " order by customer_email"));
  }

  @Test
  void theOnColumnsAreReferencedInThePolicyInput() throws SqlRefusal {
    List<RelationAccess> relations = analyze(
        "select distinct on (day, t.customer_email) amount from store_transactions t").relations();
    assertEquals(List.of("day", "amount", "customer_email"), relations.get(0).referencedColumns());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select distinct on (customer_email) amount from store_transactions",
      "select distinct on (store_id, t.customer_email) t.amount from store_transactions t",
      "select distinct on (lower(customer_email)) amount from store_transactions",
      "select * from (select distinct on (customer_email) amount from store_transactions) x",
      "with c as (select distinct on (customer_email) amount from store_transactions) select * from c",
      "select 1 union select distinct on (customer_email) 2 from store_transactions",
      "select distinct on ((select max(customer_email) from store_transactions)) 1 from sales.stores"})
  void aDeniedColumnInsideOnIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql).rewrite(DENY_EMAIL), sql);
    assertEquals("42501", refusal.sqlState());
    assertEquals("permission denied for column customer_email of relation sales.store_transactions",
        refusal.getMessage());
  }

  @Test
  void functionsInsideOnAreOnTheAllowlist() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyze("select distinct on (pg_read_file('/etc/passwd')) 1 from sales.stores"));
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("pg_read_file"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select meshgate$distinct_on(store_id), region from sales.stores",
      "select distinct meshgate$distinct_on(store_id), region from sales.stores",
      "select distinct MESHGATE$DISTINCT_ON(store_id), region from sales.stores",
      "select distinct \"meshgate$distinct_on\"(store_id), region from sales.stores",
      "select region from sales.stores order by meshgate$distinct_on(store_id)"})
  void aMarkerWrittenByTheClientIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql), sql);
    assertEquals("42601", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("is reserved by Meshgate"), refusal.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "empty list|select distinct on () region from sales.stores",
      "star|select distinct on (*) region from sales.stores",
      "no select list|select distinct on (region) from sales.stores",
      "not closed|select distinct on (region, (store_id) region from sales.stores",
      "window on the clause|select distinct on (region) over () from sales.stores",
      "field of the clause|select distinct on (region).x, region from sales.stores",
      "all instead of distinct|select all on (region) region from sales.stores",
      "distinct inside the list|select distinct on (distinct region) region from sales.stores"})
  void malformedDistinctOnIsASyntaxError(String name, String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql), sql);
    assertEquals("42601", refusal.sqlState(), refusal.getMessage());
  }

  @Test
  void parametersInsideOnKeepTheirNumbers() throws SqlRefusal {
    assertEquals("SELECT DISTINCT ON ((\"store_id\" % $2)) \"store_id\" FROM (SELECT \"store_id\", \"zip_code\","
            + " \"region\" FROM \"sales\".\"stores\" WHERE ((\"region\" = 'EU') AND (\"region\" = CAST($1 AS text)))"
            + " OFFSET 0) AS \"stores\" WHERE (\"region\" = $1)",
        rewrite("select distinct on (store_id % $2) store_id from sales.stores where region = $1"));
  }

  @Test
  void catalogReadsPassAsUnparsed() throws SqlRefusal {
    AnalyzedStatement statement = analyze(
        "select distinct on (relnamespace) relname from pg_class order by relnamespace, relname");
    assertFalse(statement.requiresDecision());
    assertEquals("SELECT DISTINCT ON (\"relnamespace\") \"relname\" FROM \"pg_catalog\".\"pg_class\""
        + " ORDER BY \"relnamespace\", \"relname\"", statement.passthroughSql());
  }

  @Test
  void copyCursorsAndRewritingTwice() throws SqlRefusal {
    AnalyzedStatement copy = analyze("copy (select distinct on (region) region from sales.stores) to stdout");
    assertEquals("COPY (SELECT DISTINCT ON (\"region\") \"region\" FROM " + STORES_DERIVED + " AS \"stores\")"
        + " TO STDOUT", copy.rewrite(DECISION));
    AnalyzedStatement cursor = analyze("declare c cursor for select distinct on (region) region from sales.stores");
    assertTrue(cursor.rewrite(DECISION).endsWith("FOR SELECT DISTINCT ON (\"region\") \"region\" FROM "
        + STORES_DERIVED + " AS \"stores\""), cursor.rewrite(DECISION));
    assertEquals(copy.rewrite(DECISION), copy.rewrite(DECISION));
  }

  @Test
  void insideWritesAndExplain() throws SqlRefusal {
    String insert = analyze("insert into sales.stores (store_id, region) select distinct on (store_id) store_id,"
        + " region from store_transactions order by store_id, day desc").rewrite(Decisions.allow().build());
    assertTrue(insert.contains(" SELECT DISTINCT ON (\"store_id\") \"store_id\", \"region\" FROM "), insert);
    String delete = analyze("delete from sales.stores where store_id in (select distinct on (region) store_id"
        + " from store_transactions order by region, day desc)").rewrite(Decisions.allow().build());
    assertTrue(delete.contains("(SELECT DISTINCT ON (\"region\") \"store_id\" FROM "), delete);
    SqlRefusal denied = assertThrows(SqlRefusal.class, () -> analyze("delete from sales.stores where store_id in"
        + " (select distinct on (customer_email) store_id from store_transactions)").rewrite(DENY_EMAIL));
    assertEquals("42501", denied.sqlState());
    // EXPLAIN only without a row filter (ExplainStatement)
    String explain = analyze("explain (costs off) select distinct on (region) region from sales.stores")
        .rewrite(Decisions.allow().build());
    assertEquals("EXPLAIN (COSTS off) SELECT DISTINCT ON (\"region\") \"region\" FROM (SELECT \"store_id\","
        + " \"zip_code\", \"region\" FROM \"sales\".\"stores\") AS \"stores\"", explain);
  }
}
