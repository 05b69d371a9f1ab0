package io.meshgate.loadtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.loadtests.pgbench.QueryMode;
import io.meshgate.loadtests.scenario.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchmarkCommandTest {
  @Test
  void parsesTheOptions() {
    BenchmarkCommand.Arguments arguments =
        BenchmarkCommand.parse(List.of("--quick", "--output", "/tmp/report", "--keep-transaction-logs", "--profile"))
            .orElseThrow();
    assertTrue(arguments.quick());
    assertEquals(Optional.of(Path.of("/tmp/report")), arguments.output());
    assertTrue(arguments.keepTransactionLogs());
    assertTrue(arguments.profile());
    BenchmarkCommand.Arguments defaults = BenchmarkCommand.parse(List.of()).orElseThrow();
    assertFalse(defaults.quick());
    assertEquals(Optional.empty(), defaults.output());
    assertFalse(defaults.profile());
    assertTrue(BenchmarkCommand.parse(List.of("--help")).isEmpty());
  }

  @Test
  void onlyNarrowsThePlanToOneScenarioModeAndClientCount() {
    PlanFocus focus = BenchmarkCommand.parse(List.of("--quick", "--only", "select-only:prepared:32"))
        .orElseThrow().only().orElseThrow();
    BenchmarkPlan plan = BenchmarkPlan.quick().focusedOn(focus);
    assertEquals(List.of(QueryMode.PREPARED), plan.selectOnlyModes());
    assertEquals(List.of(32), plan.selectOnlyClients());
    assertTrue(plan.runs(Scenario.SELECT_ONLY));
    assertFalse(plan.runs(Scenario.GOVERNED_WORKLOAD));
    assertFalse(plan.complete());
    BenchmarkPlan governed = BenchmarkPlan.full().focusedOn(PlanFocus.parse("governed-workload:simple"));
    assertEquals(List.of(QueryMode.SIMPLE), governed.governedModes());
    assertEquals(BenchmarkPlan.full().governedClients(), governed.governedClients());
    assertTrue(governed.runs(Scenario.GOVERNED_WORKLOAD));
    assertFalse(governed.runs(Scenario.SELECT_ONLY));
    assertTrue(BenchmarkPlan.full().complete());
    BenchmarkPlan storm = BenchmarkPlan.quick().focusedOn(PlanFocus.parse("connection-storm::8"));
    assertEquals(8, storm.stormClients());
    assertTrue(storm.runs(Scenario.CONNECTION_STORM));
    assertFalse(storm.runs(Scenario.SELECT_ONLY));
    assertEquals(BenchmarkPlan.quick().stormClients(),
        BenchmarkPlan.quick().focusedOn(PlanFocus.parse("connection-storm")).stormClients());
    assertThrows(IllegalArgumentException.class, () -> PlanFocus.parse("connection-storm:prepared"));
    assertThrows(IllegalArgumentException.class, () -> PlanFocus.parse("idle-connections"));
    assertEquals(java.time.Duration.ofSeconds(15), BenchmarkCommand.parse(List.of("--warmup", "15")).orElseThrow()
        .warmup().orElseThrow());
    assertEquals(java.time.Duration.ofSeconds(15),
        BenchmarkPlan.quick().withWarmup(java.time.Duration.ofSeconds(15)).warmup());
    assertThrows(IllegalArgumentException.class, () -> BenchmarkCommand.parse(List.of("--warmup", "soon")));
    assertThrows(IllegalArgumentException.class,
        () -> BenchmarkPlan.quick().withWarmup(java.time.Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> PlanFocus.parse("select-only:fast"));
    assertThrows(IllegalArgumentException.class, () -> PlanFocus.parse("select-only:prepared:many"));
    PlanFocus tooMany = PlanFocus.parse("select-only:prepared:999");
    assertThrows(IllegalArgumentException.class, () -> BenchmarkPlan.quick().focusedOn(tooMany));
  }

  @Test
  void theNettyRelayRunsEverywhereInTheFullPlanAndAtTheGoalsPointInTheQuickOne() {
    BenchmarkPlan full = BenchmarkPlan.full();
    for (QueryMode mode : full.selectOnlyModes()) {
      for (int clients : full.selectOnlyClients()) {
        assertTrue(full.selectOnlyRuns(Target.NETTY_RELAY, mode, clients), mode + " " + clients);
      }
    }
    BenchmarkPlan quick = BenchmarkPlan.quick();
    assertTrue(quick.runsNettyRelay());
    assertTrue(quick.selectOnlyRuns(Target.NETTY_RELAY, QueryMode.PREPARED, 32));
    assertFalse(quick.selectOnlyRuns(Target.NETTY_RELAY, QueryMode.PREPARED, 1));
    assertFalse(quick.selectOnlyRuns(Target.NETTY_RELAY, QueryMode.SIMPLE, 32));
    // The other targets run at every point of either plan.
    assertTrue(quick.selectOnlyRuns(Target.MESHGATE, QueryMode.SIMPLE, 1));
    assertTrue(quick.selectOnlyRuns(Target.PGBOUNCER, QueryMode.EXTENDED, 1));
    // Focused on one point, the plan is small: the relay runs there, wherever it is.
    BenchmarkPlan point = quick.focusedOn(PlanFocus.parse("select-only:simple:1"));
    assertTrue(point.runsNettyRelay());
    assertTrue(point.selectOnlyRuns(Target.NETTY_RELAY, QueryMode.SIMPLE, 1));
    // Only select-only has the relay: a plan without it does not start one.
    assertFalse(quick.focusedOn(PlanFocus.parse("connection-storm")).runsNettyRelay());
    assertFalse(full.focusedOn(PlanFocus.parse("governed-workload:prepared:32")).runsNettyRelay());
  }

  @Test
  void wrongUsageExitsWithTwoAndPrintsTheUsage() {
    assertThrows(IllegalArgumentException.class, () -> BenchmarkCommand.parse(List.of("--output")));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BenchmarkCommand.run(List.of("--fast"), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument --fast"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: load-tests/bin/run"));
  }

  @Test
  void thePlansAreBounded() {
    BenchmarkPlan quick = BenchmarkPlan.quick();
    BenchmarkPlan full = BenchmarkPlan.full();
    assertEquals(List.of(1, 8, 32, 128), full.selectOnlyClients());
    assertEquals(128, full.maximumClients());
    assertEquals(1_000, quick.idleConnections());
    // The quick plan's timed runs (plus warm-ups) stay around a minute and a half.
    long seconds = quick.selectOnlyModes().size() * quick.selectOnlyClients().size() * 3
        * quick.selectOnlyDuration().toSeconds()
        + quick.governedModes().size() * quick.governedClients().size() * 2 * quick.governedDuration().toSeconds()
        + 3 * quick.stormDuration().toSeconds() + 5 * quick.warmup().toSeconds();
    assertTrue(seconds <= 100, seconds + " s");
    // The full plan's timed runs leave room for set-up and the idle scenario within about ten minutes.
    long fullSeconds = full.selectOnlyModes().size() * full.selectOnlyClients().size() * 3
        * full.selectOnlyDuration().toSeconds()
        + full.governedModes().size() * full.governedClients().size() * 2 * full.governedDuration().toSeconds()
        + 3 * full.stormDuration().toSeconds() + 5 * full.warmup().toSeconds();
    assertTrue(fullSeconds <= 480, fullSeconds + " s");
  }
}
