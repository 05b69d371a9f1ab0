package io.meshgate.loadtests.report;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.decision.DecisionLatency;
import io.meshgate.loadtests.scenario.EquivalenceCheck;
import io.meshgate.loadtests.scenario.IdleMeasurement;
import io.meshgate.loadtests.scenario.Measurement;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a report shows.
 *
 * @param plan the plan's name ("quick" or "full")
 * @param settings how the systems and clients were set up, in the order to show (name to text)
 * @param workloadScript the governed workload's pgbench script template
 * @param loadAverageAtEnd /proc/loadavg when the runs had finished (the machine's at the start is in {@code machine})
 * @param notes anything the reader must know that is not a number (setup warnings)
 * @param decisionLatencies the policy decision benchmark, per engine and thread count
 */
public record BenchmarkResults(
    String plan,
    Instant started,
    Instant finished,
    MachineDescription machine,
    String loadAverageAtEnd,
    SoftwareVersions versions,
    Map<String, String> settings,
    List<Measurement> measurements,
    List<IdleMeasurement> idle,
    Optional<EquivalenceCheck> equivalence,
    String workloadScript,
    List<String> notes,
    List<DecisionLatency> decisionLatencies) {
  public BenchmarkResults {
    requireNonNull(plan, "plan is null");
    requireNonNull(started, "started is null");
    requireNonNull(finished, "finished is null");
    requireNonNull(machine, "machine is null");
    requireNonNull(loadAverageAtEnd, "loadAverageAtEnd is null");
    requireNonNull(versions, "versions is null");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(settings, "settings is null")));
    measurements = List.copyOf(requireNonNull(measurements, "measurements is null"));
    idle = List.copyOf(requireNonNull(idle, "idle is null"));
    requireNonNull(equivalence, "equivalence is null");
    requireNonNull(workloadScript, "workloadScript is null");
    notes = List.copyOf(requireNonNull(notes, "notes is null"));
    decisionLatencies = List.copyOf(requireNonNull(decisionLatencies, "decisionLatencies is null"));
  }
}
