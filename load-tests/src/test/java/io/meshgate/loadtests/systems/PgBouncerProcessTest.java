package io.meshgate.loadtests.systems;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.loadtests.Endpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PgBouncerProcessTest {
  @Test
  void sessionModeScramOnLoopbackWithoutAPasswordInTheConfiguration() {
    PgBouncerProcess.Settings settings = new PgBouncerProcess.Settings(
        new Endpoint("127.0.0.1", 5433, "bench", "bench", "plain-password"), "SCRAM-SHA-256$4096:c2FsdA==$a:b", 1100,
        1050);
    String configuration = PgBouncerProcess.configuration(settings, 6543, Path.of("/work/pgbouncer"));
    for (String line : new String[] {"bench = host=127.0.0.1 port=5433 dbname=bench", "listen_addr = 127.0.0.1",
        "listen_port = 6543", "unix_socket_dir =", "auth_type = scram-sha-256",
        "auth_file = /work/pgbouncer/userlist.txt", "pool_mode = session", "max_client_conn = 1100",
        "default_pool_size = 1050"}) {
      assertTrue(configuration.lines().anyMatch(line::equals), "missing '" + line + "' in\n" + configuration);
    }
    assertFalse(configuration.contains("plain-password"));
  }
}
