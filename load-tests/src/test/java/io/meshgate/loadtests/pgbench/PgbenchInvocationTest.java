package io.meshgate.loadtests.pgbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.loadtests.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgbenchInvocationTest {
  private static final Endpoint ENDPOINT = new Endpoint("127.0.0.1", 6432, "bench", "bench", "s3cret-password");

  @Test
  void theCommandLineCarriesEverythingButThePassword() {
    PgbenchInvocation invocation = new PgbenchInvocation(ENDPOINT, new PgbenchScript.SelectOnly(), QueryMode.EXTENDED,
        32, 2, Duration.ofSeconds(15), false);
    List<String> command = invocation.command(Path.of("/usr/bin/pgbench"), Path.of("/raw/select-only/direct"));
    assertEquals("/usr/bin/pgbench", command.get(0));
    assertTrue(command.containsAll(List.of("--no-vacuum", "--select-only", "--protocol=extended", "--client=32",
        "--jobs=2", "--time=15", "--log", "--log-prefix=/raw/select-only/direct", "--host=127.0.0.1", "--port=6432",
        "--username=bench")), command.toString());
    assertEquals("bench", command.getLast());
    assertFalse(command.contains("--connect"));
    assertFalse(String.join(" ", command).contains("s3cret"), "the password must not be on the command line");
  }

  @Test
  void connectionStormAndScriptFiles() {
    PgbenchInvocation invocation = new PgbenchInvocation(ENDPOINT, new PgbenchScript.File(Path.of("/w/script.sql")),
        QueryMode.PREPARED, 4, 4, Duration.ofSeconds(3), true);
    List<String> command = invocation.command(Path.of("pgbench"), Path.of("p"));
    assertTrue(command.contains("--connect"));
    assertTrue(command.contains("--file=/w/script.sql"));
    assertTrue(command.contains("--protocol=prepared"));
  }

  @Test
  void boundsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new PgbenchInvocation(ENDPOINT, new PgbenchScript.SelectOnly(),
        QueryMode.SIMPLE, 2, 4, Duration.ofSeconds(3), false));
    assertThrows(IllegalArgumentException.class, () -> new PgbenchInvocation(ENDPOINT, new PgbenchScript.SelectOnly(),
        QueryMode.SIMPLE, 2, 1, Duration.ofMillis(1500), false));
    assertThrows(IllegalArgumentException.class, () -> new PgbenchInvocation(ENDPOINT, new PgbenchScript.SelectOnly(),
        QueryMode.SIMPLE, 2, 1, Duration.ofHours(2), false));
  }

  @Test
  void endpointsAreLoopbackOnly() {
    assertThrows(IllegalArgumentException.class, () -> new Endpoint("10.0.0.5", 5432, "bench", "bench", "x"));
    assertFalse(ENDPOINT.toString().contains("s3cret"));
  }
}
