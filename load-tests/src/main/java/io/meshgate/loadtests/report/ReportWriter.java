package io.meshgate.loadtests.report;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.pgbench.LatencySummary;
import io.meshgate.loadtests.scenario.IdleMeasurement;
import io.meshgate.loadtests.scenario.Measurement;
import io.meshgate.loadtests.scenario.MemoryReading;
import io.meshgate.loadtests.scenario.RunStatistics;
import io.meshgate.loadtests.scenario.Scenario;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Writes a report directory: {@code report.md} (tables with the ratios Meshgate/direct,
 * Meshgate/PgBouncer, Meshgate/Netty relay and Meshgate/native RLS, machine, versions, settings,
 * method), one PNG chart per figure, and {@code results.csv} with every measured number.
 */
public final class ReportWriter {
  public static final String REPORT = "report.md";
  public static final String RESULTS = "results.csv";

  private static final Map<Target, Color> COLORS = new EnumMap<>(Map.of(
      Target.DIRECT, new Color(0x4C, 0x78, 0xA8),
      Target.PGBOUNCER, new Color(0xF5, 0x85, 0x18),
      Target.NETTY_RELAY, new Color(0x9D, 0x96, 0x8F),
      Target.NATIVE_RLS, new Color(0x54, 0xA2, 0x4B),
      Target.MESHGATE, new Color(0xE4, 0x57, 0x56)));
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private ReportWriter() {}

  /** Writes the report into {@code directory} (created) and returns the path of {@code report.md}. */
  public static Path write(BenchmarkResults results, Path directory) throws IOException {
    requireNonNull(results, "results is null");
    Files.createDirectories(directory);
    StringBuilder report = new StringBuilder();
    header(report, results);
    summary(report, results);
    machine(report, results);
    selectOnly(report, results, directory);
    governedWorkload(report, results, directory);
    connectionStorm(report, results, directory);
    idleConnections(report, results, directory);
    DecisionLatencyReport.section(report, results.decisionLatencies());
    method(report, results);
    Path file = directory.resolve(REPORT);
    Files.writeString(file, report.toString(), StandardCharsets.UTF_8);
    Files.writeString(directory.resolve(RESULTS), csv(results), StandardCharsets.UTF_8);
    if (!results.decisionLatencies().isEmpty()) {
      Files.writeString(directory.resolve(DecisionLatencyReport.CSV_FILE),
          DecisionLatencyReport.csv(results.decisionLatencies()), StandardCharsets.UTF_8);
    }
    return file;
  }

  // ---- sections ------------------------------------------------------------------------------

  private static void header(StringBuilder report, BenchmarkResults results) {
    report.append("# Meshgate load test: ").append(TIME.format(results.started())).append(" (")
        .append(results.plan()).append(" mode)\n\n");
    MachineDescription machine = results.machine();
    report.append("> **Read the numbers with care.** One machine with ").append(machine.processors())
        .append(" processors ran everything at once: pgbench (the clients), PostgreSQL, PgBouncer, the Netty relay, ")
        .append("Meshgate and its OPA. A proxy's cost therefore includes the processor time it takes away from PostgreSQL and ")
        .append("the clients. The machine may also have been shared with other work (load average ")
        .append(machine.loadAverage()).append(" at the start, ").append(results.loadAverageAtEnd())
        .append(" at the end; both include the benchmark's own processes). Ratios are more telling than absolute ")
        .append("numbers.")
        .append(results.plan().equals("quick")
            ? " This was a quick run: its runs last seconds, which makes even the ratios noisy; quote the full mode."
            : "")
        .append("\n\n");
    report.append("Ran from ").append(TIME.format(results.started())).append(" to ")
        .append(TIME.format(results.finished())).append(" (")
        .append(Duration.between(results.started(), results.finished()).toSeconds()).append(" s). Meshgate ")
        .append(results.versions().meshgateRevision()).append(".\n\n");
    for (String note : results.notes()) {
      report.append("* ").append(note).append('\n');
    }
    if (!results.notes().isEmpty()) {
      report.append('\n');
    }
  }

