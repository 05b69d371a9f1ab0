package io.meshgate.rewriter.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rewriter.DemoCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Only allowlisted functions run; the rest, and what is excluded on purpose, is refused. */
class FunctionAllowlistTest {
  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private SqlRefusal refusal(StatementAnalyzer analyzer, String sql) {
    return assertThrows(SqlRefusal.class, () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH), sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // SQL given as text
      "query_to_xml('select 1', true, true, '')", "table_to_xmlschema('t', true, true, '')",
      "dblink('x', 'select 1')", "ts_stat('select 1')", "cursor_to_xml('c', 1, true, true, '')",
      // server files and large objects
      "pg_read_file('x')", "pg_ls_dir('.')", "pg_stat_file('x')", "lo_import('/x')", "lo_get(1)",
      "lo_from_bytea(0, 'x')", "pg_ls_logdir()",
      // settings, sequences, other sessions, the server
      "set_config('role', 'x', false)", "nextval('s')", "setval('s', 1)", "pg_terminate_backend(1)",
      "pg_cancel_backend(1)", "pg_reload_conf()", "pg_rotate_logfile()", "pg_notify('c', 'x')",
      "pg_advisory_lock(1)", "pg_try_advisory_xact_lock(1)", "pg_stat_get_activity(1)",
      // the rewritten SQL, salts included
      "current_query()",
      // a user function, and a built-in name in another schema or quoted differently
      "sales.total(1)", "public.lower('x')", "\"LOWER\"('x')", "mesh.pg_catalog.lower('x')"})
  void functionsNotOnTheListAreRefused(String call) {
    SqlRefusal refusal = refusal(analyzer, "SELECT " + call);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("function "), refusal.getMessage());
    assertTrue(refusal.getMessage().endsWith("ask the platform team to add it to functions.allowed_extra"));
  }

  @Test
  void aRefusalNamesTheFunctionAsWritten() {
    assertEquals("function public.lower is not allowed through Meshgate; if it only computes"
            + " from its arguments, ask the platform team to add it to functions.allowed_extra",
        refusal(analyzer, "select region from sales.stores where public.lower(region) = 'x'").getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "count(*), sum(amount), avg(amount), string_agg(region, ','), array_agg(day) FROM sales.store_transactions",
      "lower(region), pg_catalog.upper(region), substring(region from 1 for 2), trim(region), length(region) FROM sales.stores",
      "date_trunc('month', day), extract(year from day), to_char(day, 'YYYY'), now() FROM sales.store_transactions",
      "row_number() OVER (ORDER BY store_id), coalesce(region, 'x'), greatest(1, 2), round(1.5, 1) FROM sales.stores",
      "jsonb_build_object('a', region), row_to_json(s) FROM sales.stores s",
      "* FROM generate_series(1, 3) g, unnest(ARRAY[1, 2]) u",
      "cast(store_id AS text), store_id::text, pg_sleep(0), current_setting('server_version') FROM sales.stores",
      "pg_get_userbyid(1), format_type(23, -1), has_table_privilege('pg_class', 'select')",
      "pg_advisory_unlock_all()"})
  void builtInsOnTheListRun(String select) throws SqlRefusal {
    analyzer.analyze("SELECT " + select, DemoCatalog.SEARCH_PATH);
  }

  /** asyncpg's JIT probe and restore around its type introspection; planner-only, so allowed. */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT current_setting('jit') AS cur, set_config('jit', 'off', false) AS new",
      "SELECT set_config('jit', $1, false)", "SELECT pg_catalog.set_config('JIT', 'on', true)"})
  void setConfigOfJitRuns(String sql) throws SqlRefusal {
    assertEquals(sql.contains("$1") ? "SELECT set_config('jit', $1, FALSE)" : sql.startsWith("SELECT current")
            ? "SELECT current_setting('jit') AS \"cur\", set_config('jit', 'off', FALSE) AS \"new\""
            : "SELECT pg_catalog.set_config('JIT', 'on', TRUE)",
        analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).passthroughSql());
  }

  /** Any other setting, or a value or flag that is not a literal (or parameter), stays refused. */
  @ParameterizedTest
  @ValueSource(strings = {
      "set_config('search_path', 'sales', false)", "set_config('role', 'x', false)",
      "set_config('standard_conforming_strings', 'off', false)", "set_config('jit ', 'off', false)",
      "set_config(lower('JIT'), 'off', false)", "set_config('jit', lower('off'), false)",
      "set_config('jit', (SELECT region FROM sales.stores LIMIT 1), false)",
      "set_config('jit', 'off', 1 = 1)", "set_config('jit', 'off')", "public.set_config('jit', 'off', false)",
      "\"SET_CONFIG\"('jit', 'off', false)"})
  void setConfigOfAnythingElseIsRefused(String call) {
    SqlRefusal refusal = refusal(analyzer, "SELECT " + call);
    assertEquals("42501", refusal.sqlState(), call);
  }

  @Test
  void groupingOfRollupRuns() throws SqlRefusal {
    analyzer.analyze("SELECT region, store_id, grouping(region, store_id) FROM sales.stores"
        + " GROUP BY ROLLUP (region, store_id)", DemoCatalog.SEARCH_PATH);
  }

  @Test
  void operatorsCanAllowMoreFunctions() throws SqlRefusal {
    StatementAnalyzer extended = new StatementAnalyzer(new DemoCatalog(), DemoCatalog.DATABASE,
        FunctionAllowlist.builtInAnd(Set.of("sales.total", "similarity")));
    extended.analyze("SELECT sales.total(1), similarity('a', 'b')", DemoCatalog.SEARCH_PATH);
    // schema.name allows exactly that call: not the unqualified name, not another schema
    assertEquals("42501", refusal(extended, "SELECT total(1)").sqlState());
    assertEquals("42501", refusal(extended, "SELECT public.similarity('a', 'b')").sqlState());
    assertEquals("42501", refusal(analyzer, "SELECT similarity('a', 'b')").sqlState());
  }

  @Test
  void entriesMustBeNameOrSchemaName() {
    for (String bad : List.of("", "a.b.c", "f()", "a b", ".f")) {
      assertThrows(IllegalArgumentException.class, () -> FunctionAllowlist.builtInAnd(Set.of(bad)), bad);
    }
  }

  @Test
  void theBuiltInListAllowsPgCatalogQualificationOnly() {
    FunctionAllowlist list = FunctionAllowlist.builtIn();
    assertTrue(list.allows(List.of("lower")));
    assertTrue(list.allows(List.of("pg_catalog", "lower")));
    assertTrue(list.allows(List.of("information_schema", "_pg_expandarray")));
    assertFalse(list.allows(List.of("_pg_expandarray")));
    assertFalse(list.allows(List.of("sales", "lower")));
    assertFalse(list.allows(List.of("LOWER")));
    assertFalse(list.allows(List.of("set_config")));
  }
}
