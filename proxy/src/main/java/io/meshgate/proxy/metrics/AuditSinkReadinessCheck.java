package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.AuditSink;

/**
 * The audit sink can write. Once a write failed the sink stays unhealthy and every statement is
 * refused (invariant 5), so the instance must leave the load balancer until it is restarted.
 */
public final class AuditSinkReadinessCheck implements ReadinessCheck {
  static final String COMPONENT = "audit";

  private final AuditSink sink;

  public AuditSinkReadinessCheck(AuditSink sink) {
    this.sink = requireNonNull(sink, "sink is null");
  }

  @Override
  public ComponentReadiness check() {
    return sink.isHealthy()
        ? ComponentReadiness.ready(COMPONENT, "the audit sink writes (" + sink.queueDepth() + " events queued)")
        : ComponentReadiness.notReady(COMPONENT,
            "writing the audit log failed, so statements are refused; see the log, fix the storage and restart Meshgate");
  }
}
