package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An audit log that cannot be written (/dev/full): by default no statement runs without its
 * event (invariant 5); audit.on_failure=serve keeps serving, as an operator may choose.
 */
class AuditFailureIT {
  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.backendOnly();

  private static Meshgate start(String onFailure) throws Exception {
    return start(onFailure, Path.of("/dev/full"));
  }

  private static Meshgate start(String onFailure, Path auditFile) throws Exception {
    Properties properties = mesh.backend().properties();
    properties.setProperty("audit.file", auditFile.toString());
    properties.setProperty("audit.fsync", "never");
    properties.setProperty("audit.on_failure", onFailure);
    return mesh.backend().startMeshgate(properties);
  }

  private static Connection connect(Meshgate meshgate) throws SQLException {
    return connect(meshgate, new Properties());
  }

  private static Connection connect(Meshgate meshgate, Properties properties) throws SQLException {
    properties.setProperty("user", "carol");
    properties.setProperty("password", "carol");
    properties.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + meshgate.port() + "/mesh", properties);
  }

  @Test
  void byDefaultNothingRunsUnaudited() throws Exception {
    try (Meshgate meshgate = start("refuse")) {
      // pgjdbc's first statement (SET application_name) runs, but its event cannot be
      // written: the client is told, after its results.
      SQLException first = assertThrows(SQLException.class, () -> connect(meshgate).close());
      assertEquals("58030", first.getSQLState(), first.getMessage());
      // From then on the sink is unhealthy: statements are refused before they run.
      SQLException next = assertThrows(SQLException.class, () -> connect(meshgate).close());
      assertEquals("58030", next.getSQLState());
      assertTrue(next.getMessage().contains("audit log cannot be written"), next.getMessage());
      assertNull(next.getNextException(), "nothing ran, so no \"the statement ran\" error follows");
    }
  }

  @Test
  void operatorsMayChooseToKeepServing() throws Exception {
    try (Meshgate meshgate = start("serve"); Connection carol = connect(meshgate);
        Statement statement = carol.createStatement()) {
      for (int i = 0; i < 3; i++) {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.stores")) {
          assertTrue(rows.next());
          assertTrue(rows.getLong(1) > 0);
        }
      }
      assertTrue(meshgate.metrics().registry().getSampleValue("meshgate_audit_failures_total") >= 3);
    }
  }

  /**
   * A prepared statement runs again with only Bind and Execute, and a cursor fetches more with
   * only Execute: no Parse or Query passes the audit check. Once the audit log has failed,
   * those are refused before they run too, not run and reported afterwards.
   */
  @Test
  void preparedStatementsAndOpenCursorsStopWhenTheAuditLogFails() throws Exception {
    Path fifo = mesh.directory().resolve("audit-" + System.nanoTime() + ".pipe");
    assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo works");
    // The reader drains the pipe without blocking in read(), so the test can close it at once;
    // the writer's next write then fails (EPIPE): a real broken audit log.
    AtomicBoolean readerClosed = new AtomicBoolean();
    AtomicBoolean closeReader = new AtomicBoolean();
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (java.io.FileInputStream in = new java.io.FileInputStream(fifo.toFile())) {
        byte[] buffer = new byte[65536];
        while (!closeReader.get()) {
          int ready = in.available();
          if (ready > 0) {
            in.read(buffer, 0, Math.min(ready, buffer.length));
          } else {
            Thread.sleep(2);
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        readerClosed.set(true);
      }
    });
    Properties serverPrepared = new Properties();
    serverPrepared.setProperty("prepareThreshold", "1");
    try (Meshgate meshgate = start("refuse", fifo);
        Connection prepared = connect(meshgate, serverPrepared);
        Connection cursor = connect(meshgate);
        Connection other = connect(meshgate);
        PreparedStatement count = prepared.prepareStatement("SELECT count(*) FROM sales.stores WHERE store_id > ?")) {
      for (int i = 0; i < 2; i++) { // the second run is Bind and Execute of the server-prepared statement
        count.setInt(1, i);
        try (ResultSet rows = count.executeQuery()) {
          assertTrue(rows.next());
        }
      }
      cursor.setAutoCommit(false);
      Statement fetching = cursor.createStatement();
      fetching.setFetchSize(1);
      ResultSet stores = fetching.executeQuery("SELECT store_id FROM sales.stores");
      assertTrue(stores.next()); // the first row; the next needs another Execute of the portal

      closeReader.set(true);
      reader.join(10_000);
      assertTrue(readerClosed.get(), "the audit pipe's reader closed");
      try (Statement statement = other.createStatement()) {
        SQLException ran = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT 1").close());
        assertEquals("58030", ran.getSQLState(), ran.getMessage());
      }

      count.setInt(1, 0);
      SQLException bound = assertThrows(SQLException.class, () -> count.executeQuery().close());
      assertEquals("58030", bound.getSQLState(), bound.getMessage());
      assertTrue(bound.getMessage().startsWith("ERROR: statement refused: the audit log cannot be written"),
          "refused before it ran: " + bound.getMessage());
      assertNull(bound.getNextException(), "nothing ran, so no \"the statement ran\" error follows");

      SQLException fetched = assertThrows(SQLException.class, stores::next);
      assertEquals("58030", fetched.getSQLState(), fetched.getMessage());
      assertTrue(fetched.getMessage().startsWith("ERROR: statement refused: the audit log cannot be written"),
          "refused before it ran: " + fetched.getMessage());
    }
  }
}
