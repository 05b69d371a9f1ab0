package io.meshgate.rewriter;

import static io.meshgate.rewriter.RewriteAssertions.assertGovernedOnlyThroughDerivedTables;
import static io.meshgate.rewriter.RewriteAssertions.filters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Access;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** COPY TO STDOUT is governed like the query it copies; COPY FROM STDIN only when unrestricted. */
class CopyTest {
  private static final String TRANSACTIONS = "mesh.sales.store_transactions";
  private static final String STORES = "mesh.sales.stores";
  private static final RelationName STORES_RELATION = new RelationName("mesh", "sales", "stores");
  private static final List<String> STORES_COLUMNS = List.of("store_id", "zip_code", "region");

  private static final Decision FILTERED_AND_MASKED = Decisions.allow()
      .relation(TRANSACTIONS,
          List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))),
          Map.of("amount", new ColumnMask.Round(-2)),
          Set.of("customer_email"))
      .build();

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private SqlRefusal refusal(String sql) {
    return assertThrows(SqlRefusal.class, () -> analyze(sql), sql);
  }

  private SqlRefusal rewriteRefusal(String sql, Decision decision) throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    return assertThrows(SqlRefusal.class, () -> statement.rewrite(decision), sql);
  }

  // ---- COPY ... TO STDOUT

  @Test
  void copyOfAQueryIsGovernedExactlyLikeTheQuery() throws SqlRefusal {
    String query = "select s.zip_code, sum(t.amount) from sales.stores s"
        + " join store_transactions t using (store_id) group by 1";
    AnalyzedStatement select = analyze(query);
    AnalyzedStatement copy = analyze("COPY (" + query + ") TO STDOUT WITH (FORMAT csv, HEADER)");
    assertEquals(StatementKind.COPY_OUT, copy.kind());
    assertTrue(copy.requiresDecision());
    assertEquals(select.relations(), copy.relations());
    String rewritten = copy.rewrite(FILTERED_AND_MASKED);
    assertEquals("COPY (" + select.rewrite(FILTERED_AND_MASKED) + ") TO STDOUT WITH (FORMAT csv, HEADER)",
        rewritten);
    assertGovernedOnlyThroughDerivedTables(rewritten.substring("COPY (".length(),
            rewritten.length() - ") TO STDOUT WITH (FORMAT csv, HEADER)".length()),
        filters("sales.store_transactions", "(\"region\" = 'EU')"));
  }

  @Test
  void copyOfATableIsGovernedAsSelectingItsColumns() throws SqlRefusal {
    AnalyzedStatement copy = analyze("copy sales.store_transactions to stdout");
    assertEquals(StatementKind.COPY_OUT, copy.kind());
    assertEquals(analyze("select * from sales.store_transactions").relations(), copy.relations());
    assertEquals(
        "COPY (" + analyze("SELECT * FROM \"sales\".\"store_transactions\"").rewrite(FILTERED_AND_MASKED)
            + ") TO STDOUT",
        copy.rewrite(FILTERED_AND_MASKED));
    // no column list: every column but the denied one, the mask and the filter applied
    assertEquals("COPY (SELECT * FROM (SELECT \"transaction_id\", \"store_id\", \"day\","
            + " CAST(pg_catalog.round(CAST(\"amount\" AS numeric), -2) AS numeric(12,2)) AS \"amount\","
            + " \"region\""
            + " FROM \"sales\".\"store_transactions\" WHERE (\"region\" = 'EU') OFFSET 0) AS"
            + " \"store_transactions\") TO STDOUT",
        copy.rewrite(FILTERED_AND_MASKED));
  }

  @Test
  void copyOfListedColumnsReadsOnlyThose() throws SqlRefusal {
    AnalyzedStatement copy =
        analyze("COPY store_transactions (day, \"amount\") TO STDOUT (FORMAT csv)");
    RelationAccess access = copy.relations().get(0);
    assertEquals(Access.READ, access.access());
    assertEquals(List.of("day", "amount"), access.referencedColumns());
    assertTrue(copy.rewrite(FILTERED_AND_MASKED).startsWith(
        "COPY (SELECT \"day\", \"amount\" FROM (SELECT "), copy.rewrite(FILTERED_AND_MASKED));
    assertTrue(copy.rewrite(FILTERED_AND_MASKED).endsWith(") TO STDOUT (FORMAT csv)"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "COPY sales.store_transactions (day, customer_email) TO STDOUT",
      "COPY (select customer_email from sales.store_transactions) TO STDOUT",
      "COPY sales.store_transactions TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (customer_email))",
      "COPY sales.store_transactions TO STDOUT CSV FORCE QUOTE day, customer_email"})
  void namingADeniedColumnIsRefused(String sql) throws SqlRefusal {
    SqlRefusal refusal = rewriteRefusal(sql, FILTERED_AND_MASKED);
    assertEquals("42501", refusal.sqlState());
    assertEquals("permission denied for column customer_email of relation sales.store_transactions",
        refusal.getMessage());
    assertEquals(Optional.of(StatementKind.COPY_OUT), refusal.statementKind());
  }

  @Test
  void aDenialOfTheQueryIsADenialOfTheCopy() throws SqlRefusal {
    SqlRefusal refusal = rewriteRefusal("COPY sales.stores TO STDOUT",
        Decision.deny("stores are confidential"));
    assertEquals("42501", refusal.sqlState());
    assertEquals(Optional.of(StatementKind.COPY_OUT), refusal.statementKind());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "copy (select relname from pg_class) to stdout|COPY (SELECT \"relname\" FROM \"pg_catalog\".\"pg_class\") TO STDOUT",
      "COPY pg_catalog.pg_namespace TO STDOUT WITH CSV|COPY (SELECT * FROM \"pg_catalog\".\"pg_namespace\") TO STDOUT WITH CSV",
      "copy (values (1, 'a')) to stdout|COPY (VALUES (1, 'a')) TO STDOUT"})
  void copiesOfCatalogReadsNeedNoDecision(String sql, String expected) throws SqlRefusal {
    AnalyzedStatement copy = analyze(sql);
    assertEquals(StatementKind.COPY_OUT, copy.kind());
    assertFalse(copy.requiresDecision());
    assertEquals(expected, copy.passthroughSql());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "WITH (FORMAT csv, HEADER)|WITH (FORMAT csv, HEADER)",
      "with ( format 'binary' )|with (format 'binary')",
      "(FORMAT text, DELIMITER E'\\t', NULL '', ENCODING 'UTF8')|(FORMAT text, DELIMITER E'\\t', NULL '', ENCODING 'UTF8')",
      "WITH (FORMAT csv, HEADER true, QUOTE '\"', ESCAPE '\\', FORCE_QUOTE *)|WITH (FORMAT csv, HEADER true, QUOTE '\"', ESCAPE '\\', FORCE_QUOTE *)",
      "WITH (FORMAT csv, FORCE_QUOTE (zip_code, \"region\"))|WITH (FORMAT csv, FORCE_QUOTE (zip_code, \"region\"))",
      "WITH CSV HEADER DELIMITER AS ';' NULL AS 'n/a' QUOTE '\"' FORCE QUOTE *|WITH CSV HEADER DELIMITER AS ';' NULL AS 'n/a' QUOTE '\"' FORCE QUOTE *",
      "csv /* comment */ header|csv header",
      "BINARY|BINARY"})
  void optionsAreForwardedAsWritten(String options, String forwarded) throws SqlRefusal {
    String rewritten = analyze("COPY sales.stores TO STDOUT " + options)
        .rewrite(Decisions.allow().build());
    assertTrue(rewritten.endsWith(") TO STDOUT " + forwarded), rewritten);
  }

  // ---- COPY ... FROM STDIN

  @Test
  void copyFromNamesTheTableForInsertWithTheListedColumns() throws SqlRefusal {
    AnalyzedStatement copy = analyze("copy stores (zip_code, STORE_ID) from stdin with (format csv)");
    assertEquals(StatementKind.COPY_IN, copy.kind());
    assertTrue(copy.requiresDecision());
    assertEquals(List.of(new RelationAccess(STORES_RELATION, Access.INSERT, STORES_COLUMNS,
        List.of("store_id", "zip_code"))), copy.relations());
    assertThrows(IllegalStateException.class, copy::passthroughSql);
  }

  @Test
  void copyFromWithoutColumnsWritesEveryColumn() throws SqlRefusal {
    assertEquals(STORES_COLUMNS,
        analyze("COPY sales.stores FROM STDIN").relations().get(0).referencedColumns());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "copy stores (zip_code, STORE_ID) from stdin with (format csv)|COPY \"sales\".\"stores\" (\"zip_code\", \"store_id\") FROM STDIN with (format csv)",
      "COPY mesh.sales.stores FROM STDIN|COPY \"sales\".\"stores\" FROM STDIN",
      "COPY \"sales\".stores FROM STDIN CSV HEADER|COPY \"sales\".\"stores\" FROM STDIN CSV HEADER"})
  void anUnrestrictedCopyFromIsForwardedWithTheTableQualified(String sql, String expected)
      throws SqlRefusal {
    Decision decision = Decisions.allow()
        .filter(TRANSACTIONS, new RowFilter.Expression("amount < 10")) // another table
        .build();
    assertEquals(expected, analyze(sql).rewrite(decision));
  }

  @Test
  void aRestrictedCopyFromIsNotGovernedYet() throws SqlRefusal {
    for (Decision decision : List.of(
        Decisions.allow().filter(STORES, new RowFilter.Expression("region = 'EU'")).build(),
        Decisions.allow().mask(STORES, "zip_code", new ColumnMask.Redact()).build(),
        Decisions.allow().deny(STORES, "region").build())) {
      SqlRefusal refusal = rewriteRefusal("COPY sales.stores (store_id) FROM STDIN", decision);
      assertEquals("0A000", refusal.sqlState());
      assertTrue(refusal.getMessage().startsWith("COPY FROM is not governed yet"), refusal.getMessage());
      assertEquals(Optional.of(StatementKind.COPY_IN), refusal.statementKind());
    }
  }

  @Test
  void aDeniedCopyFromIsADenial() throws SqlRefusal {
    SqlRefusal refusal = rewriteRefusal("COPY sales.stores FROM STDIN", Decision.deny("read only"));
    assertEquals("42501", refusal.sqlState());
    assertEquals("permission denied by policy: read only", refusal.getMessage());
  }

  // ---- refusals at analysis

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "COPY sales.stores TO '/tmp/stores.csv'|42501|COPY_OUT",
      "copy (select 1) to program 'cat > /tmp/x'|42501|COPY_OUT",
      "COPY sales.stores TO E'/tmp/x' WITH (FREEZE)|42501|COPY_OUT",
      "COPY sales.stores FROM '/etc/passwd'|42501|COPY_IN",
      "COPY sales.stores FROM PROGRAM 'id'|42501|COPY_IN",
      "COPY pg_catalog.pg_class FROM STDIN|42501|COPY_IN",
      "COPY pg_class (relname) FROM STDIN|42501|COPY_IN",
      "COPY pg_stats TO STDOUT|42501|COPY_OUT",
      "COPY (select * from pg_stats) TO STDOUT|42501|COPY_OUT",
      "COPY (select query_to_xml('select 1', true, true, '')) TO STDOUT|42501|COPY_OUT",
      "COPY sales.stores TO STDOUT WITH (FREEZE)|0A000|COPY_OUT",
      "COPY sales.stores TO STDOUT WITH (FORMAT xml)|0A000|COPY_OUT",
      "COPY sales.stores FROM STDIN WITH (FORCE_NOT_NULL (zip_code))|0A000|COPY_IN",
      "COPY sales.stores FROM STDIN WITH (DEFAULT '\\D')|0A000|COPY_IN",
      "COPY sales.stores FROM STDIN WITH (\"FORMAT\" csv)|0A000|COPY_IN",
      "COPY sales.stores FROM STDIN FREEZE|0A000|COPY_IN",
      "COPY sales.stores FROM STDIN CSV FORCE NOT NULL zip_code|0A000|COPY_IN",
      "COPY BINARY sales.stores TO STDOUT|0A000|COPY_OUT",
      "COPY sales.stores TO STDOUT USING DELIMITERS ','|0A000|COPY_OUT",
      "COPY sales.stores FROM STDIN WHERE store_id > 1|0A000|COPY_IN",
      "COPY (insert into sales.stores values (1) returning *) TO STDOUT|0A000|COPY_OUT",
      "COPY (delete from sales.stores) TO STDOUT|0A000|COPY_OUT",
      "COPY sales.nowhere TO STDOUT|42P01|COPY_OUT",
      "COPY sales.nowhere FROM STDIN|42P01|COPY_IN",
      "COPY sales.stores TO|42601|COPY_OUT",
      "COPY sales.stores TO STDIN|42601|COPY_OUT",
      "COPY sales.stores FROM STDOUT|42601|COPY_IN",
      "COPY (select 1) FROM STDIN|42601|COPY_IN",
      "COPY () TO STDOUT|42601|COPY_OUT",
      "COPY (select 1 TO STDOUT|42601|COPY_OUT",
      "COPY sales.stores (zip_code TO STDOUT|42601|COPY_OUT",
      "COPY sales.stores TO STDOUT WITH (FORMAT csv|42601|COPY_OUT",
      "COPY sales.stores TO STDOUT WITH (FORCE_QUOTE zip_code)|42601|COPY_OUT",
      "COPY sales.stores TO STDOUT WITH (DELIMITER)|42601|COPY_OUT",
      "COPY sales.stores TO STDOUT CSV DELIMITER ;|42601|COPY_OUT",
      "COPY sales.stores TO STDOUT WHERE store_id = 1|42601|COPY_OUT",
      "COPY sales.stores TO STDOUT extra|0A000|COPY_OUT",
      "COPY 'x' TO STDOUT|42601|COPY_OUT",
      "COPY|42601|COPY_OUT"})
  void refusals(String sql, String sqlState, StatementKind kind) {
    SqlRefusal refusal = refusal(sql);
    assertEquals(sqlState, refusal.sqlState(), refusal.getMessage());
    assertEquals(Optional.of(kind), refusal.statementKind());
  }

  @Test
  void serverSideFilesAreRefusedWithAHint() {
    assertEquals("COPY TO a server-side file or program is not allowed through Meshgate; copy TO"
            + " STDOUT instead (psql: \\copy)",
        refusal("COPY sales.stores TO '/tmp/x'").getMessage());
  }

  @Test
  void forwardedCopyAnalysesAgain() throws SqlRefusal {
    Decision decision = Decisions.allow().build();
    String once = analyze("COPY sales.stores (zip_code) TO STDOUT WITH CSV").rewrite(decision);
    AnalyzedStatement again = analyze(once);
    assertEquals(StatementKind.COPY_OUT, again.kind());
    assertEquals(STORES_RELATION, again.relations().get(0).relation());
    assertTrue(again.rewrite(decision).endsWith(") TO STDOUT WITH CSV"));
  }
}
