package io.meshgate.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.audit.AuditSinkOptions;
import io.meshgate.audit.JsonLinesAuditSink;
import io.meshgate.policy.cache.CacheStatistics;
import io.meshgate.policy.reload.PolicyReloadStatus;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboard uses only metrics the proxy registers, and covers what operators need. */
class DashboardTest {
  @TempDir Path directory;

  @Test
  void everyMetricTheDashboardUsesIsRegistered() throws IOException {
    Set<String> registered = registeredSampleNames();
    List<String> expressions = DashboardMetrics.expressions(DashboardMetrics.dashboard());
    assertTrue(expressions.size() >= 10, "the dashboard should have its panels: " + expressions);
    for (String expression : expressions) {
      Set<String> used = DashboardMetrics.metricNames(expression);
      assertFalse(used.isEmpty(), "no metric found in " + expression);
      for (String name : used) {
        assertTrue(registered.contains(name), name + " (in " + expression + ") is not registered; registered: " + registered);
      }
    }
  }

  @Test
  void theDashboardShowsWhatOperatorsNeed() throws IOException {
    Set<String> used = DashboardMetrics.metricNames(DashboardMetrics.dashboard());
    for (String needed : List.of(
        "meshgate_statements_total",
        "meshgate_statement_stage_seconds_bucket",
        "meshgate_active_sessions",
        "meshgate_authentication_failures_total",
        "meshgate_policy_engine_errors_total",
        "meshgate_decision_cache_hits_total",
        "meshgate_decision_cache_misses_total",
        "meshgate_audit_queue_depth",
        "meshgate_audit_event_write_seconds_bucket",
        "meshgate_audit_batch_write_seconds_bucket",
        "meshgate_audit_events_failed_total",
        "meshgate_audit_failures_total",
        "meshgate_relation_queries_total",
        "meshgate_policy_revision_info")) {
      assertTrue(used.contains(needed), "the dashboard should show " + needed + "; it uses " + used);
    }
  }

  @Test
  void theLexerFindsMetricNamesOnly() {
    assertEquals(Set.of("meshgate_statement_stage_seconds_bucket"), DashboardMetrics.metricNames(
        "histogram_quantile(0.99, sum by (le, stage) (rate(meshgate_statement_stage_seconds_bucket"
            + "{instance=~\"$instance\", stage!=\"meshgate_fake\"}[$__rate_interval])))"));
    assertEquals(Set.of("a_total", "b_total"), DashboardMetrics.metricNames(
        "sum(rate(a_total[5m])) / on (instance) group_left (x) (b_total offset 1h) > bool 1e-9"));
    // A name that is not registered is found, so the test above can fail.
    assertEquals(Set.of("up"), DashboardMetrics.metricNames("count(up == 0) or vector(0)"));
  }

  /**
   * Every sample name a fully wired proxy exposes: the session metrics of {@link ProxyMetrics}
   * plus the collectors read at scrape time ({@code getNames()} includes the {@code _total},
   * {@code _created}, {@code _bucket}, {@code _count} and {@code _sum} samples).
   */
  private Set<String> registeredSampleNames() {
    ProxyMetrics metrics = new ProxyMetrics(new CollectorRegistry(true));
    metrics.registerDecisionCache(() -> new CacheStatistics(3, 1, 0, 1));
    metrics.registerPolicyReload(() -> new PolicyReloadStatus("revision-1", Optional.of("revision-1"),
        Optional.empty(), Optional.empty(), 0, 0));
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(directory.resolve("audit.jsonl"),
        AuditSinkOptions.defaults().withFsync(AuditSinkOptions.Fsync.NEVER))) {
      metrics.registerAuditSink(sink);
      Set<String> names = new TreeSet<>();
      for (Collector.MetricFamilySamples family : Collections.list(metrics.registry().metricFamilySamples())) {
        names.add(family.name);
        names.addAll(List.of(family.getNames()));
      }
      return names;
    }
  }
}
