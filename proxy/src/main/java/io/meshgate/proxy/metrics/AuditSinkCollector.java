package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.AuditSink;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;

/**
 * The audit sink's own counters, read when Prometheus scrapes. They count what the sink did
 * (events written, futures failed for any reason); {@code meshgate_audit_failures_total} in
 * {@link ProxyMetrics} counts the statements whose event could not be written, as the sessions
 * saw it.
 */
final class AuditSinkCollector extends Collector implements Collector.Describable {
  static final String QUEUE_DEPTH = "meshgate_audit_queue_depth";
  static final String LAST_BATCH_WRITE_SECONDS = "meshgate_audit_last_batch_write_seconds";
  static final String WRITTEN = "meshgate_audit_events_written_total";
  static final String FAILED = "meshgate_audit_events_failed_total";
  static final String HEALTHY = "meshgate_audit_sink_healthy";

  private static final String QUEUE_DEPTH_HELP = "Audit events accepted but not yet written.";
  // The last batch only, sampled at scrape time; the distributions of every write are the
  // histograms of AuditWriteHistograms.
  private static final String LAST_BATCH_WRITE_SECONDS_HELP =
      "How long writing (and forcing, with audit.fsync=always) the last batch of audit events took.";
  private static final String WRITTEN_HELP = "Audit events written (and forced, if configured).";
  private static final String FAILED_HELP = "Audit events that failed for any reason: full queue, I/O error, closed sink.";
  private static final String HEALTHY_HELP = "1 while the audit sink can write; 0 after a write failed (statements are refused).";

  private final AuditSink sink;

  AuditSinkCollector(AuditSink sink) {
    this.sink = requireNonNull(sink, "sink is null");
  }

  @Override
  public List<MetricFamilySamples> collect() {
    return List.of(
        new GaugeMetricFamily(QUEUE_DEPTH, QUEUE_DEPTH_HELP, sink.queueDepth()),
        new GaugeMetricFamily(LAST_BATCH_WRITE_SECONDS, LAST_BATCH_WRITE_SECONDS_HELP,
            sink.lastBatchWriteLatency().toNanos() / 1e9),
        new CounterMetricFamily(WRITTEN, WRITTEN_HELP, sink.writtenEvents()),
        new CounterMetricFamily(FAILED, FAILED_HELP, sink.failedEvents()),
        new GaugeMetricFamily(HEALTHY, HEALTHY_HELP, sink.isHealthy() ? 1 : 0));
  }

  @Override
  public List<MetricFamilySamples> describe() {
    return List.of(
        new GaugeMetricFamily(QUEUE_DEPTH, QUEUE_DEPTH_HELP, List.of()),
        new GaugeMetricFamily(LAST_BATCH_WRITE_SECONDS, LAST_BATCH_WRITE_SECONDS_HELP, List.of()),
        new CounterMetricFamily(WRITTEN, WRITTEN_HELP, List.of()),
        new CounterMetricFamily(FAILED, FAILED_HELP, List.of()),
        new GaugeMetricFamily(HEALTHY, HEALTHY_HELP, List.of()));
  }
}
