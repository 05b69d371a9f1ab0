package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.pgbench.PgbenchScript;
import io.meshgate.loadtests.pgbench.QueryMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pgbench's built-in select-only script on its own tables, against each target in turn at every
 * client count and query mode. The targets take turns run by run (not one after the other for
 * the whole scenario), so a slow drift of the machine, such as another build starting, spreads
 * over all of them instead of landing on one.
 */
public final class SelectOnlyScenario {
  /** Which target runs at which query mode and client count (a quick plan runs the Netty relay at one point only). */
  @FunctionalInterface
  public interface Selection {
    boolean includes(Target target, QueryMode mode, int clients);
  }

  private final PgbenchRunner runner;
  private final Map<Target, Endpoint> targets;
  private final Selection selection;

  /** @param targets every target the selection includes somewhere; each is warmed up once */
  public SelectOnlyScenario(PgbenchRunner runner, Map<Target, Endpoint> targets, Selection selection) {
    this.runner = requireNonNull(runner, "runner is null");
    this.targets = new LinkedHashMap<>(requireNonNull(targets, "targets is null"));
    this.selection = requireNonNull(selection, "selection is null");
  }

  public List<Measurement> run(List<QueryMode> modes, List<Integer> clientCounts, Duration duration, Duration warmup) {
    PgbenchScript script = new PgbenchScript.SelectOnly();
    targets.forEach((target, endpoint) ->
        runner.warmUp(Scenario.SELECT_ONLY.slug(), target, endpoint, script, warmup, false));
    List<Measurement> measurements = new ArrayList<>();
    for (QueryMode mode : modes) {
      for (int clients : clientCounts) {
        targets.forEach((target, endpoint) -> {
          if (selection.includes(target, mode, clients)) {
            measurements.add(
                runner.measure(Scenario.SELECT_ONLY, target, endpoint, script, mode, clients, duration, false));
          }
        });
      }
    }
    return List.copyOf(measurements);
  }
}
