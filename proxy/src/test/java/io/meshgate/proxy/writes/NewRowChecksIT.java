package io.meshgate.proxy.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededBackend;
import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check of a new or changed row against the row filters (like PostgreSQL's WITH CHECK,
 * which reads the row as stored) where the stored row differs from the values the statement
 * gives. A filter that reads a generated column: PostgreSQL computes {@code region} of
 * sales.regional_notes from {@code country}, so an UPDATE of {@code country} moves a row across
 * the filter {@code region IN ('EU')} without assigning {@code region}; Meshgate's check sees
 * only the columns the statement assigns, so it must refuse such an UPDATE. A filter on a
 * rounded column: {@code amount < 10000} on a {@code numeric(12,2)}, where {@code 9999.996} is
 * stored as {@code 10000.00}. The policy is the test's own
 * ({@code src/test/resources/policies/new-row-checks}).
 */
class NewRowChecksIT {
  @TempDir static Path work;
  private static SeededBackend backend;
  private static Meshgate meshgate;

  @BeforeAll
  static void start() throws Exception {
    backend = SeededBackend.start(work);
    UsersFile.of(List.of(new UserEntry("alice", ScramVerifier.create("alice", new SecureRandom()), List.of("analysts"),
        Map.of("region", "EU")))).save(work.resolve("users.json"));
    try (Connection superuser = backend.backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("CREATE TABLE sales.regional_notes (note_id integer PRIMARY KEY, country text NOT NULL,"
          + " body text, region text GENERATED ALWAYS AS"
          + " (CASE WHEN country IN ('DE', 'FR') THEN 'EU' ELSE 'US' END) STORED)");
      statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON sales.regional_notes TO "
          + backend.backend().serviceUser());
    }
    meshgate = backend.startMeshgateWithPolicy("/policies/new-row-checks/new_row_checks.rego");
  }

  @AfterAll
  static void stop() {
    if (backend != null) {
      backend.close(); // and the Meshgate started on it
    }
  }

  @BeforeEach
  void notes() throws SQLException {
    try (Connection superuser = backend.backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("TRUNCATE sales.regional_notes");
      statement.execute("INSERT INTO sales.regional_notes (note_id, country, body) VALUES (1, 'DE', 'a'), (2, 'US', 'b')");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void anUpdateOfWhatTheGeneratedFilterColumnIsComputedFromIsRefused(String mode) throws SQLException {
    try (Connection alice = connect(mode); Statement statement = alice.createStatement()) {
      SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "UPDATE sales.regional_notes SET country = 'US' WHERE note_id = 1"));
      assertEquals("0A000", refused.getSQLState());
      assertTrue(refused.getMessage().contains("generated column region"), refused.getMessage());
    }
    assertEquals(List.of(List.of("DE", "EU")), rows("SELECT country, region FROM sales.regional_notes WHERE note_id = 1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void deletesAndReadsStillWorkUnderTheFilter(String mode) throws SQLException {
    try (Connection alice = connect(mode); Statement statement = alice.createStatement()) {
      assertEquals(List.of("1"), DemoMesh.column(alice, "SELECT note_id FROM sales.regional_notes"));
      assertEquals(0, statement.executeUpdate("DELETE FROM sales.regional_notes WHERE note_id = 2"));
      assertEquals(1, statement.executeUpdate("DELETE FROM sales.regional_notes WHERE note_id = 1"));
    }
    assertEquals(List.of(List.of("2")), rows("SELECT note_id FROM sales.regional_notes"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aValueTheColumnRoundsOutsideTheFilterIsRefused(String mode) throws SQLException {
    String before = rows("SELECT count(*) FROM sales.store_transactions WHERE amount >= 10000").get(0).get(0);
    try (Connection alice = connect(mode); Statement statement = alice.createStatement()) {
      for (String sql : List.of(
          "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, DATE '2026-09-01', 9999.996, 'EU')",
          "UPDATE sales.store_transactions SET amount = 9999.999 WHERE transaction_id = 1000001")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(sql), sql);
        assertEquals("42501", refused.getSQLState(), sql);
        assertTrue(refused.getMessage().contains("new row violates the row filters"), refused.getMessage());
      }
      // just inside stays inside
      assertEquals(1, statement.executeUpdate("UPDATE sales.store_transactions SET amount = 9999.994"
          + " WHERE transaction_id = 1000001"));
    }
    assertEquals(List.of(List.of(before)), rows("SELECT count(*) FROM sales.store_transactions WHERE amount >= 10000"));
    assertEquals(List.of(List.of("9999.99")), rows("SELECT amount FROM sales.store_transactions WHERE transaction_id = 1000001"));
  }

  private static Connection connect(String mode) throws SQLException {
    return SeededBackend.connect(meshgate, "alice", mode);
  }

  private static List<List<String>> rows(String sql) throws SQLException {
    try (Connection superuser = backend.backendAsSuperuser(); Statement statement = superuser.createStatement();
        java.sql.ResultSet result = statement.executeQuery(sql)) {
      List<List<String>> rows = new java.util.ArrayList<>();
      while (result.next()) {
        List<String> row = new java.util.ArrayList<>();
        for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
          row.add(result.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
