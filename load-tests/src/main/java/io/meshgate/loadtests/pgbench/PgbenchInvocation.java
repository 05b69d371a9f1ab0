package io.meshgate.loadtests.pgbench;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One timed pgbench run.
 *
 * @param threads pgbench worker threads ({@code --jobs}); at most {@code clients}
 * @param connectPerTransaction {@code --connect}: a new connection for every transaction
 */
public record PgbenchInvocation(
    Endpoint endpoint,
    PgbenchScript script,
    QueryMode mode,
    int clients,
    int threads,
    Duration duration,
    boolean connectPerTransaction) {
  public PgbenchInvocation {
    requireNonNull(endpoint, "endpoint is null");
    requireNonNull(script, "script is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(duration, "duration is null");
    if (clients < 1 || threads < 1 || threads > clients) {
      throw new IllegalArgumentException("need 1 <= threads <= clients, not " + threads + " threads for " + clients
          + " clients");
    }
    if (duration.toSeconds() < 1 || duration.toSeconds() > 3600 || duration.toMillis() % 1000 != 0) {
      // Bounded: a runaway configuration must not load the machine for hours.
      throw new IllegalArgumentException("duration must be whole seconds from 1 s to 1 h, not " + duration);
    }
  }

  /**
   * The command line. The connection comes from options (-h, -p, -U and the database name) and
   * the password from the environment, never from the command line.
   *
   * @param logPrefix where the per-transaction logs go ({@code --log --log-prefix})
   */
  public List<String> command(Path binary, Path logPrefix) {
    List<String> command = new ArrayList<>(List.of(
        binary.toString(),
        // No VACUUM of pgbench's tables before the run: none of the systems would allow it for
        // the benchmark role, and the tables are freshly initialised anyway.
        "--no-vacuum",
        script.argument(),
        "--protocol=" + mode.flag(),
        "--client=" + clients,
        "--jobs=" + threads,
        "--time=" + duration.toSeconds(),
        "--log",
        "--log-prefix=" + logPrefix,
        "--host=" + endpoint.host(),
        "--port=" + endpoint.port(),
        "--username=" + endpoint.user()));
    if (connectPerTransaction) {
      command.add("--connect");
    }
    command.add(endpoint.database());
    return List.copyOf(command);
  }
}
