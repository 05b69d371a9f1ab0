package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Reuses a check's answer for a short time, so that probes from several load balancers, or
 * anyone who can reach the metrics port, cost at most one real check per interval.
 */
public final class CachedReadinessCheck implements ReadinessCheck {
  private final ReadinessCheck delegate;
  private final long timeToLiveNanos;
  private final LongSupplier nanoTime;

  private ComponentReadiness cached;
  private long checkedAtNanos;

  public CachedReadinessCheck(ReadinessCheck delegate, Duration timeToLive) {
    this(delegate, timeToLive, System::nanoTime);
  }

  CachedReadinessCheck(ReadinessCheck delegate, Duration timeToLive, LongSupplier nanoTime) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    requireNonNull(timeToLive, "timeToLive is null");
    if (timeToLive.isNegative()) {
      throw new IllegalArgumentException("timeToLive must not be negative");
    }
    this.timeToLiveNanos = timeToLive.toNanos();
    this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
  }

  /** Concurrent probes wait for one check instead of each starting their own. */
  @Override
  public synchronized ComponentReadiness check() {
    long now = nanoTime.getAsLong();
    if (cached == null || now - checkedAtNanos >= timeToLiveNanos) {
      cached = delegate.check();
      // From the end of the check: a slow check is not repeated by the very next probe.
      checkedAtNanos = nanoTime.getAsLong();
    }
    return cached;
  }
}