  private static void summary(StringBuilder report, BenchmarkResults results) {
    report.append("## Summary\n\n");
    report.append("Geometric means over the runs of each scenario of Meshgate's value divided by the other system's ")
        .append("(for throughput, below 1× means Meshgate is slower; for latency, above 1× means it is slower).\n\n");
    MarkdownTable table = new MarkdownTable(List.of("scenario", "metric", "Meshgate/direct", "Meshgate/PgBouncer",
        "Meshgate/Netty relay", "Meshgate/native RLS"), 2);
    for (Scenario scenario : Scenario.values()) {
      List<Measurement> measurements = of(results, scenario);
      if (measurements.isEmpty()) {
        continue;
      }
      String throughput = scenario == Scenario.CONNECTION_STORM ? "connections/s" : "tps";
      summaryRow(table, scenario.title(), throughput, ComparisonTable.of(throughput, measurements, Target.MESHGATE,
          RunStatistics::transactionsPerSecond));
      String latency = scenario == Scenario.CONNECTION_STORM ? "p99 round (connect to disconnect)" : "p99 latency";
      summaryRow(table, scenario.title(), latency, ComparisonTable.of("p99", measurements, Target.MESHGATE,
          statistics -> scenario == Scenario.CONNECTION_STORM
              ? statistics.cycle().map(LatencySummary::p99Millis).orElse(Double.NaN)
              : statistics.latency().p99Millis()));
    }
    report.append(table.render()).append('\n');
    relayFloor(report, of(results, Scenario.SELECT_ONLY));
    idle(results, Target.MESHGATE).ifPresent(meshgate -> {
      report.append("Holding ").append(meshgate.opened()).append(" idle connections: ");
      List<String> parts = new ArrayList<>();
      for (MemoryReading reading : meshgate.readings()) {
        parts.add(reading.measured() + " +" + Numbers.format(reading.kilobytesPer(meshgate.opened())) + " kB");
      }
      idle(results, Target.PGBOUNCER).ifPresent(pgbouncer -> parts.add(pgbouncer.readings().get(0).measured() + " +"
          + Numbers.format(pgbouncer.kilobytesPerConnection()) + " kB"));
      idle(results, Target.DIRECT).ifPresent(direct -> parts.add(direct.readings().get(0).measured() + " +"
          + Numbers.format(direct.kilobytesPerConnection()) + " kB (needed with or without a proxy)"));
      report.append(String.join(", ", parts)).append(" per connection.\n\n");
    });
    results.equivalence().ifPresent(check -> report.append(check.identical()
        ? "Meshgate and the native setup returned identical rows for all " + check.statements()
            + " sampled statements of the governed workload.\n\n"
        : "**Meshgate and the native setup returned different rows** for " + check.differences().size() + " of "
            + check.statements() + " sampled statements of the governed workload (see section 2).\n\n"));
  }

  private static void summaryRow(MarkdownTable table, String scenario, String metric, ComparisonTable comparison) {
    List<String> cells = new ArrayList<>(List.of(scenario, metric));
    for (Target baseline : List.of(Target.DIRECT, Target.PGBOUNCER, Target.NETTY_RELAY, Target.NATIVE_RLS)) {
      OptionalDouble ratio = comparison.baselines().contains(baseline)
          ? comparison.geometricMeanRatio(baseline)
          : OptionalDouble.empty();
      cells.add(ratio.isPresent() ? Numbers.ratio(ratio.getAsDouble(), 1) : "");
    }
    table.row(cells);
  }

