package io.meshgate.loadtests.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.decision.DecisionLatency;
import io.meshgate.loadtests.pgbench.LatencySummary;
import io.meshgate.loadtests.pgbench.QueryMode;
import io.meshgate.loadtests.scenario.EquivalenceCheck;
import io.meshgate.loadtests.scenario.IdleMeasurement;
import io.meshgate.loadtests.scenario.Measurement;
import io.meshgate.loadtests.scenario.MemoryReading;
import io.meshgate.loadtests.scenario.RunStatistics;
import io.meshgate.loadtests.scenario.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir Path directory;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void writesTablesRatiosChartsAndCsv() throws IOException {
    Path report = ReportWriter.write(results(), directory);
    String text = Files.readString(report, StandardCharsets.UTF_8);

    // Select-only: the Netty relay's column sits between PgBouncer and Meshgate, with its own ratio;
    // a run without the relay (a quick plan's other points) leaves its cells empty.
    assertTrue(text.contains("| mode | clients | direct tps | PgBouncer tps | Netty relay tps | Meshgate tps | "
        + "Meshgate/direct | Meshgate/PgBouncer | Meshgate/Netty relay |"), text);
    assertTrue(text.contains("| simple | 1 | 8,000 | 4,000 | 5,000 | 2,000 | 0.25× | 0.50× | 0.40× |"), text);
    assertTrue(text.contains("| prepared | 32 | 30,000 | 28,000 | — | 14,000 | 0.47× | 0.50× | — |"), text);
    assertTrue(text.contains("| simple | 8 | 500 | 100 | 0.20× |"), text);
    // Summary: geometric means per scenario and baseline (Meshgate/direct: √(0.25 × 0.467) = 0.34).
    assertTrue(text.contains("| Select-only (pgbench -S) | tps | 0.34× | 0.50× | 0.40× |  |"), text);
    assertTrue(text.contains("| Governed workload: row filters and masks | tps |  |  |  | 0.20× |"), text);
    assertTrue(text.contains("Against the floor of any Java proxy on this machine, the Netty relay (bytes forwarded, "
        + "nothing decoded; select-only runs that had it): Meshgate reached 0.40× of its throughput, PgBouncer "
        + "0.80×, and Meshgate used 2.50× its processor time per transaction."), text);
    assertTrue(text.contains("The **Netty relay** is a bare TCP relay"), text);
    // Processor time per transaction of the proxies' own processes; direct PostgreSQL has none.
    assertTrue(text.contains("| mode | clients | PgBouncer µs | Netty relay µs | Meshgate µs | Meshgate/PgBouncer | "
        + "Meshgate/Netty relay |"), text);
    assertTrue(text.contains("| simple | 1 | 16.0 | 20.0 | 50.0 | 3.13× | 2.50× |"), text);
    assertTrue(text.contains("| prepared | 32 | 15.0 | — | 40.0 | 2.67× | — |"), text);
    // Connection storm: connections/s and the ratio of Meshgate to each target.
    assertTrue(text.contains("| direct | 4 | 200 | 0.50× |"), text);
    // Idle connections: per-connection growth, and the failed run's reason.
    assertTrue(text.contains("| Meshgate | Meshgate JVM (RSS) | 1000 | 400 | 410 | 10.2 |"), text);
    assertTrue(text.contains("Meshgate/PgBouncer memory per idle connection (resident set): 5.12×"), text);
    assertTrue(text.contains("* Meshgate, -M prepared, 8 clients: pgbench exited with status 2"), text);
    assertTrue(text.contains("identical rows for all 25 sampled statements"), text);
    assertTrue(text.contains("| processors (nproc) | 2 |"), text);
    assertTrue(text.contains("| PgBouncer | PgBouncer 1.18.0 |"), text);

    for (String chart : List.of("select-only-tps.png", "select-only-p99.png", "governed-workload-tps.png",
        "governed-workload-p99.png", "connection-storm.png", "idle-connections.png")) {
      assertTrue(Files.size(directory.resolve(chart)) > 1000, chart);
      assertTrue(text.contains("(" + chart + ")"), chart + " is linked from the report");
    }
    // Decision latency: throughput, microseconds (two decimals below 10 µs), failures; and its CSV.
    assertTrue(text.contains("## Policy decision latency"), text);
    assertTrue(text.contains("| decision cache (hits) | 1 | 2,000,000 | 0.25 | 1.20 | 90 | 0 |"), text);
    assertTrue(text.contains("| REST, managed local OPA, no cache | 8 | 3,000 | 1500 | 9000 | 20000 | 2 |"), text);
    assertEquals(List.of("engine,threads,decisions,failures,seconds,decisions_per_second,p50_us,p99_us,max_us",
            "\"decision cache (hits)\",1,4000000,0,2.000,2000000.0,0.250,1.200,90.000",
            "\"REST, managed local OPA, no cache\",8,6000,2,2.000,3000.0,1500.000,9000.000,20000.000"),
        Files.readAllLines(directory.resolve(DecisionLatencyReport.CSV_FILE), StandardCharsets.UTF_8));
    List<String> csv = Files.readAllLines(directory.resolve(ReportWriter.RESULTS), StandardCharsets.UTF_8);
    assertEquals(1 + results().measurements().size(), csv.size());
    assertTrue(csv.contains("select-only,direct,simple,1,8000.000,24000,0,1.000,0.900,2.000,3.000,,,,,"), csv.toString());
    assertTrue(csv.contains("select-only,Netty relay,simple,1,5000.000,15000,0,1.000,0.900,2.000,3.000,,,,20.000,"),
        csv.toString());
    assertTrue(csv.getLast().endsWith(",\"pgbench exited with status 2\""), csv.getLast());
  }

  private static BenchmarkResults results() {
    List<Measurement> measurements = List.of(
        run(Scenario.SELECT_ONLY, Target.DIRECT, QueryMode.SIMPLE, 1, 8000),
        run(Scenario.SELECT_ONLY, Target.PGBOUNCER, QueryMode.SIMPLE, 1, 4000, 16),
        run(Scenario.SELECT_ONLY, Target.NETTY_RELAY, QueryMode.SIMPLE, 1, 5000, 20),
        run(Scenario.SELECT_ONLY, Target.MESHGATE, QueryMode.SIMPLE, 1, 2000, 50),
        run(Scenario.SELECT_ONLY, Target.DIRECT, QueryMode.PREPARED, 32, 30000),
        run(Scenario.SELECT_ONLY, Target.PGBOUNCER, QueryMode.PREPARED, 32, 28000, 15),
        run(Scenario.SELECT_ONLY, Target.MESHGATE, QueryMode.PREPARED, 32, 14000, 40),
        run(Scenario.GOVERNED_WORKLOAD, Target.NATIVE_RLS, QueryMode.SIMPLE, 8, 500),
        run(Scenario.GOVERNED_WORKLOAD, Target.MESHGATE, QueryMode.SIMPLE, 8, 100),
        run(Scenario.CONNECTION_STORM, Target.DIRECT, QueryMode.SIMPLE, 4, 200),
        run(Scenario.CONNECTION_STORM, Target.PGBOUNCER, QueryMode.SIMPLE, 4, 400),
        run(Scenario.CONNECTION_STORM, Target.MESHGATE, QueryMode.SIMPLE, 4, 100),
        Measurement.failed(Scenario.SELECT_ONLY, Target.MESHGATE, QueryMode.PREPARED, 8,
            "pgbench exited with status 2\nclient 3 aborted"));
    List<IdleMeasurement> idle = List.of(
        new IdleMeasurement(Target.MESHGATE, 1000, 1000, List.of(new MemoryReading("Meshgate JVM (RSS)", 409_600,
            419_840), new MemoryReading("Meshgate live heap (after full GC)", 40_000, 45_000)), Duration.ofSeconds(6),
            Optional.empty()),
        new IdleMeasurement(Target.PGBOUNCER, 1000, 1000, List.of(new MemoryReading("PgBouncer (RSS)", 8_000, 10_000)),
            Duration.ofSeconds(7), Optional.empty()));
    return new BenchmarkResults("quick", Instant.parse("2026-11-21T16:05:48Z"), Instant.parse("2026-11-21T16:08:00Z"),
        new MachineDescription(2, 24_000_000, "AMD EPYC", "6.18", "Debian GNU/Linux 12 (bookworm)", "0.93 1.04 1.33"),
        "2.00 1.00 1.00",
        new SoftwareVersions("commit 92daac2d1047", "PostgreSQL 15.18", "PgBouncer 1.18.0", "pgbench 15.18", "1.22.2",
            "OpenJDK 25"),
        Map.of("pgbench scale", "1"), measurements, idle, Optional.of(new EquivalenceCheck(25, List.of())),
        "SELECT 1 FROM {sales}.stores;", List.of("a note"), List.of(
            new DecisionLatency(DecisionLatencyReport.CACHED, 1, 4_000_000, 0, 2_000_000_000L, 250, 1_200, 90_000),
            new DecisionLatency(DecisionLatencyReport.MANAGED, 8, 6_000, 2, 2_000_000_000L, 1_500_000, 9_000_000,
                20_000_000)));
  }

  private static Measurement run(Scenario scenario, Target target, QueryMode mode, int clients, double tps) {
    return run(scenario, target, mode, clients, tps, OptionalDouble.empty());
  }

  private static Measurement run(Scenario scenario, Target target, QueryMode mode, int clients, double tps,
      double processorMicros) {
    return run(scenario, target, mode, clients, tps, OptionalDouble.of(processorMicros));
  }

  private static Measurement run(Scenario scenario, Target target, QueryMode mode, int clients, double tps,
      OptionalDouble processorMicros) {
    LatencySummary latency = new LatencySummary(10, 1.0, 0.9, 2.0, 3.0);
    Optional<LatencySummary> cycle = scenario == Scenario.CONNECTION_STORM
        ? Optional.of(new LatencySummary(10, 10, 9, 20, 30))
        : Optional.empty();
    return Measurement.completed(scenario, target, mode, clients,
        new RunStatistics(tps, (long) tps * 3, 0, latency, cycle, OptionalDouble.empty(),
        processorMicros));
  }
}
