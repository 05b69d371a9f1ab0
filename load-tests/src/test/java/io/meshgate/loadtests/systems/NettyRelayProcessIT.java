package io.meshgate.loadtests.systems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.loadtests.Endpoint;
import io.meshgate.proxy.demo.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Netty relay as the benchmark starts it (its own JVM, the runner's java and class path) in
 * front of a real PostgreSQL: pgjdbc logs in and queries through it, and a client that leaves
 * takes its backend session with it.
 */
class NettyRelayProcessIT {
  private static final String APPLICATION = "meshgate-load-tests";

  private static LocalPostgres postgres;

  @TempDir Path directory;

  @BeforeAll
  static void startPostgres() {
    postgres = LocalPostgres.start(LocalPostgres.Options.defaults());
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void relaysAQueryAndClosesTheBackendWhenTheClientLeaves() throws Exception {
    try (NettyRelayProcess relay = startRelay()) {
      assertTrue(relay.processId() != ProcessHandle.current().pid(), "the relay runs in its own process");
      assertEquals(0, relayedSessions());
      try (Connection client = relay.endpoint().connect();
          Statement statement = client.createStatement();
          ResultSet result = statement.executeQuery("SELECT current_user, inet_server_port(), 6 * 7")) {
        assertTrue(result.next());
        assertEquals(postgres.superuser(), result.getString(1));
        assertEquals(postgres.port(), result.getInt(2));
        assertEquals(42, result.getInt(3));
        assertEquals(1, relayedSessions());
      }
      // pgjdbc sends Terminate and closes its socket; the relay must close the backend's.
      assertEquals(0, awaitRelayedSessions(0));

      // A client that disappears without Terminate (its socket simply closes) ends its session too.
      Connection abandoned = relay.endpoint().connect();
      assertEquals(1, relayedSessions());
      abandoned.abort(Runnable::run);
      assertEquals(0, awaitRelayedSessions(0));
    }
  }

  @Test
  void stoppingTheRelayEndsItsSessions() throws Exception {
    NettyRelayProcess relay = startRelay();
    try (Connection client = relay.endpoint().connect()) {
      assertEquals(1, relayedSessions());
      relay.close();
      assertEquals(0, awaitRelayedSessions(0));
      assertFalse(client.isValid(5), "the client's connection ended with the relay");
    } finally {
      relay.close(); // again when an assertion failed first: stopping a stopped relay does nothing
    }
  }

  /** As the benchmark starts it: this JVM's java and class path, its own directory. */
  private NettyRelayProcess startRelay() {
    Endpoint direct = new Endpoint(postgres.host(), postgres.port(), "postgres", postgres.superuser(),
        postgres.superuserPassword());
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    return NettyRelayProcess.start(java, System.getProperty("java.class.path"), directory.resolve("relay"), direct);
  }

  /** Sessions opened through the relay (by Endpoint.connect's application name), not this test's own. */
  private static int relayedSessions() throws SQLException {
    try (Connection connection = postgres.connectAsSuperuser("postgres");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + APPLICATION + "'")) {
      result.next();
      return result.getInt(1);
    }
  }

  /** Backends exit a moment after their socket closes. */
  private static int awaitRelayedSessions(int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int sessions = relayedSessions();
    while (sessions != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      sessions = relayedSessions();
    }
    return sessions;
  }
}