  /**
   * The summary line on the floor of a Java proxy: how Meshgate and PgBouncer compare with the
   * Netty relay over the select-only runs that had it, in throughput and in processor time.
   */
  private static void relayFloor(StringBuilder report, List<Measurement> selectOnly) {
    ComparisonTable meshgate = ComparisonTable.of("tps", selectOnly, Target.MESHGATE,
        RunStatistics::transactionsPerSecond);
    if (!meshgate.baselines().contains(Target.NETTY_RELAY)) {
      return;
    }
    List<String> parts = new ArrayList<>();
    meshgate.geometricMeanRatio(Target.NETTY_RELAY).ifPresent(ratio ->
        parts.add("Meshgate reached " + Numbers.ratio(ratio, 1) + " of its throughput"));
    ComparisonTable.of("tps", selectOnly, Target.PGBOUNCER, RunStatistics::transactionsPerSecond)
        .geometricMeanRatio(Target.NETTY_RELAY).ifPresent(ratio -> parts.add("PgBouncer " + Numbers.ratio(ratio, 1)));
    ComparisonTable.of("µs", selectOnly, Target.MESHGATE, ReportWriter::processorMicros)
        .geometricMeanRatio(Target.NETTY_RELAY).ifPresent(ratio ->
            parts.add("and Meshgate used " + Numbers.ratio(ratio, 1) + " its processor time per transaction"));
    if (parts.isEmpty()) {
      return;
    }
    report.append("Against the floor of any Java proxy on this machine, the Netty relay (bytes forwarded, nothing ")
        .append("decoded; select-only runs that had it): ").append(String.join(", ", parts)).append(".\n\n");
  }

  private static void machine(StringBuilder report, BenchmarkResults results) {
    MachineDescription machine = results.machine();
    SoftwareVersions versions = results.versions();
    report.append("## Machine and versions\n\n");
    MarkdownTable table = new MarkdownTable(List.of("", ""), 2);
    table.row(List.of("processors (nproc)", Integer.toString(machine.processors())));
    table.row(List.of("CPU", machine.cpuModel()));
    table.row(List.of("memory", String.format(Locale.ROOT, "%.1f GiB", machine.memoryGibibytes())));
    table.row(List.of("operating system", machine.operatingSystem() + ", Linux " + machine.kernel()));
    table.row(List.of("Meshgate", versions.meshgateRevision()));
    table.row(List.of("PostgreSQL", versions.postgres()));
    table.row(List.of("PgBouncer", versions.pgbouncer()));
    table.row(List.of("pgbench", versions.pgbench()));
    table.row(List.of("OPA", versions.opa()));
    table.row(List.of("Java (Meshgate, the Netty relay and the runner)", versions.java()));
    report.append(table.render()).append('\n');
  }

  private static void selectOnly(StringBuilder report, BenchmarkResults results, Path directory) throws IOException {
    List<Measurement> measurements = of(results, Scenario.SELECT_ONLY);
    if (measurements.isEmpty()) {
      return;
    }
    report.append("## 1. ").append(Scenario.SELECT_ONLY.title()).append("\n\n");
    report.append("pgbench's built-in select-only script (one primary-key lookup in `pgbench_accounts` per ")
        .append("transaction) on its own tables in database `bench`. Through Meshgate every statement is parsed, ")
        .append("decided by OPA (decision cache on, as by default), rewritten and audited with fsync; the policy ")
        .append("allows the tables without filters or masks, so this is Meshgate's cost per statement at its ")
        .append("lowest.\n\n");
    report.append("The **Netty relay** is a bare TCP relay on Netty's NIO transport, with the same Netty version and ")
        .append("JVM as Meshgate and its own process: it forwards the bytes between client and PostgreSQL without ")
        .append("decoding them, with no authentication (PostgreSQL authenticates the client), no governance and no ")
        .append("audit. It is not a product but the floor of any Java proxy on this machine: the gap between it ")
        .append("and direct PostgreSQL is the platform's cost (the JVM, Netty, a second pair of sockets), the gap ")
        .append("between Meshgate and it is the cost of Meshgate's own work (protocol decoding, governance, ")
        .append("audit).\n\n");
    pgbenchFigures(report, directory, Scenario.SELECT_ONLY, measurements, "tps");
    processorTime(report, measurements);
  }

