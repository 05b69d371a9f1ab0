package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededMesh;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An audit log that stalls (a disk that hangs; here a pipe whose reader stops reading, so the
 * writer blocks in write()) holds every ReadyForQuery until its events are written. What a
 * client pipelined behind one still runs at the backend; its rows must then wait at the
 * backend, not pile up in Meshgate's memory, and all arrive once the log moves again.
 */
class AuditStallIT {
  private static final int ROWS = 200_000;
  private static final String MARKER = "stalled_rows";

  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.backendOnly();

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void rowsPipelinedBehindAStalledAuditWaitAtTheBackendAndAllArriveAfterwards() throws Exception {
    Path fifo = mesh.directory().resolve("audit.pipe");
    assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo works");
    AtomicBoolean draining = new AtomicBoolean();
    AtomicBoolean done = new AtomicBoolean();
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (FileInputStream in = new FileInputStream(fifo.toFile())) {
        byte[] buffer = new byte[65536];
        while (!done.get()) {
          if (draining.get() && in.available() > 0) {
            in.read(buffer);
          } else {
            Thread.sleep(5);
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Properties properties = mesh.backend().properties();
    properties.setProperty("audit.file", fifo.toString());
    properties.setProperty("audit.fsync", "never");
    try (Meshgate meshgate = mesh.backend().startMeshgate(properties);
        Connection observer = mesh.backend().backendAsSuperuser()) {
      // Fill the pipe until the audit writer blocks: the filler's statement then never completes.
      AtomicLong filled = new AtomicLong();
      Thread filler = Thread.ofPlatform().daemon().start(() -> {
        try (Connection carol = connect(meshgate); Statement statement = carol.createStatement()) {
          while (!done.get()) {
            statement.execute("SELECT 'filling the audit pipe' AS filler");
            filled.incrementAndGet();
          }
        } catch (Exception stopped) {
          // the connection ends with the test
        }
      });
      long last = -1;
      while (filled.get() != last) {
        last = filled.get();
        Thread.sleep(1_000);
      }

      try (RawClient client = RawClient.connect(meshgate.port(), Duration.ofSeconds(60))) {
        client.authenticate("carol", mesh.backend().backend().database(), "carol", new SecureRandom());
        client.send(FrontendFrames.parse("", "SELECT 1"), FrontendFrames.bind("", "", List.of()),
            FrontendFrames.execute("", 0), FrontendFrames.sync(),
            FrontendFrames.parse("", "SELECT repeat('x', 1000) AS " + MARKER + " FROM generate_series(1, " + ROWS + ")"),
            FrontendFrames.bind("", "", List.of()), FrontendFrames.execute("", 0), FrontendFrames.sync());
        Thread.sleep(5_000);
        assertEquals("active ClientWrite", backendState(observer),
            "the pipelined query's rows wait at the backend while the audit log is stalled");

        draining.set(true);
        assertEquals(List.of('1', '2', 'D', 'C', 'Z'),
            client.readThrough('Z').stream().map(BackendMessage::type).toList());
        long rows = 0;
        BackendMessage message;
        while ((message = client.read()).type() != 'Z') {
          if (message.type() == 'D') {
            rows++;
          } else {
            assertTrue(List.of('1', '2', 'C').contains(message.type()), message.toString());
          }
        }
        assertEquals(ROWS, rows, "every row arrives once the audit log moves again");
      } finally {
        done.set(true);
        draining.set(true);
        filler.join(10_000);
      }
    } finally {
      done.set(true);
      reader.join(10_000);
    }
  }

  private static Connection connect(Meshgate meshgate) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("user", "carol");
    properties.setProperty("password", "carol");
    properties.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + meshgate.port() + "/mesh", properties);
  }

  /** "state wait_event" of the backend running the pipelined query, or "finished". */
  private static String backendState(Connection observer) throws Exception {
    try (Statement statement = observer.createStatement();
        ResultSet rows = statement.executeQuery("SELECT state, wait_event FROM pg_stat_activity"
            + " WHERE query LIKE '%" + MARKER + "%' AND pid <> pg_backend_pid()")) {
      return rows.next() ? rows.getString(1) + " " + rows.getString(2) : "finished";
    }
  }
}
