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
 * A row filter that reads a generated column: PostgreSQL computes {@code region} of
 * sales.regional_notes from {@code country}, so an UPDATE of {@code country} moves a row across
 * the filter {@code region IN ('EU')} without assigning {@code region}. Meshgate's check of the
 * changed row sees only the columns the statement assigns, so it must refuse such an UPDATE
 * rather than let alice move a row out of what she may see (PostgreSQL's own WITH CHECK
 * reads the row after the generated columns are computed). The policy is the test's own
 * ({@code src/test/resources/policies/generated-filter}).
 */
class GeneratedFilterColumnIT {
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
    meshgate = backend.startMeshgateWithPolicy("/policies/generated-filter/generated_filter.rego");
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
