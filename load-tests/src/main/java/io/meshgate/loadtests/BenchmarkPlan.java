package io.meshgate.loadtests;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.pgbench.QueryMode;
import io.meshgate.loadtests.scenario.Scenario;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a benchmark run measures and for how long. Every count and duration is bounded, so no
 * plan can load the machine for longer than its runs add up to.
 *
 * @param name "quick" or "full", shown in the report
 * @param scale pgbench's scale factor (100,000 accounts per unit)
 * @param warmup the unreported run against each target before a scenario
 * @param stormClients concurrent clients of the connection storm
 * @param idleConnections connections held open in the idle scenario
 * @param decisionThreads caller thread counts of the policy decision benchmark
 * @param decisionDuration how long each engine is timed at each thread count
 * @param only the one scenario to run ({@code --only}), or empty for all of them
 * @param relayAtEveryRun whether the Netty relay runs at every select-only mode and client count,
 *     or only at the goal's point ({@link #GOAL_MODE}, {@link #GOAL_CLIENTS}) to keep a quick plan
 *     quick
 */
public record BenchmarkPlan(
    String name,
    int scale,
    Duration warmup,
    List<QueryMode> selectOnlyModes,
    List<Integer> selectOnlyClients,
    Duration selectOnlyDuration,
    List<QueryMode> governedModes,
    List<Integer> governedClients,
    Duration governedDuration,
    int stormClients,
    Duration stormDuration,
    int idleConnections,
    List<Integer> decisionThreads,
    Duration decisionDuration,
    Optional<Scenario> only,
    boolean relayAtEveryRun) {
  /** Issue 7's goal is Meshgate at or above PgBouncer's throughput here. */
  public static final QueryMode GOAL_MODE = QueryMode.PREPARED;
  public static final int GOAL_CLIENTS = 32;
  private static final int MAXIMUM_CLIENTS = 256;
  private static final int MAXIMUM_IDLE_CONNECTIONS = 2_000;

  public BenchmarkPlan {
    requireNonNull(name, "name is null");
    selectOnlyModes = List.copyOf(selectOnlyModes);
    selectOnlyClients = List.copyOf(selectOnlyClients);
    governedModes = List.copyOf(governedModes);
    governedClients = List.copyOf(governedClients);
    decisionThreads = List.copyOf(decisionThreads);
    requireNonNull(only, "only is null");
    for (int threads : decisionThreads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("decision benchmark threads are 1-64, not " + threads);
      }
    }
    for (Duration duration : List.of(warmup, selectOnlyDuration, governedDuration, stormDuration, decisionDuration)) {
      if (duration.toSeconds() < 1 || duration.toMinutes() > 10) {
        throw new IllegalArgumentException("every run lasts from 1 s to 10 min, not " + duration);
      }
    }
    for (int clients : concat(selectOnlyClients, governedClients, List.of(stormClients))) {
      if (clients < 1 || clients > MAXIMUM_CLIENTS) {
        throw new IllegalArgumentException("client counts are 1-" + MAXIMUM_CLIENTS + ", not " + clients);
      }
    }
    if (idleConnections < 1 || idleConnections > MAXIMUM_IDLE_CONNECTIONS) {
      throw new IllegalArgumentException("idle connections are 1-" + MAXIMUM_IDLE_CONNECTIONS + ", not "
          + idleConnections);
    }
    if (scale < 1 || scale > 100) {
      throw new IllegalArgumentException("the pgbench scale is 1-100 (a small database), not " + scale);
    }
  }

  /** About two minutes: two client counts, a few seconds per run; the Netty relay at the goal's point only. */
  public static BenchmarkPlan quick() {
    return new BenchmarkPlan("quick", 1, Duration.ofSeconds(2),
        List.of(QueryMode.SIMPLE, QueryMode.EXTENDED, QueryMode.PREPARED), List.of(1, 32), Duration.ofSeconds(3),
        List.of(QueryMode.SIMPLE, QueryMode.PREPARED), List.of(8), Duration.ofSeconds(3),
        4, Duration.ofSeconds(3), 1_000, List.of(1, 8), Duration.ofSeconds(2), Optional.empty(), false);
  }

  /** About ten minutes: 1, 8, 32 and 128 clients in every query mode, 8 to 10 s per run. */
  public static BenchmarkPlan full() {
    return new BenchmarkPlan("full", 10, Duration.ofSeconds(5),
        List.of(QueryMode.SIMPLE, QueryMode.EXTENDED, QueryMode.PREPARED), List.of(1, 8, 32, 128), Duration.ofSeconds(8),
        List.of(QueryMode.SIMPLE, QueryMode.PREPARED), List.of(1, 8, 32), Duration.ofSeconds(10),
        4, Duration.ofSeconds(10), 1_000, List.of(1, 8), Duration.ofSeconds(5), Optional.empty(), true);
  }

  /**
   * This plan reduced to one scenario, and to one query mode and client count when given; with a
   * mode or a client count given the plan is small, and the relay runs wherever the others do.
   */
  public BenchmarkPlan focusedOn(PlanFocus focus) {
    boolean selectOnly = focus.scenario() == Scenario.SELECT_ONLY;
    boolean governed = focus.scenario() == Scenario.GOVERNED_WORKLOAD;
    List<QueryMode> modes = focus.mode().map(List::of).orElse(selectOnly ? selectOnlyModes : governedModes);
    List<Integer> clients = focus.clients().isPresent() ? List.of(focus.clients().getAsInt())
        : selectOnly ? selectOnlyClients : governedClients;
    return new BenchmarkPlan(name + ", only " + focus.scenario().slug(), scale, warmup,
        selectOnly ? modes : selectOnlyModes, selectOnly ? clients : selectOnlyClients, selectOnlyDuration,
        governed ? modes : governedModes, governed ? clients : governedClients, governedDuration,
        focus.scenario() == Scenario.CONNECTION_STORM ? focus.clients().orElse(stormClients) : stormClients,
        stormDuration, idleConnections, decisionThreads, decisionDuration, Optional.of(focus.scenario()),
        relayAtEveryRun || focus.mode().isPresent() || focus.clients().isPresent());
  }

  /** This plan with another warm-up (validated like any run length). */
  public BenchmarkPlan withWarmup(Duration newWarmup) {
    return new BenchmarkPlan(name, scale, newWarmup, selectOnlyModes, selectOnlyClients, selectOnlyDuration,
        governedModes, governedClients, governedDuration, stormClients, stormDuration, idleConnections,
        decisionThreads, decisionDuration, only, relayAtEveryRun);
  }

  /** Whether the plan runs {@code scenario} (and, for the select-only database, the storm and idle scenarios). */
  public boolean runs(Scenario scenario) {
    return only.map(scenario::equals).orElse(true);
  }

  /** Whether the select-only scenario runs {@code target} at {@code mode} and {@code clients}. */
  public boolean selectOnlyRuns(Target target, QueryMode mode, int clients) {
    return target != Target.NETTY_RELAY || relayAtEveryRun || (mode == GOAL_MODE && clients == GOAL_CLIENTS);
  }

  /** Whether the select-only scenario runs the Netty relay at all (to start it only then). */
  public boolean runsNettyRelay() {
    return runs(Scenario.SELECT_ONLY) && selectOnlyModes.stream().anyMatch(mode -> selectOnlyClients.stream()
        .anyMatch(clients -> selectOnlyRuns(Target.NETTY_RELAY, mode, clients)));
  }

  /** Whether the plan runs everything: the storm, idle connections and the decision benchmark too. */
  public boolean complete() {
    return only.isEmpty();
  }

  /** The most clients any pgbench run of the plan opens at once. */
  public int maximumClients() {
    return Collections.max(concat(selectOnlyClients, governedClients, List.of(stormClients)));
  }

  private static List<Integer> concat(List<Integer> first, List<Integer> second, List<Integer> third) {
    return Stream.of(first, second, third).flatMap(List::stream).toList();
  }
}
