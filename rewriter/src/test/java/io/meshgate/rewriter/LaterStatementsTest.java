package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PREPARE, DECLARE and EXPLAIN govern the statement they carry; DO is refused. */
class LaterStatementsTest {
  private static final String STORES = "mesh.sales.stores";
  private static final String FILTERED_STORES =
      "(SELECT \"store_id\", \"zip_code\", \"region\" FROM \"sales\".\"stores\" WHERE (\"region\" = 'EU') OFFSET 0)";
  private static final Decision FILTERED = Decisions.allow()
      .filter(STORES, new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
      .build();

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private SqlRefusal refusal(String sql) {
    return assertThrows(SqlRefusal.class, () -> analyze(sql).rewrite(FILTERED), sql);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "PREPARE p AS SELECT * FROM sales.stores WHERE store_id = $1"
          + "|PREPARE \"p\" AS SELECT * FROM (SELECT \"store_id\", \"zip_code\", \"region\" FROM \"sales\".\"stores\""
          + " WHERE ((\"region\" = 'EU') AND (\"store_id\" = CAST($1 AS integer))) OFFSET 0) AS \"stores\""
          + " WHERE (\"store_id\" = $1)",
      "prepare Q1 (integer, text) as select store_id from stores where region = $2 and store_id = $1"
          + "|PREPARE \"q1\" (integer, text) AS SELECT \"store_id\" FROM (SELECT \"store_id\", \"zip_code\", \"region\""
          + " FROM \"sales\".\"stores\" WHERE (((\"region\" = 'EU') AND (\"region\" = CAST($2 AS text)))"
          + " AND (\"store_id\" = CAST($1 AS integer))) OFFSET 0) AS \"stores\" WHERE ((\"region\" = $2) AND (\"store_id\" = $1))",
      "PREPARE \"Mixed\"(numeric(10, 2)[]) AS VALUES ((SELECT count(*) FROM sales.stores))"
          + "|PREPARE \"Mixed\" (numeric(10, 2)[]) AS VALUES ((SELECT count(*) FROM FILTERED AS \"stores\"))",
      "DECLARE c CURSOR FOR SELECT region FROM sales.stores"
          + "|DECLARE \"c\" CURSOR FOR SELECT \"region\" FROM FILTERED AS \"stores\"",
      "declare \"C\" binary no scroll cursor with hold for select region from sales.stores"
          + "|DECLARE \"C\" BINARY NO SCROLL CURSOR WITH HOLD FOR SELECT \"region\" FROM FILTERED AS \"stores\""})
  void theCarriedStatementIsGovernedLikeTheStatementItself(String sql, String expected)
      throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    assertEquals(StatementKind.SELECT, statement.kind());
    assertTrue(statement.requiresDecision());
    assertEquals(List.of(STORES), statement.relations().stream().map(r -> r.relation().key()).toList());
    assertEquals(expected.replace("FILTERED", FILTERED_STORES), statement.rewrite(FILTERED));
  }

  @Test
  void preparedStatementUsesNameTheStatementAsPostgresqlStoresIt() throws SqlRefusal {
    assertEquals(Optional.of(new PreparedStatementUse.Prepare("q1")),
        analyze("PREPARE Q1 AS SELECT 1").preparedStatementUse());
    assertEquals(Optional.of(new PreparedStatementUse.Execute("S_1")),
        analyze("EXECUTE \"S_1\"").preparedStatementUse());
    assertEquals(Optional.of(new PreparedStatementUse.Deallocate("q1")),
        analyze("DEALLOCATE PREPARE Q1").preparedStatementUse());
    assertEquals(Optional.of(new PreparedStatementUse.Deallocate("prepare")),
        analyze("deallocate prepare").preparedStatementUse());
    assertEquals(Optional.of(new PreparedStatementUse.DeallocateAll()),
        analyze("DEALLOCATE ALL").preparedStatementUse());
    assertEquals(Optional.of(new PreparedStatementUse.DeallocateAll()),
        analyze("discard all").preparedStatementUse());
    assertEquals(Optional.empty(), analyze("DISCARD PLANS").preparedStatementUse());
    assertEquals(Optional.empty(), analyze("SELECT 1").preparedStatementUse());
  }

  /** DECLARE and CLOSE change which portal a name means, as PostgreSQL stores the name. */
  @Test
  void cursorsNameThePortalAsPostgresqlStoresIt() throws SqlRefusal {
    assertEquals(Optional.of(new PreparedStatementUse.DeclareCursor("c1")),
        analyze("DECLARE C1 CURSOR FOR SELECT 1").preparedStatementUse());
    assertEquals(Optional.of(new PreparedStatementUse.CloseCursor("c1")),
        analyze("close C1").preparedStatementUse());
    assertEquals(Optional.of(new PreparedStatementUse.CloseCursor("P")),
        analyze("CLOSE \"P\"").preparedStatementUse());
    assertEquals(Optional.of(new PreparedStatementUse.CloseAllCursors()),
        analyze("CLOSE ALL").preparedStatementUse());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "EXECUTE p|EXECUTE \"p\"",
      "execute P (1, 'a''b', now())|EXECUTE \"p\" (1, 'a''b', now())",
      "FETCH NEXT FROM c|FETCH NEXT FROM c",
      "fetch -5 in \"C\"|fetch - 5 in \"C\"",
      "MOVE ABSOLUTE 10 FROM c|MOVE ABSOLUTE 10 FROM c",
      "CLOSE c|CLOSE c"})
  void statementsRunningWhatWasGovernedBeforePass(String sql, String forwarded) throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    assertFalse(statement.requiresDecision());
    assertEquals(StatementKind.UTILITY, statement.kind());
    assertEquals(forwarded, statement.passthroughSql());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "EXECUTE p (query_to_xml('select * from customers.customers', true, true, ''))|42501",
      "EXECUTE p ((SELECT email FROM customers.customers LIMIT 1))|0A000",
      "EXECUTE p (1) extra|42601",
      "FETCH (1) FROM c|42601",
      "PREPARE p AS SELECT pg_read_file('/etc/passwd')|42501",
      "PREPARE p (int) AS SET role admin|0A000",
      "PREPARE p (int = 1) AS SELECT 1|42601",
      "PREPARE p AS PREPARE q AS SELECT 1|0A000",
      "PREPARE p AS MERGE INTO sales.stores USING sales.stores s ON true WHEN MATCHED THEN DELETE|0A000",
      "DECLARE c CURSOR FOR EXECUTE p|0A000",
      "DECLARE c FOR SELECT 1|42601",
      "DECLARE c SENSITIVE CURSOR FOR SELECT 1|42601",
      "EXPLAIN EXECUTE p|0A000",
      "EXPLAIN ANALYZE DELETE FROM sales.stores|0A000",
      "EXPLAIN (ANALYZE, SERIALIZE) SELECT 1|42601",
      "EXPLAIN COPY sales.stores TO STDOUT|0A000",
      "EXPLAIN SELECT * FROM sales.nope|42P01"})
  void whatCannotBeGovernedIsRefused(String sql, String sqlState) {
    assertEquals(sqlState, refusal(sql).sqlState());
  }

  @ParameterizedTest
  @ValueSource(strings = {"DO $$ BEGIN PERFORM 1; END $$", "do language plpgsql 'begin end'"})
  void doBlocksAreRefusedBecauseTheirSqlCannotBeAnalysed(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42501", refusal.sqlState());
    assertEquals(Optional.of(StatementKind.CALL), refusal.statementKind());
    assertTrue(refusal.getMessage().startsWith("DO blocks are not allowed through Meshgate"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "EXPLAIN (COSTS OFF) SELECT * FROM sales.stores|EXPLAIN (COSTS off) SELECT * FROM UNFILTERED AS \"stores\"",
      "explain (costs off, format json, verbose) select * from sales.stores"
          + "|EXPLAIN (COSTS off, FORMAT json, VERBOSE) SELECT * FROM UNFILTERED AS \"stores\"",
      "EXPLAIN (VERBOSE, COSTS false) (SELECT 1 FROM sales.stores)"
          + "|EXPLAIN (VERBOSE, COSTS false) SELECT 1 FROM UNFILTERED AS \"stores\"",
      "EXPLAIN ANALYZE SELECT * FROM sales.stores|EXPLAIN (ANALYZE) SELECT * FROM UNFILTERED AS \"stores\"",
      "EXPLAIN VERBOSE SELECT 1 FROM stores|EXPLAIN (VERBOSE) SELECT 1 FROM UNFILTERED AS \"stores\""})
  void explainWithoutARowFilterShowsThePlanOfTheRewrittenQuery(String sql, String expected) throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    assertEquals(StatementKind.SELECT, statement.kind());
    assertEquals(expected.replace("UNFILTERED", "(SELECT \"store_id\", \"zip_code\", \"region\" FROM \"sales\".\"stores\")"),
        statement.rewrite(Decisions.allow().build()));
  }

  /**
   * The plan PostgreSQL chooses depends on statistics over every row, so no spelling of EXPLAIN
   * runs on a relation with row filters: not with estimates, not with COSTS off, not ANALYZE.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"EXPLAIN SELECT * FROM sales.stores WHERE region = 'US'",
      "EXPLAIN (COSTS off) SELECT * FROM sales.stores WHERE zip_code = '10115'",
      "EXPLAIN (COSTS false, FORMAT json) SELECT 1 FROM stores", "EXPLAIN (COSTS 0) SELECT 1 FROM stores",
      "EXPLAIN (COSTS on, COSTS off) SELECT 1 FROM stores", "EXPLAIN (ANALYZE false, COSTS off) SELECT 1 FROM stores",
      "EXPLAIN ANALYZE SELECT * FROM sales.stores", "explain (analyze) select * from sales.stores",
      "EXPLAIN (ANALYSE 'yes', COSTS off) SELECT 1 FROM stores", "EXPLAIN VERBOSE SELECT 1 FROM stores",
      "EXPLAIN (COSTS off) SELECT * FROM store_transactions WHERE store_id IN (SELECT store_id FROM sales.stores)"})
  void explainIsRefusedOnARelationWithRowFiltersHoweverItIsSpelled(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql).rewrite(FILTERED), sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("EXPLAIN is not allowed on sales.stores: the policy filters its rows"),
        refusal.getMessage());
    assertTrue(refusal.getMessage().endsWith("run the query itself instead"), refusal.getMessage());
  }

  @Test
  void explainIsRefusedWhereThePlanWouldShowAHashSalt() throws SqlRefusal {
    Decision salted = Decisions.allow().mask(STORES, "zip_code", new ColumnMask.Hash("pepper")).build();
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyze("EXPLAIN SELECT zip_code FROM sales.stores").rewrite(salted));
    assertEquals("42501", refusal.sqlState());
    assertFalse(refusal.getMessage().contains("pepper"));
    // the same query runs, and an unsalted hash shows nothing secret
    assertTrue(analyze("SELECT zip_code FROM sales.stores").rewrite(salted).contains("pepper"));
    Decision unsalted = Decisions.allow().mask(STORES, "zip_code", new ColumnMask.Hash("")).build();
    assertTrue(analyze("EXPLAIN SELECT zip_code FROM sales.stores").rewrite(unsalted).startsWith("EXPLAIN SELECT"));
  }

  @Test
  void aDeniedColumnIsRefusedUnderEveryWrapper() throws SqlRefusal {
    Decision denied = Decisions.allow().deny(STORES, "zip_code").build();
    for (String sql : List.of("PREPARE p AS SELECT zip_code FROM sales.stores",
        "DECLARE c CURSOR FOR SELECT zip_code FROM sales.stores",
        "EXPLAIN SELECT zip_code FROM sales.stores")) {
      assertEquals("42501", assertThrows(SqlRefusal.class, () -> analyze(sql).rewrite(denied), sql).sqlState());
    }
  }

  @Test
  void wrappersOfCatalogReadsNeedNoDecision() throws SqlRefusal {
    assertEquals("PREPARE \"p\" AS SELECT \"relname\" FROM \"pg_catalog\".\"pg_class\"",
        analyze("PREPARE p AS SELECT relname FROM pg_class").passthroughSql());
    assertEquals("EXPLAIN SELECT 1", analyze("EXPLAIN SELECT 1").passthroughSql());
  }
}
