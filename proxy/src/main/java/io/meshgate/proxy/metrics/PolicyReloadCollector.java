package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.reload.PolicyReloadStatus;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.function.Supplier;

/**
 * Live policy reload of a managed OPA, read from {@code PolicyReloader.status()} when Prometheus
 * scrapes. The active revision is a label of an info gauge (always 1), the usual Prometheus way
 * to publish a string: a dashboard shows it, and a change of the label marks a reload.
 */
final class PolicyReloadCollector extends Collector implements Collector.Describable {
  static final String ACTIVATIONS = "meshgate_policy_reload_activations_total";
  static final String FAILURES = "meshgate_policy_reload_failures_total";
  static final String REVISION = "meshgate_policy_revision_info";
  static final String UP_TO_DATE = "meshgate_policy_reload_up_to_date";

  private static final String ACTIVATIONS_HELP = "Edits of the policies folder that OPA activated.";
  private static final String FAILURES_HELP =
      "Reload attempts that activated nothing: policies that failed their checks, or tooling and OPA failures.";
  private static final String REVISION_HELP = "The policy revision OPA serves, as the label 'revision'; always 1.";
  private static final String UP_TO_DATE_HELP =
      "1 when OPA serves what the policies folder holds; 0 while an edit waits or after one was refused.";
  private static final List<String> REVISION_LABELS = List.of("revision");

  private final Supplier<PolicyReloadStatus> status;

  PolicyReloadCollector(Supplier<PolicyReloadStatus> status) {
    this.status = requireNonNull(status, "status is null");
  }

  @Override
  public List<MetricFamilySamples> collect() {
    PolicyReloadStatus current = status.get();
    return List.of(
        new CounterMetricFamily(ACTIVATIONS, ACTIVATIONS_HELP, current.activations()),
        new CounterMetricFamily(FAILURES, FAILURES_HELP, current.failures()),
        new GaugeMetricFamily(REVISION, REVISION_HELP, REVISION_LABELS)
            .addMetric(List.of(current.activeRevision()), 1),
        new GaugeMetricFamily(UP_TO_DATE, UP_TO_DATE_HELP, current.upToDate() ? 1 : 0));
  }

  @Override
  public List<MetricFamilySamples> describe() {
    return List.of(
        new CounterMetricFamily(ACTIVATIONS, ACTIVATIONS_HELP, List.of()),
        new CounterMetricFamily(FAILURES, FAILURES_HELP, List.of()),
        new GaugeMetricFamily(REVISION, REVISION_HELP, REVISION_LABELS),
        new GaugeMetricFamily(UP_TO_DATE, UP_TO_DATE_HELP, List.of()));
  }
}