  /** The proxies' processor time per transaction, read from the operating system around each run. */
  private static void processorTime(StringBuilder report, List<Measurement> measurements) {
    List<Measurement> measured = measurements.stream().filter(measurement -> measurement.statistics()
        .filter(statistics -> statistics.processorMicrosPerTransaction().isPresent()).isPresent()).toList();
    if (measured.isEmpty()) {
      return;
    }
    report.append("**Processor time per transaction** (µs used by the proxy's own process, all its threads, from ")
        .append("the operating system before and after the run; lower is better; above 1× Meshgate uses more). ")
        .append("On a shared machine this moves far less than throughput.\n\n")
        .append(ComparisonTable.of("µs", measured, Target.MESHGATE, ReportWriter::processorMicros).markdown())
        .append('\n');
  }

  private static double processorMicros(RunStatistics statistics) {
    return statistics.processorMicrosPerTransaction().orElse(Double.NaN);
  }

  private static void governedWorkload(StringBuilder report, BenchmarkResults results, Path directory)
      throws IOException {
    List<Measurement> measurements = of(results, Scenario.GOVERNED_WORKLOAD);
    if (measurements.isEmpty()) {
      return;
    }
    report.append("## 2. ").append(Scenario.GOVERNED_WORKLOAD.title()).append("\n\n");
    report.append("The analyst alice (EU rows only; e-mail, phone and birth date masked) runs point lookups and ")
        .append("small aggregates on the demo mesh: through Meshgate, governed by the demo policies, and directly ")
        .append("on PostgreSQL as a role with the same rules written natively: row-level security policies ")
        .append("(`region = 'EU'`) on the tables and `security_invoker` views applying the same mask expressions ")
        .append("Meshgate renders. One transaction is the whole script (five statements):\n\n```sql\n")
        .append(results.workloadScript().strip()).append("\n```\n\n");
    results.equivalence().ifPresent(check -> {
      if (check.identical()) {
        report.append("Before timing, both systems answered ").append(check.statements())
            .append(" sampled statements (several stores and customers, both regions) with identical rows.\n\n");
      } else {
        report.append("**Before timing, the two systems answered differently:**\n\n");
        check.differences().forEach(difference -> report.append("* ").append(difference).append('\n'));
        report.append('\n');
      }
    });
    pgbenchFigures(report, directory, Scenario.GOVERNED_WORKLOAD, measurements, "tps");
  }

  private static void connectionStorm(StringBuilder report, BenchmarkResults results, Path directory)
      throws IOException {
    List<Measurement> measurements = of(results, Scenario.CONNECTION_STORM);
    if (measurements.isEmpty()) {
      return;
    }
    report.append("## 3. ").append(Scenario.CONNECTION_STORM.title()).append("\n\n");
    report.append("Each client connects, authenticates with SCRAM-SHA-256, runs one select-only lookup and ")
        .append("disconnects, in a loop (pgbench `--connect`, one thread per client). PgBouncer keeps its server ")
        .append("connections between clients; Meshgate opens a new backend connection for every client session. ")
        .append("\"Round\" is the time between the ends of two successive transactions of one client: connect, ")
        .append("authenticate, query, disconnect. \"Query\" is pgbench's per-transaction latency, which leaves the ")
        .append("connection out.\n\n");
    MarkdownTable table = new MarkdownTable(List.of("target", "clients", "connections/s", "Meshgate/target",
        "avg connection ms", "round p50 ms", "round p99 ms", "query p50 ms", "query p99 ms"), 1);
    OptionalDouble meshgate = measurements.stream().filter(measurement -> measurement.target() == Target.MESHGATE)
        .flatMap(measurement -> measurement.statistics().stream())
        .mapToDouble(RunStatistics::transactionsPerSecond).findFirst();
    for (Measurement measurement : measurements) {
      Optional<RunStatistics> statistics = measurement.statistics();
      double tps = statistics.map(RunStatistics::transactionsPerSecond).orElse(Double.NaN);
      table.row(List.of(measurement.target().label(), Integer.toString(measurement.clients()), Numbers.format(tps),
          measurement.target() == Target.MESHGATE ? "" : Numbers.ratio(meshgate.orElse(Double.NaN), tps),
          Numbers.format(statistics.flatMap(value -> boxed(value.averageConnectionMillis())).orElse(Double.NaN)),
          Numbers.format(statistics.flatMap(RunStatistics::cycle).map(LatencySummary::p50Millis).orElse(Double.NaN)),
          Numbers.format(statistics.flatMap(RunStatistics::cycle).map(LatencySummary::p99Millis).orElse(Double.NaN)),
          Numbers.format(statistics.map(value -> value.latency().p50Millis()).orElse(Double.NaN)),
          Numbers.format(statistics.map(value -> value.latency().p99Millis()).orElse(Double.NaN))));
    }
    report.append(table.render()).append('\n');
    String chart = Scenario.CONNECTION_STORM.slug() + ".png";
    chartOfTargets("Connection storm: connections per second", "connections/s", measurements,
        RunStatistics::transactionsPerSecond).writePng(directory.resolve(chart));
    report.append("![Connection storm](").append(chart).append(")\n\n");
    failures(report, measurements);
  }

