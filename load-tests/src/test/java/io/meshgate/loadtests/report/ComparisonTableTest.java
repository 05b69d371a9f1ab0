package io.meshgate.loadtests.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.pgbench.LatencySummary;
import io.meshgate.loadtests.pgbench.QueryMode;
import io.meshgate.loadtests.scenario.Measurement;
import io.meshgate.loadtests.scenario.RunStatistics;
import io.meshgate.loadtests.scenario.Scenario;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {
  @Test
  void rendersValuesAndTheSubjectsRatioToEachBaseline() {
    ComparisonTable table = new ComparisonTable(List.of("mode", "clients"), "tps",
        List.of(Target.DIRECT, Target.PGBOUNCER, Target.MESHGATE), Target.MESHGATE, List.of(
            new ComparisonTable.Row(List.of("simple", "1"),
                Map.of(Target.DIRECT, 8000.0, Target.PGBOUNCER, 4000.0, Target.MESHGATE, 2000.0)),
            new ComparisonTable.Row(List.of("prepared", "32"),
                Map.of(Target.DIRECT, 60000.0, Target.MESHGATE, 15000.0))));
    assertEquals("""
        | mode | clients | direct tps | PgBouncer tps | Meshgate tps | Meshgate/direct | Meshgate/PgBouncer |
        | --- | --- | ---: | ---: | ---: | ---: | ---: |
        | simple | 1 | 8,000 | 4,000 | 2,000 | 0.25× | 0.50× |
        | prepared | 32 | 60,000 | — | 15,000 | 0.25× | — |
        """, table.markdown());
  }

  @Test
  void geometricMeanOfRatios() {
    ComparisonTable table = new ComparisonTable(List.of("run"), "tps", List.of(Target.DIRECT, Target.MESHGATE),
        Target.MESHGATE, List.of(
            new ComparisonTable.Row(List.of("a"), Map.of(Target.DIRECT, 100.0, Target.MESHGATE, 200.0)),
            new ComparisonTable.Row(List.of("b"), Map.of(Target.DIRECT, 100.0, Target.MESHGATE, 50.0)),
            new ComparisonTable.Row(List.of("c"), Map.of(Target.DIRECT, 100.0))));
    // 2× and 0.5× average to 1×; the row without Meshgate does not count.
    assertEquals(1.0, table.geometricMeanRatio(Target.DIRECT).orElseThrow(), 1e-12);
    assertEquals(OptionalDouble.empty(), new ComparisonTable(List.of("run"), "tps", List.of(Target.DIRECT,
        Target.MESHGATE), Target.MESHGATE, List.of()).geometricMeanRatio(Target.DIRECT));
  }

  @Test
  void buildsRowsFromMeasurementsInTheOrderTheyRan() {
    List<Measurement> measurements = List.of(
        completed(Target.DIRECT, QueryMode.SIMPLE, 1, 1000),
        completed(Target.MESHGATE, QueryMode.SIMPLE, 1, 100),
        completed(Target.DIRECT, QueryMode.PREPARED, 8, 4000),
        Measurement.failed(Scenario.SELECT_ONLY, Target.MESHGATE, QueryMode.PREPARED, 8, "pgbench exited with 2"));
    ComparisonTable table = ComparisonTable.of("tps", measurements, Target.MESHGATE,
        RunStatistics::transactionsPerSecond);
    assertEquals(List.of(Target.DIRECT, Target.MESHGATE), table.targets());
    assertEquals(List.of(Target.DIRECT), table.baselines());
    assertEquals(2, table.rows().size());
    assertEquals(List.of("simple", "1"), table.rows().get(0).keys());
    assertEquals(0.1, table.rows().get(0).value(Target.MESHGATE).orElseThrow() / table.rows().get(0)
        .value(Target.DIRECT).orElseThrow(), 1e-12);
    assertTrue(table.rows().get(1).value(Target.MESHGATE).isEmpty(), "a failed run has no value");
    assertTrue(table.markdown().contains("| prepared | 8 | 4,000 | — | — |"), table.markdown());
  }

  @Test
  void theNettyRelayIsABaselineBetweenPgBouncerAndMeshgate() {
    // Measured in the order the select-only scenario takes turns; the columns follow the targets' order.
    List<Measurement> measurements = List.of(
        completed(Target.PGBOUNCER, QueryMode.PREPARED, 32, 30000),
        completed(Target.NETTY_RELAY, QueryMode.PREPARED, 32, 34000),
        completed(Target.MESHGATE, QueryMode.PREPARED, 32, 17000),
        completed(Target.PGBOUNCER, QueryMode.SIMPLE, 1, 4000),
        completed(Target.MESHGATE, QueryMode.SIMPLE, 1, 2000));
    ComparisonTable table = ComparisonTable.of("tps", measurements, Target.MESHGATE,
        RunStatistics::transactionsPerSecond);
    assertEquals(List.of(Target.PGBOUNCER, Target.NETTY_RELAY), table.baselines());
    assertEquals("""
        | mode | clients | PgBouncer tps | Netty relay tps | Meshgate tps | Meshgate/PgBouncer | Meshgate/Netty relay |
        | --- | --- | ---: | ---: | ---: | ---: | ---: |
        | prepared | 32 | 30,000 | 34,000 | 17,000 | 0.57× | 0.50× |
        | simple | 1 | 4,000 | — | 2,000 | 0.50× | — |
        """, table.markdown());
    // Only the row that has the relay counts towards Meshgate/Netty relay.
    assertEquals(0.5, table.geometricMeanRatio(Target.NETTY_RELAY).orElseThrow(), 1e-12);
  }

  @Test
  void theSubjectMustBeATarget() {
    assertThrows(IllegalArgumentException.class, () -> new ComparisonTable(List.of("run"), "tps",
        List.of(Target.DIRECT), Target.MESHGATE, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new ComparisonTable(List.of("run"), "tps",
        List.of(Target.DIRECT, Target.MESHGATE), Target.MESHGATE,
        List.of(new ComparisonTable.Row(List.of("a", "b"), Map.of()))));
  }

  static Measurement completed(Target target, QueryMode mode, int clients, double tps) {
    LatencySummary latency = new LatencySummary(10, 1.0, 0.9, 2.0, 3.0);
    return Measurement.completed(Scenario.SELECT_ONLY, target, mode, clients,
        new RunStatistics(tps, (long) tps * 3, 0, latency, Optional.empty(), OptionalDouble.empty(),
        OptionalDouble.empty()));
  }
}
