package io.meshgate.proxy.metrics;

/** Checks one part Meshgate needs to serve statements, for {@code /health/ready}. */
@FunctionalInterface
public interface ReadinessCheck {
  /**
   * Checks now. A part that is down is an answer, not an exception; the check returns within
   * about a second, because load balancers time readiness probes out.
   */
  ComponentReadiness check();
}
