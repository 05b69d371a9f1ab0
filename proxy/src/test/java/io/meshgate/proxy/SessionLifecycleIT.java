package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cancel, disconnects and protocol negotiation, against the real backend. */
class SessionLifecycleIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static long activeSleeps(String user) throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser();
        Statement statement = backend.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep%'"
                + " AND application_name LIKE 'meshgate:" + user + "%'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  void cancelThroughMeshgatesKeysStopsTheBackendQuery() throws Exception {
    try (Connection carol = mesh.connect("carol"); Statement statement = carol.createStatement()) {
      CompletableFuture<SQLException> running = CompletableFuture.supplyAsync(() -> {
        try {
          statement.executeQuery("SELECT pg_sleep(60)").close();
          return null;
        } catch (SQLException e) {
          return e;
        }
      });
      waitFor(() -> activeSleeps("carol") == 1, "the query to start");
      long before = System.nanoTime();
      statement.cancel();
      SQLException cancelled = running.get(15, TimeUnit.SECONDS);
      assertEquals("57014", cancelled.getSQLState(), cancelled.getMessage());
      assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(10));
      // the session goes on
      try (ResultSet rows = statement.executeQuery("SELECT 1")) {
        assertTrue(rows.next());
      }
    }
  }

  @Test
  void aClientThatDisconnectsMidQueryCancelsItsBackendQuery() throws Exception {
    Connection dave = mesh.connect("dave");
    Statement statement = dave.createStatement();
    CompletableFuture.runAsync(() -> {
      try {
        statement.executeQuery("SELECT pg_sleep(60)").close();
      } catch (SQLException expected) {
        // the connection is aborted below
      }
    });
    waitFor(() -> activeSleeps("dave") == 1, "the query to start");
    dave.abort(Executors.newSingleThreadExecutor());
    waitFor(() -> activeSleeps("dave") == 0, "the backend query to be cancelled");
    try (Connection again = mesh.connect("dave"); Statement check = again.createStatement();
        ResultSet rows = check.executeQuery("SELECT 1")) {
      assertTrue(rows.next());
    }
  }

  /**
   * A client that sends Terminate while its statement runs (pgjdbc's close from another thread;
   * pgx when a context ends) leaves like one that drops the connection: the backend query is
   * cancelled and the statement audited as cancelled, not forgotten.
   */
  @Test
  void aClientThatTerminatesMidQueryCancelsAndAuditsIt() throws Exception {
    String marker = "terminated-" + java.util.UUID.randomUUID();
    Connection dave = mesh.connect("dave");
    Statement statement = dave.createStatement();
    CompletableFuture.runAsync(() -> {
      try {
        statement.executeQuery("SELECT pg_sleep(60) /* " + marker + " */").close();
      } catch (SQLException expected) {
        // the connection is closed below
      }
    });
    waitFor(() -> activeSleeps("dave") == 1, "the query to start");
    dave.close(); // Terminate, then the socket is closed
    waitFor(() -> activeSleeps("dave") == 0, "the backend query to be cancelled");
    waitFor(() -> java.nio.file.Files.readAllLines(mesh.environment().auditFile()).stream()
        .anyMatch(line -> line.contains(marker) && line.contains("\"status\":\"cancelled\",\"sql_state\":\"57014\"")),
        "the statement to be audited as cancelled");
  }

  @Test
  void newerProtocolVersionsAndOptionsAreNegotiatedDown() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", mesh.environment().meshgate().port())) {
      socket.setSoTimeout(10_000);
      byte[] body = "user\0alice\0database\0mesh\0_pq_.compression\0on\0\0".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer startup = ByteBuffer.allocate(8 + body.length);
      startup.putInt(8 + body.length).putInt((3 << 16) | 2).put(body);
      OutputStream out = socket.getOutputStream();
      out.write(startup.array());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertEquals('v', in.readByte());
      in.readInt();
      assertEquals(0, in.readInt(), "newest minor version Meshgate speaks");
      assertEquals(1, in.readInt());
      byte[] name = new byte["_pq_.compression".length() + 1];
      in.readFully(name);
      assertEquals("_pq_.compression\0", new String(name, StandardCharsets.US_ASCII));
      assertEquals('R', in.readByte());
      in.readInt();
      assertEquals(10, in.readInt(), "then SCRAM as usual");
    }
  }

  @Test
  void unknownCancelKeysAreIgnoredQuietly() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", mesh.environment().meshgate().port())) {
      ByteBuffer cancel = ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(42).putInt(4242);
      socket.getOutputStream().write(cancel.array());
      socket.setSoTimeout(5_000);
      assertEquals(-1, socket.getInputStream().read(), "closed without an answer, as PostgreSQL does");
    }
    try (Connection carol = mesh.connect("carol"); Statement statement = carol.createStatement();
        ResultSet rows = statement.executeQuery("SELECT 1")) {
      assertTrue(rows.next());
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void refusedWithoutAPasswordOrUser() {
    Properties properties = new Properties();
    properties.setProperty("user", "alice");
    properties.setProperty("sslmode", "disable");
    SQLException error = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(mesh.environment().jdbcUrl(), properties).close());
    assertTrue(error.getMessage().contains("password"), error.getMessage());
  }
}
