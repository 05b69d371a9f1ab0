package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.pgbench.QueryMode;
import java.util.Optional;

/**
 * One cell of a scenario: a target at a client count and query mode, with either its figures or
 * the reason the run failed (a failed run is reported, not hidden and not retried).
 */
public record Measurement(
    Scenario scenario,
    Target target,
    QueryMode mode,
    int clients,
    Optional<RunStatistics> statistics,
    Optional<String> failure) {
  public Measurement {
    requireNonNull(scenario, "scenario is null");
    requireNonNull(target, "target is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(statistics, "statistics is null");
    requireNonNull(failure, "failure is null");
    if (statistics.isPresent() == failure.isPresent()) {
      throw new IllegalArgumentException("a measurement has either statistics or a failure");
    }
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be positive, not " + clients);
    }
  }

  public static Measurement completed(Scenario scenario, Target target, QueryMode mode, int clients,
      RunStatistics statistics) {
    return new Measurement(scenario, target, mode, clients, Optional.of(statistics), Optional.empty());
  }

  public static Measurement failed(Scenario scenario, Target target, QueryMode mode, int clients, String reason) {
    return new Measurement(scenario, target, mode, clients, Optional.empty(), Optional.of(reason));
  }
}
