package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import io.meshgate.loadtests.Target;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many client connections that logged in, ran one statement and then sit idle, as connection
 * pools of application servers do: how much memory does the system hold for them? Each
 * connection runs its statement so that PgBouncer, in session mode, really assigns it a server
 * connection, and Meshgate really has a session with a backend connection and a governed
 * statement behind it.
 */
public final class IdleConnectionsScenario {
  /** Logins at once: enough to open a thousand connections in seconds, few enough not to trip any limit. */
  private static final int PARALLEL_LOGINS = 16;
  private static final Duration OPEN_TIMEOUT = Duration.ofMinutes(3);
  /** Lets the system finish what the logins started (buffers released, a JVM's allocation settled) before measuring. */
  private static final Duration SETTLE = Duration.ofSeconds(3);

  private final String statement;
  private final Progress progress;

  /** @param statement what each connection runs once after logging in */
  public IdleConnectionsScenario(String statement, Progress progress) {
    this.statement = requireNonNull(statement, "statement is null");
    this.progress = requireNonNull(progress, "progress is null");
  }

  /**
   * Opens {@code connections} connections, runs the statement on each, reads the probes with all
   * of them idle, and closes them.
   *
   * @param probes read before and with the connections open (see {@link MemoryProbe#disturbs})
   */
  public IdleMeasurement measure(Target target, Endpoint endpoint, int connections, List<MemoryProbe> probes) {
    requireNonNull(target, "target is null");
    requireNonNull(endpoint, "endpoint is null");
    List<MemoryProbe> ordered = new ArrayList<>(probes);
    if (ordered.isEmpty()) {
      throw new IllegalArgumentException("no memory probes");
    }
    // Disturbing probes first (the stable sort keeps the others in order), so that every other
    // probe reads the process in the same state before and with the connections open.
    ordered.sort(Comparator.comparing(probe -> !probe.disturbs()));
    Map<MemoryProbe, Long> baseline = read(ordered);
    List<Connection> open = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<String> firstFailure = new AtomicReference<>();
    long start = System.nanoTime();
    ExecutorService logins = Executors.newFixedThreadPool(PARALLEL_LOGINS);
    try {
      List<Future<?>> pending = new ArrayList<>();
      for (int index = 0; index < connections; index++) {
        pending.add(logins.submit(() -> {
          Connection connection = null;
          try {
            connection = endpoint.connect();
            try (Statement query = connection.createStatement(); ResultSet rows = query.executeQuery(statement)) {
              while (rows.next()) {
                rows.getString(1);
              }
            }
            open.add(connection);
          } catch (SQLException e) {
            firstFailure.compareAndSet(null, e.getMessage());
            closeQuietly(connection);
          }
        }));
      }
      logins.shutdown();
      if (!logins.awaitTermination(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        firstFailure.compareAndSet(null, "opening " + connections + " connections took longer than " + OPEN_TIMEOUT);
        pending.forEach(future -> future.cancel(true));
      }
      Duration openTime = Duration.ofNanos(System.nanoTime() - start);
      int opened = open.size();
      pause(SETTLE);
      Map<MemoryProbe, Long> loaded = read(ordered);
      List<MemoryReading> readings = new ArrayList<>();
      StringBuilder figures = new StringBuilder();
      for (MemoryProbe probe : probes) {
        MemoryReading reading = new MemoryReading(probe.description(), baseline.get(probe), loaded.get(probe));
        readings.add(reading);
        figures.append(String.format(Locale.ROOT, "; %s %d -> %d kB (%.1f kB each)", probe.description(),
            reading.baselineKilobytes(), reading.loadedKilobytes(), reading.kilobytesPer(opened)));
      }
      progress.step(String.format(Locale.ROOT, "idle-connections: %-10s %d of %d open in %.1f s%s", target.label(),
          opened, connections, openTime.toMillis() / 1000.0, figures));
      return new IdleMeasurement(target, connections, opened, readings, openTime,
          Optional.ofNullable(firstFailure.get()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while holding idle connections", e);
    } finally {
      logins.shutdownNow();
      closeAll(open);
    }
  }

  /** Reads the probes in order, pausing after the disturbing ones for the process to settle (a JVM uncommits heap after a collection). */
  private static Map<MemoryProbe, Long> read(List<MemoryProbe> probes) {
    Map<MemoryProbe, Long> readings = new HashMap<>();
    boolean disturbed = false;
    for (MemoryProbe probe : probes) {
      if (disturbed && !probe.disturbs()) {
        pause(SETTLE);
        disturbed = false;
      }
      readings.put(probe, probe.kilobytes().getAsLong());
      disturbed |= probe.disturbs();
    }
    return readings;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring memory", e);
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // The system drops it when the benchmark ends.
      }
    }
  }

  private static void closeAll(List<Connection> connections) {
    List<Connection> copy;
    synchronized (connections) {
      copy = new ArrayList<>(connections);
    }
    try (ExecutorService closers = Executors.newFixedThreadPool(PARALLEL_LOGINS)) {
      for (Connection connection : copy) {
        closers.submit(() -> closeQuietly(connection));
      }
    }
  }
}
