package io.meshgate.loadtests;

import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code load-tests/bin/run [--quick] [--output DIR] [--keep-transaction-logs] [--profile] [--only ...]}: runs the
 * benchmark and writes its report, by default to {@code load-tests/reports/<UTC timestamp>/}.
 * Exit status 0 when the report was written, 1 when the benchmark could not run, 2 for wrong
 * usage.
 */
public final class BenchmarkCommand {
  static final String USAGE = """
      Usage: load-tests/bin/run [--quick] [--output DIR] [--keep-transaction-logs] [--profile] [--only SCENARIO[:MODE[:CLIENTS]]] [--warmup SECONDS]
        --quick                  about 2 minutes: fewer client counts, 3 s runs (default: the full plan, about 10 minutes)
        --output DIR             where the report goes (default: load-tests/reports/<UTC timestamp>/)
        --keep-transaction-logs  keep pgbench's per-transaction logs in DIR/raw (large)
        --profile                a JDK Flight Recorder recording of Meshgate per measured run, with a summary,
                                 in DIR/raw/profiles (the recording itself costs Meshgate a little throughput)
        --only SCENARIO[:MODE[:CLIENTS]]  one scenario of the plan (select-only, governed-workload or
                                 connection-storm), optionally one query mode (simple, extended, prepared;
                                 none for the storm) and one client count, e.g. select-only:prepared:32 or
                                 connection-storm::8; for measuring one change, not for a report to quote
        --warmup SECONDS         the warm-up against each target before a scenario (default: 2 quick, 5 full);
                                 Meshgate's JIT needs 10-20 s on a busy 2-processor machine to stop compiling
      Starts PostgreSQL, PgBouncer and Meshgate on 127.0.0.1 (and a bare Netty relay for select-only),
      runs every scenario against each in turn, and writes DIR/report.md with PNG charts and results.csv.""";
  private static final DateTimeFormatter DIRECTORY_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  /** The parsed command line. */
  record Arguments(boolean quick, Optional<Path> output, boolean keepTransactionLogs, boolean profile,
      Optional<PlanFocus> only, Optional<Duration> warmup) {}

  private BenchmarkCommand() {}

  public static void main(String[] arguments) {
    System.setProperty("java.awt.headless", "true");
    System.exit(run(List.of(arguments), System.err));
  }

  static int run(List<String> arguments, PrintStream err) {
    Arguments parsed;
    try {
      Optional<Arguments> given = parse(arguments);
      if (given.isEmpty()) {
        err.println(USAGE);
        return 0;
      }
      parsed = given.get();
    } catch (IllegalArgumentException e) {
      err.println("load-tests: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Optional<Path> root = RepositoryRoot.find();
    if (root.isEmpty()) {
      err.println("load-tests: run from a Meshgate checkout (or set -Dmeshgate.root); load-tests/bin/run does");
      return 1;
    }
    Path output = parsed.output().orElseGet(() ->
        root.get().resolve("load-tests/reports").resolve(DIRECTORY_NAME.format(Instant.now())));
    BenchmarkPlan whole = parsed.quick() ? BenchmarkPlan.quick() : BenchmarkPlan.full();
    BenchmarkPlan focused = parsed.only().map(whole::focusedOn).orElse(whole);
    BenchmarkPlan plan = parsed.warmup().map(focused::withWarmup).orElse(focused);
    err.println("load-tests: " + plan.name() + " plan, report in " + output);
    try {
      Path report = new Benchmark(plan, root.get(), output.toAbsolutePath(), parsed.keepTransactionLogs(),
          parsed.profile(), message -> err.println("[" + CLOCK.format(LocalTime.now(ZoneOffset.UTC)) + "] " + message)).run();
      System.out.println(report);
      return 0;
    } catch (Exception e) {
      err.println("load-tests: the benchmark could not run: " + e.getMessage());
      e.printStackTrace(err);
      return 1;
    }
  }

  /** Empty for --help. */
  static Optional<Arguments> parse(List<String> arguments) {
    boolean quick = false;
    boolean keep = false;
    boolean profile = false;
    Optional<Path> output = Optional.empty();
    Optional<PlanFocus> only = Optional.empty();
    Optional<Duration> warmup = Optional.empty();
    for (int index = 0; index < arguments.size(); index++) {
      String argument = arguments.get(index);
      switch (argument) {
        case "--quick" -> quick = true;
        case "--keep-transaction-logs" -> keep = true;
        case "--profile" -> profile = true;
        case "--output" -> {
          if (index + 1 >= arguments.size() || arguments.get(index + 1).isBlank()) {
            throw new IllegalArgumentException("--output needs a directory");
          }
          output = Optional.of(Path.of(arguments.get(++index)));
        }
        case "--only" -> {
          if (index + 1 >= arguments.size()) {
            throw new IllegalArgumentException("--only needs a scenario, e.g. select-only:prepared:32");
          }
          only = Optional.of(PlanFocus.parse(arguments.get(++index)));
        }
        case "--warmup" -> {
          if (index + 1 >= arguments.size()) {
            throw new IllegalArgumentException("--warmup needs a number of seconds, e.g. 15");
          }
          try {
            warmup = Optional.of(Duration.ofSeconds(Long.parseLong(arguments.get(++index))));
          } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("--warmup takes whole seconds, not " + arguments.get(index));
          }
        }
        case "-h", "--help" -> {
          return Optional.empty();
        }
        default -> throw new IllegalArgumentException("unknown argument " + argument);
      }
    }
    return Optional.of(new Arguments(quick, output, keep, profile, only, warmup));
  }
}
