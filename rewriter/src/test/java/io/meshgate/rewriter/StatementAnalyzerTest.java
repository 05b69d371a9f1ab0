package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Access;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.StatementKind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatementAnalyzerTest {
  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private SqlRefusal refusal(String sql) {
    return assertThrows(SqlRefusal.class, () -> analyze(sql), sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SET search_path TO sales, public", "set statement_timeout = 5000", "SHOW ALL",
      "show server_version", "RESET ALL", "reset role", "RESET SESSION AUTHORIZATION", "BEGIN",
      "begin isolation level serializable", "START TRANSACTION READ ONLY", "COMMIT", "END",
      "ROLLBACK", "ABORT", "SAVEPOINT s1", "RELEASE SAVEPOINT s1", "rollback to savepoint s1",
      "DISCARD ALL", "DEALLOCATE ALL", "deallocate S_1", "CLOSE c1",
      "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET TIME ZONE 'UTC'",
      "set standard_conforming_strings = on", "SET client_encoding TO 'UTF8'",
      "SET NAMES 'utf8'", "set extra_float_digits = 3", "UNLISTEN *", "unlisten channel"})
  void utilityStatementsPassThroughAsTheirTokens(String sql) throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    assertEquals(StatementKind.UTILITY, statement.kind());
    assertFalse(statement.requiresDecision());
    // one space between tokens: these are written so already (but for the comma)
    assertEquals(sql.replace(", ", " , "), statement.passthroughSql());
    assertEquals(List.of(), statement.relations());
    assertThrows(IllegalStateException.class,
        () -> statement.rewrite(Decisions.allow().build()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SET ROLE admin", "set role admin", "SET SESSION ROLE admin", "SET LOCAL ROLE admin",
      "set role = 'admin'", "SET role TO admin", "SET \"role\" TO admin", "SET \"ROLE\" = admin",
      "SET ROLE NONE", "SET SESSION AUTHORIZATION admin", "set session authorization default",
      "SET LOCAL SESSION AUTHORIZATION admin", "SET SESSION SESSION AUTHORIZATION admin",
      "SET session_authorization = 'admin'", "set \"session_authorization\" to admin",
      "SET local session_authorization TO admin", "/* x */ SeT rOlE admin;"})
  void roleChangesAreRefused(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42501", refusal.sqlState());
    assertEquals("changing the backend role is not allowed through Meshgate",
        refusal.getMessage());
    assertEquals(Optional.of(StatementKind.UTILITY), refusal.statementKind());
  }

  /** PREPARE TRANSACTION is refused, so a prepared transaction holds writes no decision governed. */
  @ParameterizedTest
  @ValueSource(strings = {"COMMIT PREPARED 'x'", "commit prepared 'x'", "ROLLBACK PREPARED 'x'",
      "/* c */ rollback\nPREPARED 'gid';", "Rollback \"prepared\" 'x'"})
  void finishingAPreparedTransactionIsRefused(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("0A000", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("PREPARED is not allowed through Meshgate"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SET standard_conforming_strings = off", "set standard_conforming_strings to 'off'",
      "SET client_encoding TO 'SJIS'", "SET NAMES 'LATIN1'"})
  void settingsThatChangeHowSqlIsReadAreRefused(String sql) {
    assertEquals("42501", refusal(sql).sqlState());
  }

  /** LOG and DEBUG messages, and the debug_print_* dumps, would show the forwarded SQL. */
  @ParameterizedTest
  @ValueSource(strings = {
      "SET client_min_messages = log", "set client_min_messages to 'LOG'", "SET SESSION client_min_messages = debug1",
      "SET LOCAL \"client_min_messages\" TO debug", "SET client_min_messages = \"DEBUG5\"",
      "SET client_min_messages = log, notice", "SET debug_print_plan = on", "SET debug_print_parse TO true",
      "set \"DEBUG_PRINT_REWRITTEN\" = 1", "SET debug_print_plan = 'tr'", "SET LOCAL debug_print_plan = yes"})
  void settingsThatSendTheForwardedSqlToTheClientAreRefused(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("the SQL Meshgate forwards"), refusal.getMessage());
  }

  /** Another schema's types, functions and operators must not stand in for the built-ins Meshgate writes. */
  @ParameterizedTest
  @ValueSource(strings = {"SET search_path = sales, pg_catalog", "set search_path to \"$user\", 'pg_catalog'",
      "SET LOCAL search_path = public, \"pg_catalog\"", "SET SESSION \"search_path\" TO sales, public, pg_catalog"})
  void aSearchPathWithPgCatalogAfterAnotherSchemaIsRefused(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("pg_catalog after another schema"), refusal.getMessage());
  }

  /** PostgreSQL reads a number in the list as a schema of that name; Meshgate reads no list with one. */
  @ParameterizedTest
  @ValueSource(strings = {"SET search_path = public, pg_catalog, 1", "SET search_path = public, pg_catalog, -1.5",
      "SET search_path TO sales, pg_catalog, 007", "SET LOCAL search_path = + 1, pg_catalog", "SET search_path TO 1",
      "SET search_path TO a b"})
  void aSearchPathMeshgateCannotReadIsRefused(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("Meshgate cannot read this search_path"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET search_path FROM CURRENT", "SET LOCAL search_path FROM CURRENT"})
  void keepingTheSearchPathPasses(String sql) throws SqlRefusal {
    assertFalse(analyze(sql).requiresDecision());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET search_path = pg_catalog, sales", "SET search_path TO sales, public",
      "SET search_path = 'sales, pg_catalog'", "SET search_path = sales, \"PG_CATALOG\"", "SET SCHEMA 'sales'"})
  void searchPathsWithPgCatalogFirstOrLeftOutPass(String sql) throws SqlRefusal {
    assertFalse(analyze(sql).requiresDecision());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET client_min_messages = warning", "set client_min_messages to 'NOTICE'",
      "SET client_min_messages TO DEFAULT", "SET LOCAL client_min_messages = error", "SET debug_print_plan = off",
      "SET debug_print_parse TO false", "RESET client_min_messages"})
  void quieterMessageSettingsPass(String sql) throws SqlRefusal {
    assertFalse(analyze(sql).requiresDecision());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "MERGE INTO sales.stores s USING sales.stores t ON true WHEN MATCHED THEN DO NOTHING|MERGE",
      "CALL p()|CALL",
      "VACUUM|UTILITY",
      "LISTEN x|UTILITY"})
  void otherStatementsAreRefusedWithTheirKind(String sql, StatementKind kind) {
    // DDL is governed or refused form by form: ddl/DdlStatementsTest
    SqlRefusal refusal = refusal(sql);
    assertEquals("0A000", refusal.sqlState());
    assertEquals(Optional.of(kind), refusal.statementKind());
    assertTrue(refusal.getMessage().contains("not governed by Meshgate yet"),
        refusal.getMessage());
  }

  @Test
  void severalStatementsAreRefusedAsOneStatement() throws SqlRefusal {
    // analyze is for one statement (a Parse); a simple Query is split first (StatementSplitter)
    SqlRefusal refusal = refusal("SELECT 1; SELECT 2");
    assertEquals("42601", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("cannot insert multiple commands"));
  }

  @Test
  void trailingSemicolonsAndCommentsAreNotStatements() throws SqlRefusal {
    assertEquals("SELECT 1", analyze("select 1; ; -- only a comment").passthroughSql());
  }

  @Test
  void semicolonsInsideStringsAndCommentsDoNotSplit() throws SqlRefusal {
    assertEquals("SELECT 'a;b', 'c;d'",
        analyze("select 'a;b', $x$c;d$x$ /* ; */ -- ;\n;").passthroughSql());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", ";", " ; ;", "-- nothing\n", "/* nothing */"})
  void emptyQueriesPassThroughEmpty(String sql) throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    assertFalse(statement.requiresDecision());
    assertEquals("", statement.passthroughSql());
  }

  /**
   * What is forwarded without parsing is written back from Meshgate's tokens: comments and the
   * client's spacing go, and a literal is the value Meshgate read, so the backend cannot read the
   * client's text otherwise than Meshgate did.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      /* leading comment */ set extra_float_digits = 3;           | set extra_float_digits = 3
      SET search_path = E'a\\', ''; SELECT 1; --'               | SET search_path = 'a'', ''; SELECT 1; --'
      SET search_path = 'c:\\dir'                                | SET search_path = E'c:\\\\dir'
      SET search_path = 'x' -- comment                            | SET search_path = 'x'
      SET application_name = $$a'b$$                              | SET application_name = 'a''b'
      """)
  void utilityStatementsAreWrittenBackFromTheirTokens(String sql, String forwarded) throws SqlRefusal {
    assertEquals(forwarded, analyze(sql).passthroughSql());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT FROM WHERE", "select * frm sales.stores", "garbage",
      "SELECT (1", "SELECT 1 +"})
  void unparsableStatementsAreSyntaxErrors(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42601", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("not forwarded"), refusal.getMessage());
  }

  @Test
  void syntaxErrorsPointAtTheClientsText() {
    SqlRefusal refusal = refusal("SELECT E'\\n' || 'x',\n  interval '1 day' frm sales.stores");
    // "frm" reads as an alias, so "sales" is where the statement stops making sense
    assertEquals("syntax error at line 2, column 24: Meshgate could not parse this statement,"
        + " so it was not forwarded (Encountered \"sales\")", refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELECT 'unterminated", "SELECT \"open", "SELECT 1 /* /* */",
      "SELECT $a$ never closed", "SELECT E'\\xff'", "SELECT U&'\\d800'", "SELECT \"\""})
  void lexicalErrorsAreSyntaxErrors(String sql) {
    assertEquals("42601", refusal(sql).sqlState());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "select 1 from pg_class where relname OPERATOR(public.~) 'x'|0A000",
      "select 1 from pg_class where relname OPERATOR(sales.pg_catalog.~) 'x'|0A000",
      "select 1 from pg_class where relnamespace OPERATOR(=) 1 + 1|0A000",
      "select 1 OPERATOR(public.-) 1|0A000",
      "select OPERATOR(pg_catalog.-) 1|42601",
      "select 1 from pg_class where relname COLLATE|42601",
      "select meshgate$collate(relname, 'C') from pg_class|42601",
      "select \"MESHGATE$WITH_ORDINALITY\"(1)|42601",
      "select * from (select 1) with ordinality|42601"})
  void clientCatalogConstructsThatAreRefused(String sql, String sqlState) {
    assertEquals(sqlState, refusal(sql).sqlState());
  }

  @Test
  void aColumnCalledOperatorIsAColumn() throws SqlRefusal {
    assertEquals("SELECT \"operator\" FROM (VALUES (1)) AS \"t\" (\"operator\")",
        analyze("select operator from (values (1)) t(operator)").passthroughSql());
  }

  @Test
  void catalogOnlyReadsPassThroughAsUnparsedSql() throws SqlRefusal {
    AnalyzedStatement statement = analyze(
        "select c.relname from pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
            + " where n.nspname = 'sales'");
    assertEquals(StatementKind.SELECT, statement.kind());
    assertFalse(statement.requiresDecision());
    assertEquals(List.of(), statement.relations());
    assertEquals("SELECT \"c\".\"relname\" FROM \"pg_catalog\".\"pg_class\" AS \"c\" INNER JOIN"
            + " \"pg_catalog\".\"pg_namespace\" AS \"n\" ON (\"n\".\"oid\" = \"c\".\"relnamespace\")"
            + " WHERE (\"n\".\"nspname\" = 'sales')",
        statement.passthroughSql());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "select 1|SELECT 1",
      "SELECT version()|SELECT version()",
      "select now(), current_user|SELECT now(), CURRENT_USER",
      "select * from information_schema.tables|SELECT * FROM \"information_schema\".\"tables\""})
  void queriesWithoutGovernedRelationsNeedNoDecision(String sql, String expected)
      throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    assertFalse(statement.requiresDecision());
    assertEquals(StatementKind.SELECT, statement.kind());
    assertEquals(expected, statement.passthroughSql());
    assertThrows(IllegalStateException.class,
        () -> statement.rewrite(Decisions.allow().build()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"select * from pg_stats", "SELECT * FROM pg_catalog.pg_stats",
      "select * from PG_STATS", "select * from pg_stats_ext", "select * from pg_stats_ext_exprs",
      "select * from pg_catalog.pg_statistic", "select * from pg_statistic_ext_data",
      "select data from pg_largeobject", "select * from mesh.pg_catalog.pg_stats",
      "select query from pg_stat_activity", "select statement from pg_prepared_statements",
      "select statement from pg_catalog.pg_cursors",
      "select * from sales.stores where exists (select 1 from pg_stats)"})
  void catalogViewsExposingValuesAreRefused(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("reading pg_catalog.pg_"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select query_to_xml('select * from sales.stores', true, true, '')",
      "SELECT pg_catalog.QUERY_TO_XML('x', true, true, '')",
      "select * from sales.stores where region = (select set_config('role', 'admin', false))",
      "select \"set_config\"('a', 'b', false)", "select dblink('host=x', 'select 1')",
      "select dblink_exec('x')", "select schema_to_xml('sales', true, true, '')",
      "select database_to_xmlschema(true, true, '')", "select table_to_xml('sales.stores', true, true, '')",
      "select cursor_to_xml('c', 1, true, true, '')", "select ts_stat('select 1')",
      "select pg_read_file('/etc/passwd')", "select pg_read_binary_file('x')",
      "select pg_ls_dir('.')", "select pg_stat_file('x')", "select lo_import('/x')",
      "select lo_export(1, '/x')", "select lo_get(1)", "select lo_open(1, 262144)",
      "select pg_terminate_backend(1)", "select pg_cancel_backend(1)", "select pg_reload_conf()",
      "select ts_rewrite('a'::tsquery, 'select 1')", "select * from generate_series(1, 2) g where g = length(query_to_xml('x', true, true, ''))"})
  void forbiddenFunctionsAreRefused(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("function "), refusal.getMessage());
    assertTrue(refusal.getMessage().contains(" is not allowed through Meshgate; if it only"
        + " computes from its arguments, ask the platform team to add it to"
        + " functions.allowed_extra"), refusal.getMessage());
  }

  @Test
  void harmlessFunctionsAreAllowed() throws SqlRefusal {
    assertEquals("SELECT pg_sleep(0), xmlexists('x')",
        analyze("select pg_sleep(0), xmlexists('x')").passthroughSql());
  }

  @ParameterizedTest
  @ValueSource(strings = {"select * from nowhere", "select * from sales.nowhere",
      "select * from nowhere.stores", "select * from customers",
      "select * from sales.stores where exists (select 1 from sales.missing)"})
  void unknownRelationsAreUndefinedTables(String sql) {
    SqlRefusal refusal = refusal(sql);
    assertEquals("42P01", refusal.sqlState());
    assertTrue(refusal.getMessage().matches("relation \"[a-z.]+\" does not exist"),
        refusal.getMessage());
  }

  @Test
  void otherDatabasesAreNotSupported() {
    SqlRefusal refusal = refusal("select * from other.sales.stores");
    assertEquals("0A000", refusal.sqlState());
  }

  @Test
  void unqualifiedNamesFollowTheSearchPathAfterPgCatalog() throws SqlRefusal {
    DemoCatalog catalog = new DemoCatalog().add("public", "stores", "id", "integer");
    StatementAnalyzer withPublic = new StatementAnalyzer(catalog, "mesh");
    RelationAccess first =
        withPublic.analyze("select * from stores", List.of("$user", "public", "sales"))
            .relations().get(0);
    assertEquals(new RelationName("mesh", "public", "stores"), first.relation());
    RelationAccess second =
        withPublic.analyze("select * from stores", List.of("sales", "public")).relations().get(0);
    assertEquals(new RelationName("mesh", "sales", "stores"), second.relation());
    // pg_catalog first, $user skipped, missing schemas skipped
    withPublic.analyze("select * from stores", List.of("$user", "nope", "sales"));
    assertEquals(List.of("pg_catalog.stores", "public.stores", "pg_catalog.stores",
            "sales.stores", "pg_catalog.stores", "nope.stores", "sales.stores"),
        catalog.lookups());
  }

  @Test
  void relationsListEachTableOnceWithItsColumns() throws SqlRefusal {
    AnalyzedStatement statement = analyze(
        "select s.zip_code, t.amount from sales.stores s join store_transactions t"
            + " on t.store_id = s.store_id where exists (select 1 from sales.stores x"
            + " where x.region = t.region)");
    assertTrue(statement.requiresDecision());
    assertEquals(StatementKind.SELECT, statement.kind());
    assertThrows(IllegalStateException.class, statement::passthroughSql);
    assertEquals(List.of(
            new RelationAccess(new RelationName("mesh", "sales", "stores"), Access.READ,
                List.of("store_id", "zip_code", "region"),
                List.of("store_id", "zip_code", "region")),
            new RelationAccess(new RelationName("mesh", "sales", "store_transactions"),
                Access.READ,
                List.of("transaction_id", "store_id", "day", "amount", "customer_email",
                    "region"),
                List.of("store_id", "amount", "region"))),
        statement.relations());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "select * from sales.stores|store_id,zip_code,region",
      "select s.* from sales.stores s|store_id,zip_code,region",
      "select count(*) from sales.stores|''",
      "select zip_code from sales.stores|zip_code",
      "select sales.stores.zip_code from sales.stores|zip_code",
      "select x.a from sales.stores as x(a)|store_id",
      "select 1 from sales.stores a join sales.stores b using (region)|region",
      "select row_to_json(s) from sales.stores s|store_id,zip_code,region",
      "select 1 from sales.stores group by region having max(store_id) > 1|store_id,region",
      "select upper(zip_code) as region from sales.stores order by 1|zip_code",
      "select (select max(zip_code) from sales.stores)|zip_code",
      "select 1 from sales.stores order by zip_code collate \"C\"|zip_code"})
  void referencedColumns(String sql, String expected) throws SqlRefusal {
    List<String> columns = analyze(sql).relations().get(0).referencedColumns();
    assertEquals(expected.isEmpty() ? List.of() : List.of(expected.split(",")), columns);
  }

  @Test
  void absurdNestingIsRefusedNotCrashedOn() {
    String sql = "select " + "(".repeat(20000) + "1" + ")".repeat(20000);
    SqlRefusal refusal = refusal(sql);
    assertTrue(refusal.sqlState().equals("0A000") || refusal.sqlState().equals("42601"),
        refusal.getMessage());
  }

  @Test
  void catalogRelationsAreWrittenOutInFullAndFollowTheSearchPath() throws SqlRefusal {
    DemoCatalog catalog = new DemoCatalog().add("sales", "pg_class", "secret", "text");
    StatementAnalyzer shadowing = new StatementAnalyzer(catalog, "mesh");
    // pg_catalog is searched first unless the search path places it later
    assertEquals("SELECT * FROM \"pg_catalog\".\"pg_class\"",
        shadowing.analyze("select * from pg_class", List.of("sales")).passthroughSql());
    AnalyzedStatement governed =
        shadowing.analyze("select * from pg_class", List.of("sales", "pg_catalog"));
    assertTrue(governed.requiresDecision());
    assertEquals(new RelationName("mesh", "sales", "pg_class"),
        governed.relations().get(0).relation());
  }
}
