package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.pgbench.Pgbench;
import io.meshgate.loadtests.pgbench.PgbenchException;
import io.meshgate.loadtests.pgbench.PgbenchInvocation;
import io.meshgate.loadtests.pgbench.PgbenchResult;
import io.meshgate.loadtests.pgbench.PgbenchScript;
import io.meshgate.loadtests.pgbench.QueryMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Runs the pgbench invocations of the scenarios: names their output files, turns results and
 * failures into {@link Measurement}s, and reports each run as it finishes.
 */
public final class PgbenchRunner {
  private final Pgbench pgbench;
  private final Path rawDirectory;
  private final boolean keepTransactionLogs;
  private final int processors;
  private final Progress progress;
  private final RunRecorder recorder;
  private final ProcessorClock processorClock;

  /**
   * @param rawDirectory where pgbench's output and (if kept) per-transaction logs go
   * @param processors this machine's processors: pgbench gets at most one thread per processor
   * @param recorder watches every measured run (a profiler), or {@link RunRecorder#NONE}
   * @param processorClock the processor time of the targets' processes, shown per transaction
   */
  public PgbenchRunner(Pgbench pgbench, Path rawDirectory, boolean keepTransactionLogs, int processors,
      Progress progress, RunRecorder recorder, ProcessorClock processorClock) {
    this.pgbench = requireNonNull(pgbench, "pgbench is null");
    this.rawDirectory = requireNonNull(rawDirectory, "rawDirectory is null");
    this.keepTransactionLogs = keepTransactionLogs;
    this.processors = processors;
    this.progress = requireNonNull(progress, "progress is null");
    this.recorder = requireNonNull(recorder, "recorder is null");
    this.processorClock = requireNonNull(processorClock, "processorClock is null");
  }

  /** pgbench's threads for {@code clients}: one per processor at most, since clients, proxies and PostgreSQL share them. */
  public int threadsFor(int clients) {
    return Math.max(1, Math.min(clients, processors));
  }

  /** A timed run whose figures are reported. */
  public Measurement measure(Scenario scenario, Target target, Endpoint endpoint, PgbenchScript script, QueryMode mode,
      int clients, Duration duration, boolean connectPerTransaction) {
    PgbenchInvocation invocation = new PgbenchInvocation(endpoint, script, mode, clients,
        connectPerTransaction ? clients : threadsFor(clients), duration, connectPerTransaction);
    String name = target.name().toLowerCase(Locale.ROOT) + "-" + mode.flag() + "-c" + clients;
    RunRecorder.Recording recording = recorder.start(target, scenario.slug() + "-" + name);
    Optional<Duration> processorBefore = processorClock.used(target);
    try {
      PgbenchResult result;
      Optional<Duration> processorAfter;
      try {
        result = pgbench.run(invocation, prefix(scenario.slug(), name), keepTransactionLogs);
      } finally {
        processorAfter = processorClock.used(target);
        recording.close();
      }
      OptionalDouble processor = processorPerTransaction(processorBefore, processorAfter, result);
      RunStatistics statistics = RunStatistics.of(result, connectPerTransaction, processor);
      progress.step(String.format(Locale.ROOT, "%s: %-11s -M %-8s %3d clients: %10.0f tps, p50 %.3f ms, p99 %.3f ms%s",
          scenario.slug(), target.label(), mode.flag(), clients, statistics.transactionsPerSecond(),
          statistics.latency().p50Millis(), statistics.latency().p99Millis(),
          processor.isPresent()
              ? String.format(Locale.ROOT, ", %.1f µs processor/transaction", processor.getAsDouble())
              : ""));
      return Measurement.completed(scenario, target, mode, clients, statistics);
    } catch (PgbenchException e) {
      progress.step(scenario.slug() + ": " + target.label() + " -M " + mode.flag() + " " + clients + " clients FAILED: "
          + firstLine(e.getMessage()));
      return Measurement.failed(scenario, target, mode, clients, e.getMessage());
    }
  }

  /**
   * Unreported runs that bring a system to steady state first: the JIT of Meshgate's JVM, the
   * caches of all three. Two runs of half the time each, each with its own connections: the JIT
   * compiles the steady-state path during the first run, and the connections of the second make
   * it recompile what clients connecting do differently (event-loop branches for scheduled
   * tasks, the SCRAM exchange). With one run that recompilation fell into the first seconds of
   * the measured run, about half of them on a two-processor machine, a one-off that a proxy which
   * has been running for a while no longer pays. A failure is reported, since the measured runs
   * will most likely fail too.
   *
   * @param connectPerTransaction warm up the way the connection storm runs (pgbench {@code
   *     --connect}, simple protocol, one thread per client) rather than with prepared statements
   */
  public void warmUp(String scenario, Target target, Endpoint endpoint, PgbenchScript script, Duration duration,
      boolean connectPerTransaction) {
    int clients = Math.min(8, 2 * processors);
    Duration half = Duration.ofSeconds(Math.max(1, duration.toSeconds() / 2));
    PgbenchInvocation invocation = new PgbenchInvocation(endpoint, script,
        connectPerTransaction ? QueryMode.SIMPLE : QueryMode.PREPARED, clients,
        connectPerTransaction ? clients : threadsFor(clients), half, connectPerTransaction);
    String name = "warmup-" + target.name().toLowerCase(Locale.ROOT);
    try {
      pgbench.run(invocation, prefix(scenario, name + "-1"), false);
      PgbenchResult result = pgbench.run(invocation, prefix(scenario, name + "-2"), false);
      progress.step(String.format(Locale.ROOT, "%s: warmed up %s (%.0f tps)", scenario, target.label(),
          result.summary().transactionsPerSecond()));
    } catch (PgbenchException e) {
      progress.step(scenario + ": warming up " + target.label() + " FAILED: " + firstLine(e.getMessage()));
    }
  }

  /** Microseconds of processor time per transaction for a target whose process the runner knows, else empty. */
  private static OptionalDouble processorPerTransaction(Optional<Duration> before, Optional<Duration> after,
      PgbenchResult result) {
    long transactions = result.summary().transactions();
    if (before.isEmpty() || after.isEmpty() || transactions <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(after.get().minus(before.get()).toNanos() / 1_000.0 / transactions);
  }

  private Path prefix(String scenario, String name) {
    Path directory = rawDirectory.resolve(scenario);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
    return directory.resolve(name);
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