  private static void idleConnections(StringBuilder report, BenchmarkResults results, Path directory)
      throws IOException {
    if (results.idle().isEmpty()) {
      return;
    }
    int requested = results.idle().get(0).requested();
    report.append("## 4. Idle connections\n\n");
    report.append("Client connections that logged in, ran one select-only lookup and then sat idle, all held at ")
        .append("once (opened 16 at a time). Meshgate and PgBouncer: the resident set (VmRSS in ")
        .append("`/proc/<pid>/status`) of their process. Meshgate runs as its own `java -jar` process with the ")
        .append("JVM's default heap settings; its resident set mostly shows heap the JVM grew during the earlier ")
        .append("scenarios and keeps, so the live heap after a full garbage collection (`jcmd GC.class_histogram`, ")
        .append("read before and with the connections open) is shown too: that is what the sessions themselves hold. ")
        .append("Direct: the proportional set size (Pss) summed over PostgreSQL's backends, which counts shared ")
        .append("memory once rather than once per backend; PostgreSQL holds one such backend per client connection ")
        .append("with either proxy as well (session mode, and Meshgate's one backend connection per session).\n\n");
    MarkdownTable table = new MarkdownTable(List.of("target", "measured", "connections", "before MB",
        "with the connections MB", "per connection kB", "opening took s"), 2);
    for (IdleMeasurement measurement : results.idle()) {
      for (MemoryReading reading : measurement.readings()) {
        table.row(List.of(measurement.target().label(), reading.measured(),
            measurement.opened() + (measurement.opened() == measurement.requested() ? "" : " of " + measurement.requested()),
            Numbers.format(reading.baselineKilobytes() / 1024.0), Numbers.format(reading.loadedKilobytes() / 1024.0),
            Numbers.format(reading.kilobytesPer(measurement.opened())),
            Numbers.format(measurement.openTime().toMillis() / 1000.0)));
      }
    }
    report.append(table.render()).append('\n');
    Optional<IdleMeasurement> meshgate = idle(results, Target.MESHGATE);
    Optional<IdleMeasurement> pgbouncer = idle(results, Target.PGBOUNCER);
    if (meshgate.isPresent() && pgbouncer.isPresent()) {
      report.append("Meshgate/PgBouncer memory per idle connection (resident set): ")
          .append(Numbers.ratio(meshgate.get().kilobytesPerConnection(), pgbouncer.get().kilobytesPerConnection()))
          .append(".\n\n");
    }
    for (IdleMeasurement measurement : results.idle()) {
      measurement.failure().ifPresent(failure -> report.append("* ").append(measurement.target().label())
          .append(": not every connection could be opened; the first error: ").append(failure).append('\n'));
    }
    List<BarChart.Series> series = new ArrayList<>();
    for (IdleMeasurement measurement : results.idle()) {
      if (measurement.target() == Target.DIRECT) {
        continue; // its gigabyte would flatten the proxies' bars; the table has it
      }
      List<MemoryReading> readings = measurement.readings();
      for (int index = 0; index < readings.size(); index++) {
        MemoryReading reading = readings.get(index);
        Color color = COLORS.get(measurement.target());
        series.add(new BarChart.Series(reading.measured(), index == 0 ? color : color.darker().darker(),
            List.of(reading.baselineKilobytes() / 1024.0, reading.loadedKilobytes() / 1024.0)));
      }
    }
    if (!series.isEmpty()) {
      String chart = "idle-connections.png";
      new BarChart("Proxy memory before and with " + requested + " idle connections", "MB",
          List.of("before", requested + " idle connections"), series).writePng(directory.resolve(chart));
      report.append("![Proxy memory with idle connections](").append(chart).append(")\n\n");
    }
  }

