package io.meshgate.rewriter.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.DemoCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SET, SET LOCAL and set_config change only the settings on the allowlist. */
class SettingAllowlistTest {
  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private final StatementAnalyzer withExtras = new StatementAnalyzer(new DemoCatalog(), DemoCatalog.DATABASE,
      FunctionAllowlist.builtInAnd(Set.of(), SettingAllowlist.builtInAnd(Set.of("work_mem", "MyApp.Locale"))));

  private static AnalyzedStatement analyze(StatementAnalyzer analyzer, String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private static SqlRefusal refusal(StatementAnalyzer analyzer, String sql) {
    return assertThrows(SqlRefusal.class, () -> analyze(analyzer, sql), sql);
  }

  /** Every built-in entry, in the forms clients and analysts write. */
  @ParameterizedTest
  @ValueSource(strings = {
      // clients on connect and in their pools
      "SET DateStyle = ISO", "SET datestyle TO 'ISO, MDY'", "SET DATESTYLE = ISO, DMY", "SET TimeZone = 'Europe/Berlin'",
      "SET TIME ZONE 'UTC'", "SET TIME ZONE LOCAL", "SET SESSION TIMEZONE TO 'Asia/Tokyo'", "SET LOCAL timezone = 'UTC'",
      "SET IntervalStyle = iso_8601", "SET extra_float_digits = 3", "SET extra_float_digits TO -1",
      "SET bytea_output = 'hex'", "SET application_name = 'x'", "SET search_path = sales", "SET SCHEMA 'sales'",
      "SET client_encoding = 'UTF8'", "SET NAMES 'utf-8'", "SET client_encoding TO unicode",
      "SET standard_conforming_strings = on", "SET standard_conforming_strings TO true",
      "SET client_min_messages = notice", "SET client_min_messages TO 'WARNING'",
      // transaction modes
      "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
      "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
      "SET TRANSACTION READ WRITE", "SET default_transaction_isolation = 'read committed'",
      "SET default_transaction_read_only = on", "SET default_transaction_deferrable = off",
      "SET transaction_isolation = 'serializable'", "SET transaction_read_only = on",
      "SET transaction_deferrable = on", "SET CONSTRAINTS ALL DEFERRED",
      // timeouts
      "SET statement_timeout = 5000", "SET statement_timeout TO '5min'", "SET lock_timeout = '1s'",
      "SET idle_in_transaction_session_timeout = 60000", "SET idle_session_timeout = 0",
      // planner and executor
      "SET jit = off", "SET geqo TO 'OFF'", "SET plan_cache_mode = force_custom_plan", "SET random_page_cost = 1.1",
      "SET seq_page_cost = 1", "SET cpu_tuple_cost = 0.01", "SET cpu_index_tuple_cost = 0.005",
      "SET cpu_operator_cost = 0.0025", "SET effective_cache_size = '4GB'", "SET from_collapse_limit = 8",
      "SET join_collapse_limit = 1", "SET enable_async_append = off", "SET enable_bitmapscan = off",
      "SET enable_gathermerge = off", "SET enable_hashagg = off", "SET enable_hashjoin = off",
      "SET enable_incremental_sort = off", "SET enable_indexonlyscan = off", "SET enable_indexscan = off",
      "SET enable_material = off", "SET enable_memoize = off", "SET enable_mergejoin = off",
      "SET enable_nestloop = off", "SET enable_parallel_append = off", "SET enable_parallel_hash = off",
      "SET enable_partition_pruning = on", "SET enable_partitionwise_aggregate = on",
      "SET enable_partitionwise_join = on", "SET enable_seqscan = off", "SET enable_sort = off",
      "SET enable_tidscan = off",
      // only off
      "SET debug_print_parse = off", "SET debug_print_rewritten TO false", "SET debug_print_plan = 0",
      // quoting, case, modifiers, FROM CURRENT
      "SET \"Enable_SeqScan\" = off", "SET LOCAL \"statement_timeout\" TO 1000", "SET SESSION jit TO on",
      "SET U&\"jit\" = off", "SET jit FROM CURRENT"})
  void allowedSettingsPass(String sql) throws SqlRefusal {
    AnalyzedStatement statement = analyze(analyzer, sql);
    assertEquals(StatementKind.UTILITY, statement.kind());
    assertFalse(statement.requiresDecision());
  }

  /**
   * What clients Meshgate cannot run in tests send on connect, in their pools, and when told to
   * change the transaction mode (from their sources; the ITs run pgjdbc, psql, psycopg,
   * SQLAlchemy, asyncpg and node-postgres for real).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      // psycopg2 (SQLAlchemy, Superset): datestyle on connect, set_session in autocommit
      "SET datestyle TO 'ISO'", "SET default_transaction_isolation TO 'repeatable read'",
      "SET default_transaction_read_only TO 'on'", "SET default_transaction_deferrable TO DEFAULT",
      // pgjdbc (DBeaver, Metabase): setTransactionIsolation, setReadOnly, an older server, ApplicationName
      "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
      "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET extra_float_digits = 3",
      "SET application_name = 'DBeaver 24.2.0 - Main <mesh>'", "SET search_path = sales,public",
      // Metabase's report time zone
      "SET SESSION TIMEZONE TO 'UTC'",
      // pgAdmin on connect
      "SET DateStyle=ISO", "SET client_min_messages=notice", "SET client_encoding='utf-8'",
      "SELECT set_config('bytea_output','hex',false) FROM pg_show_all_settings() WHERE name = 'bytea_output'",
      // psqlODBC (Tableau), with "Disable Genetic Optimizer"
      "set DateStyle to 'ISO'", "set extra_float_digits to 2", "set geqo to 'OFF'",
      // psql's \encoding, lib/pq and pgx (Grafana) send startup parameters only
      "set client_encoding to 'UTF8'",
      // pools giving a connection back: asyncpg, Npgsql (Power BI), PgBouncer-style resets
      "RESET ALL", "DISCARD ALL", "UNLISTEN *", "CLOSE ALL", "RESET SESSION AUTHORIZATION"})
  void clientsConnectSequencesPass(String sql) throws SqlRefusal {
    analyze(analyzer, sql);
  }

  /** Settings nobody decided are safe: each would fail the SET a client wrote before the allowlist. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SET transform_null_equals = on|transform_null_equals",
      "SET work_mem = '1TB'|work_mem",
      "SET work_mem = 1073741824;|work_mem",
      "SET \"Work_Mem\" TO '1TB'|work_mem",
      "SET LOCAL work_mem = 1048576|work_mem",
      "SET SESSION work_mem TO '64MB'|work_mem",
      "set hash_mem_multiplier = 1000|hash_mem_multiplier",
      "SET maintenance_work_mem = '8GB'|maintenance_work_mem",
      "SET max_parallel_workers_per_gather = 64|max_parallel_workers_per_gather",
      "SET app.tenant_id = 42|app.tenant_id",
      "SET \"app\".\"tenant_id\" = '42'|app.tenant_id",
      "SET \"app.tenant_id\" TO 42|app.tenant_id",
      "SET LOCAL App . Tenant_Id = 42|app.tenant_id",
      "SET exit_on_error = on|exit_on_error",
      "SET lc_monetary = 'de_DE.UTF-8'|lc_monetary",
      "SET lc_numeric TO 'C'|lc_numeric",
      "SET array_nulls = off|array_nulls",
      "SET XML OPTION DOCUMENT|xmloption",
      "SET xmloption = content|xmloption",
      "SET session_replication_role = replica|session_replication_role",
      "SET row_security = off|row_security",
      "SET backslash_quote = on|backslash_quote",
      "SET debug_pretty_print = on|debug_pretty_print",
      "SET TRANSACTION SNAPSHOT '00000003-0000001B-1'|transaction_snapshot",
      "SET work_mem FROM CURRENT|work_mem",
      "SET temp_buffers = '1GB'|temp_buffers",
      "SET log_min_duration_statement = 0|log_min_duration_statement"})
  void settingsNotOnTheListAreRefused(String sql, String setting) {
    SqlRefusal refusal = refusal(analyzer, sql);
    assertEquals("42501", refusal.sqlState(), sql);
    assertEquals(Optional.of(StatementKind.UTILITY), refusal.statementKind());
    assertEquals("setting " + setting + " cannot be changed through Meshgate; if changing it is safe for every"
        + " user, ask the platform team to add it to settings.allowed_extra", refusal.getMessage());
  }

  /**
   * A keyword of PostgreSQL's own SET forms followed by a dot is the prefix of a custom
   * setting's name (SET schema.x = 1 sets schema.x), not that form; so is a word after SESSION
   * or LOCAL. A name PostgreSQL compares otherwise (only ASCII letters fold) is another name.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SET schema.x = 1|schema.x", "SET transaction.x = 1|transaction.x", "SET constraints.x TO 1|constraints.x",
      "SET SESSION characteristics.x = 1|characteristics.x", "SET session.x = 1|session.x",
      "SET local.x TO 'a'|local.x", "SET time.zone = 'UTC'|time.zone", "SET names.x = 'utf8'|names.x",
      "SET xml.option = 1|xml.option", "SET LOCAL constraints.all = 'deferred'|constraints.all",
      "SET transaction TO 'x'|transaction", "SET \"schema\" TO 'sales'|schema",
      "SET jit.x = 1|jit.x", "SET \"timezone.x\" = 1|timezone.x",
      "SET LOC\u212A_timeout = 1|loc\u212A_timeout"})
  void keywordsBeforeADotAreNamesAndOnlyAsciiFolds(String sql, String setting) {
    SqlRefusal refusal = refusal(analyzer, sql);
    assertTrue(refusal.getMessage().startsWith("setting " + setting + " cannot be changed"), refusal.getMessage());
  }

  /** Comments are no tokens: DEFAULT in a list is a value, not a return to the default. */
  @Test
  void commentsAndListsDoNotHideTheSetting() {
    SqlRefusal refusal = refusal(analyzer, "/* c */ SET work_mem -- c\n = DEFAULT, 1073741824");
    assertTrue(refusal.getMessage().startsWith("setting work_mem cannot be changed"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET 'work_mem' = 1", "SET = 1", "SET"})
  void aSetWithoutANameMeshgateCanReadIsRefused(String sql) {
    assertEquals("42501", refusal(analyzer, sql).sqlState(), sql);
  }

  /** The default is the database's, the role's or the startup packet's: the operator's value. */
  @ParameterizedTest
  @ValueSource(strings = {
      "RESET work_mem", "RESET transform_null_equals", "RESET app.tenant_id", "SET work_mem TO DEFAULT",
      "SET LOCAL transform_null_equals = DEFAULT", "SET app.tenant_id TO DEFAULT", "RESET ALL", "DISCARD ALL",
      "SET client_encoding TO DEFAULT", "SET standard_conforming_strings = default", "SET work_mem TO DEFAULT;",
      "RESET work_mem;"})
  void returningToTheDefaultPasses(String sql) throws SqlRefusal {
    assertFalse(analyze(analyzer, sql).requiresDecision());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET role TO DEFAULT", "SET session_authorization = DEFAULT", "SET ROLE \"default\""})
  void theIdentityStaysRefusedEvenToItsDefault(String sql) {
    assertEquals("changing the backend role is not allowed through Meshgate", refusal(analyzer, sql).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SET work_mem = '64MB'", "SET \"Work_Mem\" TO '1GB'", "SET LOCAL work_mem = 4096", "SET myapp.locale = 'de'",
      "SET \"MyApp\".\"Locale\" TO 'fr'", "SELECT set_config('myapp.locale', 'de', false)",
      "SELECT set_config('work_mem', $1, true)"})
  void settingsTheOperatorAddsPass(String sql) throws SqlRefusal {
    analyze(withExtras, sql);
    assertEquals("42501", refusal(analyzer, sql).sqlState(), "without the operator's list: " + sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET transform_null_equals = on", "SET myapp.other = 1", "SET hash_mem_multiplier = 100",
      "SET client_min_messages = debug", "SET standard_conforming_strings = off", "SET ROLE admin"})
  void theOperatorsListAllowsNothingElse(String sql) {
    assertEquals("42501", refusal(withExtras, sql).sqlState(), sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "role", "ROLE", "session_authorization", "standard_conforming_strings", "client_encoding",
      "Client_Min_Messages", "debug_print_plan", "debug_print_parse", "debug_print_rewritten", "search_path",
      "application_name", "transform_null_equals", "", "work mem", "app..x", ".x", "x.", "1x", "x;y", "x-y"})
  void theOperatorCannotAllowCheckedOrIdentitySettingsOrNonNames(String name) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> SettingAllowlist.builtInAnd(Set.of(name)), name);
    assertTrue(error.getMessage().contains(name.isEmpty() ? "not a setting name" : name), error.getMessage());
  }

  @Test
  void operatorNamesAreLowerCased() {
    assertEquals("work_mem", SettingAllowlist.validExtra("Work_Mem"));
    assertEquals("myapp.locale", SettingAllowlist.validExtra("MyApp.Locale"));
    assertEquals("timezone", SettingAllowlist.validExtra("TimeZone"));
  }

  /** set_config follows SET for settings that take any value. */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT set_config('bytea_output', 'hex', false)", "SELECT set_config('statement_timeout', '5s', true)",
      "SELECT pg_catalog.set_config('Enable_SeqScan', 'off', false)", "SELECT set_config('jit', $1, false)",
      "SELECT set_config('TimeZone', 'UTC', false)"})
  void setConfigOfSettingsThatTakeAnyValuePasses(String sql) throws SqlRefusal {
    analyze(analyzer, sql);
  }

  /**
   * The search path and application_name are followed and rewritten from SET only; the checked
   * settings would need their value read from the call; the rest is not on the list.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "search_path", "application_name", "client_min_messages", "standard_conforming_strings", "client_encoding",
      "debug_print_plan", "work_mem", "transform_null_equals", "app.tenant_id", "role", "session_authorization"})
  void setConfigOfOtherSettingsIsRefused(String setting) {
    SqlRefusal refusal = refusal(analyzer, "SELECT set_config('" + setting + "', 'x', false)");
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("function set_config"), refusal.getMessage());
  }

  /**
   * Other statements that change settings: pg_settings' update rule calls set_config, and role,
   * database, system and function settings outlive the statement.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "UPDATE pg_settings SET setting = 'on' WHERE name = 'transform_null_equals'",
      "UPDATE pg_catalog.pg_settings SET setting = '1TB' WHERE name = 'work_mem'",
      "ALTER ROLE CURRENT_USER SET transform_null_equals = on", "ALTER DATABASE mesh SET work_mem = '1TB'",
      "ALTER ROLE ALL IN DATABASE mesh SET app.tenant_id = '42'", "ALTER SYSTEM SET work_mem = '1TB'",
      "CREATE FUNCTION f() RETURNS integer LANGUAGE sql SET work_mem = '1TB' AS 'SELECT 1'",
      "DO $$ BEGIN PERFORM set_config('work_mem', '1TB', false); END $$", "LOAD 'auto_explain'"})
  void otherWaysToChangeASettingAreRefused(String sql) {
    refusal(analyzer, sql);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "DateStyle|ISO, MDY|true", "TIMEZONE|Europe/Berlin|true", "extra_float_digits|2|true",
      "statement_timeout|5000|true", "search_path|sales|true", "SEARCH_PATH|public, pg_catalog|false",
      "Search_Path|sales|false", "enable_seqscan|off|true",
      "client_min_messages|notice|true", "client_min_messages|debug5|false", "standard_conforming_strings|on|true",
      "standard_conforming_strings|off|false", "debug_print_plan|on|false", "debug_print_plan|off|true",
      "application_name|x|false", "client_encoding|UTF8|false", "options|-c role=admin|false", "role|admin|false",
      "session_authorization|admin|false", "work_mem|1TB|false", "transform_null_equals|on|false",
      "app.tenant_id|42|false", "replication|database|false"})
  void startupParametersFollowTheSameList(String name, String value, boolean forwarded) {
    assertEquals(forwarded, SettingAllowlist.builtIn().allowsStartupParameter(name, value), name + "=" + value);
  }
}
