package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session changes only the settings on the allowlist (SettingAllowlist), through a real
 * Meshgate and PostgreSQL: a refused SET never reaches the backend (the same session still
 * shows the old value, and behaves by it), returning to the defaults cannot undo what Meshgate
 * enforces, and the operator's settings.allowed_extra allows more only where it is configured.
 */
class SessionSettingsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  @RegisterExtension
  static final DemoMesh operatorMesh = DemoMesh.standardAllowingSettings("work_mem", "myapp.locale");

  private static String show(Statement statement, String setting) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
      assertTrue(rows.next());
      return rows.getString(1);
    }
  }

  private static String single(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      assertTrue(rows.next(), sql);
      return rows.getString(1);
    }
  }

  private static void assertRefused(Statement statement, String sql, String setting) {
    SQLException refused = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
    assertEquals("42501", refused.getSQLState(), refused.getMessage());
    assertTrue(refused.getMessage().contains("setting " + setting + " cannot be changed through Meshgate"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("settings.allowed_extra"), refused.getMessage());
  }

  /**
   * transform_null_equals reads {@code x = NULL} as {@code x IS NULL}: in a filter Meshgate writes
   * that would let rows through that the policy keeps out.
   */
  @Test
  void transformNullEqualsNeverReachesTheBackend() throws SQLException {
    for (String mode : List.of("simple", "extended")) {
      try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
          Statement statement = alice.createStatement()) {
        assertRefused(statement, "SET transform_null_equals = on", "transform_null_equals");
        assertRefused(statement, "SET LOCAL \"Transform_Null_Equals\" TO true", "transform_null_equals");
        assertEquals("off", show(statement, "transform_null_equals"), mode);
        assertEquals("unknown", single(statement,
            "SELECT CASE WHEN NULL::integer = NULL THEN 'equal' ELSE 'unknown' END"), mode);
      }
    }
  }

  @Test
  void memoryAndCustomSettingsNeverReachTheBackend() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      String workMemory = show(statement, "work_mem");
      assertRefused(statement, "SET work_mem = '1TB'", "work_mem");
      assertRefused(statement, "SET \"Work_Mem\" TO '1TB'", "work_mem");
      assertRefused(statement, "SET hash_mem_multiplier = 1000", "hash_mem_multiplier");
      assertEquals(workMemory, show(statement, "work_mem"));
      assertEquals("2", show(statement, "hash_mem_multiplier"));
      // back to the default is allowed for any setting: it is the operator's value
      statement.execute("RESET work_mem");
      statement.execute("SET transform_null_equals TO DEFAULT");
      assertEquals(workMemory, show(statement, "work_mem"));

      assertRefused(statement, "SET app.tenant_id = '42'", "app.tenant_id");
      assertNull(single(statement, "SELECT current_setting('app.tenant_id', true)"));

      SQLException function = assertThrows(SQLException.class,
          () -> statement.execute("SELECT set_config('work_mem', '1TB', false)"));
      assertEquals("42501", function.getSQLState(), function.getMessage());
      assertEquals(workMemory, show(statement, "work_mem"));
    }
  }

  /** Startup options are never forwarded, so they are no way around the list either. */
  @Test
  void startupOptionsDoNotSetRefusedSettings() throws SQLException {
    String workMemory;
    try (Connection plain = mesh.connect("alice"); Statement statement = plain.createStatement()) {
      workMemory = show(statement, "work_mem");
    }
    try (Connection alice = mesh.connect("alice", "options", "-c transform_null_equals=on -c work_mem=1TB");
        Statement statement = alice.createStatement()) {
      assertEquals("off", show(statement, "transform_null_equals"));
      assertEquals(workMemory, show(statement, "work_mem"));
    }
  }

  /**
   * Allowed settings in startup options (PGOPTIONS, sqlx's and tokio-postgres's options) reach
   * the backend, and the session resolves unqualified names on the search path they set: the
   * statement is governed as the backend runs it.
   */
  @Test
  void startupOptionsSetAllowedSettingsAndTheFollowedSearchPath() throws SQLException {
    try (Connection alice = mesh.connect("alice", "options", "-c search_path=sales -c statement_timeout=7s -c role=postgres");
        Statement statement = alice.createStatement()) {
      assertEquals("sales", show(statement, "search_path"));
      assertEquals("7s", show(statement, "statement_timeout"));
      assertEquals("none", show(statement, "role"));
      assertEquals("EU", single(statement, "SELECT string_agg(DISTINCT region, ',') FROM store_transactions"));
      assertTrue(single(statement, "SELECT min(customer_email) FROM store_transactions").startsWith("xxxx@"));
    }
  }

  @Test
  void allowedSettingsReachTheBackend() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      statement.execute("SET statement_timeout = '42s'");
      statement.execute("SET enable_seqscan = off");
      statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      statement.execute("SELECT set_config('bytea_output', 'escape', false)");
      assertEquals("42s", show(statement, "statement_timeout"));
      assertEquals("off", show(statement, "enable_seqscan"));
      assertEquals("repeatable read", show(statement, "default_transaction_isolation"));
      assertEquals("escape", show(statement, "bytea_output"));
    }
  }

  /**
   * RESET ALL and DISCARD ALL return every setting to its session default: the startup packet
   * Meshgate wrote (client_encoding UTF8, application_name naming the end user) over the role's
   * and the database's defaults, so not even a role default of another encoding comes back.
   */
  @Test
  void resetAllAndDiscardAllKeepWhatMeshgateEnforces() throws SQLException {
    String serviceUser = mesh.environment().backend().serviceUser();
    List<String> defaults = List.of("statement_timeout", "client_min_messages", "search_path", "TimeZone");
    List<String> fresh = new java.util.ArrayList<>();
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      for (String setting : defaults) {
        fresh.add(show(statement, setting));
      }
    }
    try (Connection superuser = mesh.backendAsSuperuser(); Statement administration = superuser.createStatement()) {
      administration.execute("ALTER ROLE " + serviceUser + " SET client_encoding = 'LATIN1'");
      try {
        for (String reset : List.of("RESET ALL", "DISCARD ALL")) {
          // pgjdbc sends application_name in the startup packet only when it assumes a 9.0 server
          try (Connection alice = mesh.connect("alice", "ApplicationName", "reports", "assumeMinServerVersion", "15");
              Statement statement = alice.createStatement()) {
            statement.execute("SET statement_timeout = 1234");
            statement.execute("SET client_min_messages = warning");
            statement.execute("SET search_path = weather");
            statement.execute("SET TimeZone = 'Pacific/Kiritimati'");
            statement.execute("SET application_name = 'pretending'");
            statement.execute(reset);
            assertEquals("UTF8", show(statement, "client_encoding"), reset);
            assertEquals("on", show(statement, "standard_conforming_strings"), reset);
            assertEquals("meshgate:alice/reports", show(statement, "application_name"), reset);
            assertEquals(serviceUser, single(statement, "SELECT current_user"), reset);
            for (int index = 0; index < defaults.size(); index++) {
              assertEquals(fresh.get(index), show(statement, defaults.get(index)), reset + ": " + defaults.get(index));
            }
            // the session follows the reset path too: weather's stations_raw is no longer found unqualified
            assertEquals("42P01", assertThrows(SQLException.class,
                () -> single(statement, "SELECT count(*) FROM stations_raw")).getSQLState(), reset);
          }
        }
      } finally {
        administration.execute("ALTER ROLE " + serviceUser + " RESET client_encoding");
      }
    }
  }

  @Test
  void theOperatorsSettingsAreAllowedOnlyWhereConfigured() throws SQLException {
    try (Connection alice = operatorMesh.connect("alice"); Statement statement = alice.createStatement()) {
      statement.execute("SET work_mem = '64MB'");
      statement.execute("SET \"MyApp\".\"Locale\" = 'de'");
      assertEquals("64MB", show(statement, "work_mem"));
      assertEquals("de", single(statement, "SELECT current_setting('myapp.locale')"));
      try (PreparedStatement prepared = alice.prepareStatement("SELECT set_config('myapp.locale', ?, false)")) {
        prepared.setString(1, "fr");
        try (ResultSet rows = prepared.executeQuery()) {
          assertTrue(rows.next());
        }
      }
      assertEquals("fr", single(statement, "SELECT current_setting('myapp.locale')"));
      assertRefused(statement, "SET transform_null_equals = on", "transform_null_equals");
      assertRefused(statement, "SET hash_mem_multiplier = 1000", "hash_mem_multiplier");
    }
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      assertRefused(statement, "SET work_mem = '64MB'", "work_mem");
      assertRefused(statement, "SET myapp.locale = 'de'", "myapp.locale");
    }
  }
}
