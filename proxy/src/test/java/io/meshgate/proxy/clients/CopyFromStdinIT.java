package io.meshgate.proxy.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededMesh;
import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * COPY ... FROM STDIN through Meshgate with real clients: the client's CopyData reaches the
 * backend (pgjdbc's CopyManager, psql), CopyFail and bad data end the copy with the backend's
 * error and the session goes on, and the write policy decides: a decision with a row filter
 * refuses the COPY before any row is sent. The policy is the test's own
 * ({@code src/test/resources/policies/copy-in}): carol may copy into sales.stores unrestricted,
 * alice only under a row filter.
 */
class CopyFromStdinIT {
  private static final String STORES = "sales.stores";
  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withPolicy("/policies/copy-in/copy_in.rego").users("carol", "alice")
      .beforeMeshgate(backend -> {
        try (Connection superuser = backend.backendAsSuperuser(); Statement statement = superuser.createStatement()) {
          statement.execute("GRANT INSERT ON " + STORES + " TO " + backend.backend().serviceUser());
        }
      });
  private static TestClients clients;

  @BeforeAll
  static void ensureClients() throws Exception {
    clients = TestClients.ensure(RepositoryRoot.find().orElseThrow(), mesh.directory());
  }

  @BeforeEach
  void removeCopiedStores() throws SQLException {
    try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("DELETE FROM " + STORES + " WHERE store_id >= 100000");
    }
  }

  private static long copiedStores() throws SQLException {
    try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + STORES + " WHERE store_id >= 100000")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static String storeRows(int from, int count) {
    StringBuilder rows = new StringBuilder();
    for (int id = from; id < from + count; id++) {
      rows.append(id).append('\t').append(String.format("%05d", id % 100000)).append('\t')
          .append(id % 2 == 0 ? "EU" : "US").append('\n');
    }
    return rows.toString();
  }

  private static void assertSessionGoesOn(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + STORES)) {
      assertTrue(rows.next());
    }
  }

  @Test
  void pgjdbcCopiesRowsThroughMeshgateInManyChunks() throws Exception {
    try (Connection carol = mesh.connect("carol")) {
      CopyManager copy = carol.unwrap(PGConnection.class).getCopyAPI();
      // ~40k rows, well over the 64 kB pgjdbc sends per CopyData message
      long copied = copy.copyIn("COPY " + STORES + " (store_id, zip_code, region) FROM STDIN",
          new StringReader(storeRows(100000, 40000)));
      assertEquals(40000, copied);
      assertEquals(40000, copiedStores());
      assertSessionGoesOn(carol);
    }
  }

  @Test
  void copyFailAbortsTheCopyAndNothingIsWritten() throws Exception {
    try (Connection carol = mesh.connect("carol")) {
      CopyIn copy = carol.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("COPY " + STORES + " FROM STDIN");
      byte[] rows = storeRows(100000, 10).getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(rows, 0, rows.length);
      copy.flushCopy();
      copy.cancelCopy(); // CopyFail
      assertEquals(0, copiedStores());
      assertSessionGoesOn(carol);
    }
  }

  @Test
  void badDataEndsTheCopyWithTheBackendsErrorAndTheSessionGoesOn() throws Exception {
    try (Connection carol = mesh.connect("carol")) {
      CopyManager copy = carol.unwrap(PGConnection.class).getCopyAPI();
      String rows = storeRows(100000, 5) + "not-a-number\t00000\tEU\n" + storeRows(100005, 20000);
      SQLException error = assertThrows(SQLException.class,
          () -> copy.copyIn("COPY " + STORES + " FROM STDIN", new StringReader(rows)));
      assertEquals("22P02", error.getSQLState(), error.getMessage());
      assertEquals(0, copiedStores());
      assertSessionGoesOn(carol);
    }
  }

  @Test
  void aRowFilterOnTheTableRefusesTheCopyBeforeAnyDataIsSent() throws Exception {
    try (Connection alice = mesh.connect("alice")) {
      CopyManager copy = alice.unwrap(PGConnection.class).getCopyAPI();
      SQLException refused = assertThrows(SQLException.class,
          () -> copy.copyIn("COPY " + STORES + " FROM STDIN", new StringReader(storeRows(100000, 3))));
      assertEquals("0A000", refused.getSQLState(), refused.getMessage());
      assertTrue(refused.getMessage().contains("row filters"), refused.getMessage());
      assertEquals(0, copiedStores());
      assertSessionGoesOn(alice);
    }
  }

  /**
   * pgjdbc's Statement runs COPY FROM STDIN through the extended protocol and cannot feed it:
   * it ends the copy with CopyFail, which the backend reports, and the session goes on.
   */
  @Test
  void pgjdbcStatementCopyFromStdinFailsAndTheSessionGoesOn() throws Exception {
    try (Connection carol = mesh.connect("carol"); Statement statement = carol.createStatement()) {
      SQLException failed = assertThrows(SQLException.class,
          () -> statement.execute("COPY " + STORES + " FROM STDIN"));
      assertEquals("57014", failed.getSQLState(), failed.getMessage());
      assertEquals(0, copiedStores());
      assertSessionGoesOn(carol);
    }
  }

  /**
   * tokio-postgres sends COPY FROM STDIN through the extended protocol: Bind, Execute and Sync,
   * then the data, CopyDone and another Sync; PostgreSQL ignores the Sync it reads in copy-in
   * mode, and Meshgate must expect one ReadyForQuery, not two, or the session would answer the
   * next statements out of step. Text and binary copies, then a query on the same connection.
   */
  @Test
  void tokioPostgresCopiesThroughTheExtendedProtocol() throws IOException, SQLException {
    JsonNode result = rustCopyIn("carol");
    assertEquals(500, result.at("/text/rows").asLong(), result.toString());
    assertEquals(500, result.at("/binary/rows").asLong(), result.toString());
    assertEquals(1000, result.path("visible_copied").asLong(), "read on the same connection: " + result);
    assertEquals(1000, copiedStores());
    assertEquals("42501", result.at("/refused_after/sqlstate").asText(), "Meshgate's refusal after the copies: " + result);
  }

  @Test
  void tokioPostgresCopyIntoAFilteredTableIsRefusedBeforeAnyRow() throws IOException, SQLException {
    JsonNode result = rustCopyIn("alice");
    for (String format : List.of("text", "binary")) {
      JsonNode refused = result.at("/" + format + "/refused");
      assertEquals("0A000", refused.path("sqlstate").asText(), result.toString());
      assertTrue(refused.path("message").asText().contains("row filters"), result.toString());
    }
    assertEquals(0, result.path("visible_copied").asLong(), result.toString());
    assertEquals(0, copiedStores());
    assertEquals("42501", result.at("/refused_after/sqlstate").asText(), result.toString());
  }

  private static JsonNode rustCopyIn(String user) throws IOException {
    ClientRun run = ClientRun.start(List.of(clients.rustClient().toString(), "copy-in", "100000"),
        Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(mesh.meshgate().port()), "PGDATABASE", "mesh",
            "PGUSER", user, "PGPASSWORD", user), mesh.directory(), Duration.ofSeconds(60));
    assertEquals(0, run.exitCode(), run.describe());
    List<String> lines = run.stdout().lines().filter(line -> !line.isBlank()).toList();
    assertFalse(lines.isEmpty(), run.describe());
    return new ObjectMapper().readTree(lines.getLast());
  }

  @Test
  void psqlCopiesInlineDataOfAScript() throws IOException, SQLException {
    Path script = mesh.directory().resolve("copy.sql");
    Files.writeString(script, "COPY " + STORES + " (store_id, zip_code, region) FROM STDIN;\n"
        + storeRows(100000, 250) + "\\.\nSELECT 'after copy';\n");
    List<String> command = new ArrayList<>(List.of(clients.psql().toString(), "--no-psqlrc", "--no-align",
        "--tuples-only", "-v", "ON_ERROR_STOP=1", "-f", script.toString()));
    ClientRun run = ClientRun.start(command, Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(mesh.meshgate().port()),
        "PGDATABASE", "mesh", "PGUSER", "carol", "PGPASSWORD", "carol", "PGSSLMODE", "disable"), mesh.directory(),
        Duration.ofSeconds(60));
    assertEquals(0, run.exitCode(), run.describe());
    assertTrue(run.stdout().contains("COPY 250"), run.describe());
    assertTrue(run.stdout().contains("after copy"), run.describe());
    assertEquals(250, copiedStores());
  }
}
