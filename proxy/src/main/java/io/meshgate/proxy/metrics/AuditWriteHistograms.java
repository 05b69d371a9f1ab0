package io.meshgate.proxy.metrics;

import io.meshgate.audit.AuditWriteObserver;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Histogram;

/**
 * The audit sink's write latency as distributions, fed by the sink's writer thread: per event,
 * from append to written (what a statement's ReadyForQuery waits for, queue included), and per
 * batch, the write and fsync alone. Their counts also give the group-commit batch size (events
 * per batch).
 */
final class AuditWriteHistograms implements AuditWriteObserver {
  static final String EVENT_WRITE_SECONDS = "meshgate_audit_event_write_seconds";
  static final String BATCH_WRITE_SECONDS = "meshgate_audit_batch_write_seconds";

  private final Histogram eventWriteSeconds;
  private final Histogram batchWriteSeconds;

  AuditWriteHistograms(CollectorRegistry registry, double[] buckets) {
    eventWriteSeconds = Histogram.build(EVENT_WRITE_SECONDS,
            "Time from handing an audit event to the sink until it is written (and forced, with audit.fsync=always):"
                + " the wait in the queue plus its batch's write.")
        .buckets(buckets)
        .register(registry);
    batchWriteSeconds = Histogram.build(BATCH_WRITE_SECONDS,
            "Time to write (and force, with audit.fsync=always) one batch of audit events (group commit).")
        .buckets(buckets)
        .register(registry);
  }

  @Override
  public void batchWritten(int events, long writeNanos) {
    batchWriteSeconds.observe(writeNanos / 1e9);
  }

  @Override
  public void eventWritten(long sinceAppendNanos) {
    eventWriteSeconds.observe(sinceAppendNanos / 1e9);
  }
}
