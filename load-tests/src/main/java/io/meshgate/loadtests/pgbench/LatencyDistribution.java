package io.meshgate.loadtests.pgbench;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Latencies in microseconds, sorted once, with exact percentiles by the nearest-rank method:
 * the p-th percentile is the smallest value that at least p % of the samples do not exceed. No
 * interpolation and no histogram buckets, so p99 of a run is a latency that a client really saw.
 */
public final class LatencyDistribution {
  private final long[] sortedMicros;

  private LatencyDistribution(long[] sortedMicros) {
    this.sortedMicros = sortedMicros;
  }

  /** A distribution of {@code micros} (copied; the order does not matter). */
  public static LatencyDistribution of(long... micros) {
    requireNonNull(micros, "micros is null");
    long[] sorted = micros.clone();
    for (long value : sorted) {
      if (value < 0) {
        throw new IllegalArgumentException("a latency cannot be negative: " + value);
      }
    }
    Arrays.sort(sorted);
    return new LatencyDistribution(sorted);
  }

  public int count() {
    return sortedMicros.length;
  }

  public boolean isEmpty() {
    return sortedMicros.length == 0;
  }

  /**
   * The nearest-rank percentile in microseconds.
   *
   * @param percent in (0, 100]
   * @throws IllegalStateException when there are no samples
   */
  public long percentileMicros(double percent) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("a percentile is in (0, 100], not " + percent);
    }
    requireSamples();
    // The tolerance keeps 99 % of 100 samples at rank 99: in floating point it is 99.00000000000001.
    int rank = (int) Math.ceil(percent / 100.0 * sortedMicros.length - 1e-9);
    return sortedMicros[Math.max(rank, 1) - 1];
  }

  public double meanMicros() {
    requireSamples();
    double sum = 0;
    for (long value : sortedMicros) {
      sum += value;
    }
    return sum / sortedMicros.length;
  }

  public long maximumMicros() {
    requireSamples();
    return sortedMicros[sortedMicros.length - 1];
  }

  /** Count, mean, p50, p99 and maximum in milliseconds. */
  public LatencySummary summary() {
    return new LatencySummary(count(), meanMicros() / 1000.0, percentileMicros(50) / 1000.0,
        percentileMicros(99) / 1000.0, maximumMicros() / 1000.0);
  }

  private void requireSamples() {
    if (sortedMicros.length == 0) {
      throw new IllegalStateException("no latencies were recorded");
    }
  }
}
