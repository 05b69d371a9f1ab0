package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Everything {@code /health/ready} checks: Meshgate serves statements only when all are ready. */
public final class Readiness {
  private final List<ReadinessCheck> checks;

  public Readiness(List<ReadinessCheck> checks) {
    this.checks = List.copyOf(requireNonNull(checks, "checks is null"));
  }

  /** Runs every check, in order. */
  public ReadinessReport report() {
    return new ReadinessReport(checks.stream().map(ReadinessCheck::check).toList());
  }
}
