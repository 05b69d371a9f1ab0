package io.meshgate.loadtests.decision;

import static java.util.Objects.requireNonNull;

/**
 * The decisions one engine gave with {@code threads} callers for {@code elapsedNanos}: every
 * call timed, exact nearest-rank percentiles in nanoseconds.
 *
 * @param engine a short label, e.g. "cached (hits)"
 * @param decisions calls that returned a decision (allowed or denied)
 * @param failures calls that threw (engine unavailable, malformed decision)
 */
public record DecisionLatency(
    String engine,
    int threads,
    long decisions,
    long failures,
    long elapsedNanos,
    long p50Nanos,
    long p99Nanos,
    long maximumNanos) {
  public DecisionLatency {
    requireNonNull(engine, "engine is null");
    if (threads < 1 || decisions < 0 || failures < 0 || elapsedNanos <= 0) {
      throw new IllegalArgumentException("threads, counts and time must be positive");
    }
  }

  public double decisionsPerSecond() {
    return decisions * 1e9 / elapsedNanos;
  }
}
