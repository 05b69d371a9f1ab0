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
 * Connect, authenticate (SCRAM-SHA-256 everywhere), run one select-only lookup, disconnect, as
 * fast as possible: pgbench {@code --connect} with one thread per client, because pgbench opens
 * connections synchronously and a thread shared by several clients would serialise them.
 */
public final class ConnectionStormScenario {
  private final PgbenchRunner runner;
  private final Map<Target, Endpoint> targets;

  public ConnectionStormScenario(PgbenchRunner runner, Map<Target, Endpoint> targets) {
    this.runner = requireNonNull(runner, "runner is null");
    this.targets = new LinkedHashMap<>(requireNonNull(targets, "targets is null"));
  }

  public List<Measurement> run(int clients, Duration duration, Duration warmup) {
    PgbenchScript script = new PgbenchScript.SelectOnly();
    // Connecting takes paths (authentication, backend login) the other scenarios barely warm.
    targets.forEach((target, endpoint) ->
        runner.warmUp(Scenario.CONNECTION_STORM.slug(), target, endpoint, script, warmup, true));
    List<Measurement> measurements = new ArrayList<>();
    targets.forEach((target, endpoint) -> measurements.add(runner.measure(Scenario.CONNECTION_STORM, target, endpoint,
        script, QueryMode.SIMPLE, clients, duration, true)));
    return List.copyOf(measurements);
  }
}