  private static void method(StringBuilder report, BenchmarkResults results) {
    report.append("## Method\n\n");
    report.append("* Every system listens on 127.0.0.1 and is reached over TCP without TLS; every login uses ")
        .append("SCRAM-SHA-256 (PgBouncer checks the role's SCRAM secret copied from PostgreSQL and logs in with ")
        .append("the client's proof; through the Netty relay the exchange is PostgreSQL's own).\n");
    report.append("* Targets take turns run by run (direct, PgBouncer, the Netty relay, Meshgate for each mode and ")
        .append("client count; the relay in the select-only scenario only), after an unreported warm-up run ")
        .append("against each, so a drift of the machine spreads over all of them.\n");
    report.append("* Throughput is pgbench's tps, excluding the initial connections except in the connection ")
        .append("storm. p50/p99 are exact nearest-rank percentiles of the per-transaction latencies in pgbench's ")
        .append("`--log` files (every transaction, no sampling); a transaction of the governed workload is all five ")
        .append("statements.\n");
    report.append("* pgbench runs with one thread per processor at most (one per client for the connection storm), ")
        .append("`--no-vacuum`.\n");
    report.append("* Raw pgbench output is in `raw/` (not committed); `results.csv` has every number of this ")
        .append("report.\n\n");
    if (!results.settings().isEmpty()) {
      report.append("### Settings\n\n");
      results.settings().forEach((name, text) -> {
        if (!text.contains("\n")) {
          report.append("* **").append(name).append("**: ").append(text).append('\n');
        }
      });
      report.append('\n');
      results.settings().forEach((name, text) -> {
        if (text.contains("\n")) {
          report.append("**").append(name).append("**\n\n```\n").append(text.strip()).append("\n```\n\n");
        }
      });
    }
  }

  // ---- pieces --------------------------------------------------------------------------------

  private static void pgbenchFigures(StringBuilder report, Path directory, Scenario scenario,
      List<Measurement> measurements, String throughput) throws IOException {
    String throughputChart = scenario.slug() + "-tps.png";
    String latencyChart = scenario.slug() + "-p99.png";
    chartByRun(scenario.title() + ": throughput", throughput, measurements, RunStatistics::transactionsPerSecond)
        .writePng(directory.resolve(throughputChart));
    chartByRun(scenario.title() + ": p99 latency", "p99 latency (ms)", measurements,
        statistics -> statistics.latency().p99Millis()).writePng(directory.resolve(latencyChart));
    report.append("![").append(scenario.title()).append(" throughput](").append(throughputChart).append(")\n");
    report.append("![").append(scenario.title()).append(" p99 latency](").append(latencyChart).append(")\n\n");
    report.append("**Throughput** (transactions per second; higher is better)\n\n")
        .append(ComparisonTable.of(throughput, measurements, Target.MESHGATE, RunStatistics::transactionsPerSecond)
            .markdown()).append('\n');
    report.append("**Latency p50** (ms; lower is better)\n\n")
        .append(ComparisonTable.of("p50", measurements, Target.MESHGATE, statistics -> statistics.latency().p50Millis())
            .markdown()).append('\n');
    report.append("**Latency p99** (ms; lower is better)\n\n")
        .append(ComparisonTable.of("p99", measurements, Target.MESHGATE, statistics -> statistics.latency().p99Millis())
            .markdown()).append('\n');
    failures(report, measurements);
  }

  private static void failures(StringBuilder report, List<Measurement> measurements) {
    List<Measurement> failed = measurements.stream().filter(measurement -> measurement.failure().isPresent()).toList();
    if (failed.isEmpty()) {
      return;
    }
    report.append("Runs that failed (their cells are empty):\n\n");
    for (Measurement measurement : failed) {
      report.append("* ").append(measurement.target().label()).append(", -M ").append(measurement.mode().flag())
          .append(", ").append(measurement.clients()).append(" clients: ")
          .append(measurement.failure().orElseThrow().lines().findFirst().orElse("")).append('\n');
    }
    report.append('\n');
  }

  /** Groups "mode clients", one series per target. */
  private static BarChart chartByRun(String title, String axis, List<Measurement> measurements,
      ToDoubleFunction<RunStatistics> value) {
    ComparisonTable table = ComparisonTable.of(axis, measurements, Target.MESHGATE, value);
    List<String> groups = table.rows().stream().map(row -> row.keys().get(0) + " " + row.keys().get(1)).toList();
    List<BarChart.Series> series = new ArrayList<>();
    for (Target target : table.targets()) {
      series.add(new BarChart.Series(target.label(), COLORS.get(target),
          table.rows().stream().map(row -> row.value(target).orElse(Double.NaN)).toList()));
    }
    return new BarChart(title, axis, groups, series);
  }

  /** One group, one bar per target. */
  private static BarChart chartOfTargets(String title, String axis, List<Measurement> measurements,
      ToDoubleFunction<RunStatistics> value) {
    List<BarChart.Series> series = new ArrayList<>();
    for (Measurement measurement : measurements) {
      series.add(new BarChart.Series(measurement.target().label(), COLORS.get(measurement.target()),
          List.of(measurement.statistics().map(value::applyAsDouble).orElse(Double.NaN))));
    }
    return new BarChart(title, axis, List.of(measurements.get(0).clients() + " clients"), series);
  }

  private static List<Measurement> of(BenchmarkResults results, Scenario scenario) {
    return results.measurements().stream().filter(measurement -> measurement.scenario() == scenario).toList();
  }

  private static Optional<IdleMeasurement> idle(BenchmarkResults results, Target target) {
    return results.idle().stream().filter(measurement -> measurement.target() == target && measurement.opened() > 0)
        .findFirst();
  }

  private static Optional<Double> boxed(OptionalDouble value) {
    return value.isPresent() ? Optional.of(value.getAsDouble()) : Optional.empty();
  }

  static String csv(BenchmarkResults results) {
    StringBuilder csv = new StringBuilder("scenario,target,mode,clients,tps,transactions,failed_transactions,"
        + "latency_mean_ms,latency_p50_ms,latency_p99_ms,latency_max_ms,round_p50_ms,round_p99_ms,"
        + "average_connection_ms,processor_us_per_transaction,failure\n");
    for (Measurement measurement : results.measurements()) {
      List<String> cells = new ArrayList<>(List.of(measurement.scenario().slug(), measurement.target().label(),
          measurement.mode().flag(), Integer.toString(measurement.clients())));
      if (measurement.statistics().isPresent()) {
        RunStatistics statistics = measurement.statistics().get();
        LatencySummary latency = statistics.latency();
        cells.addAll(List.of(plain(statistics.transactionsPerSecond()), Long.toString(statistics.transactions()),
            Long.toString(statistics.failedTransactions()), plain(latency.meanMillis()), plain(latency.p50Millis()),
            plain(latency.p99Millis()), plain(latency.maximumMillis()),
            statistics.cycle().map(cycle -> plain(cycle.p50Millis())).orElse(""),
            statistics.cycle().map(cycle -> plain(cycle.p99Millis())).orElse(""),
            boxed(statistics.averageConnectionMillis()).map(ReportWriter::plain).orElse(""),
            boxed(statistics.processorMicrosPerTransaction()).map(ReportWriter::plain).orElse(""), ""));
      } else {
        cells.addAll(List.of("", "", "", "", "", "", "", "", "", "", "",
            quoted(measurement.failure().orElseThrow().lines().findFirst().orElse(""))));
      }
      csv.append(String.join(",", cells)).append('\n');
    }
    return csv.toString();
  }

  private static String plain(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }

}
