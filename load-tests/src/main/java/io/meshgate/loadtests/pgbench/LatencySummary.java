package io.meshgate.loadtests.pgbench;

/** The figures of a {@link LatencyDistribution} that the report shows, in milliseconds. */
public record LatencySummary(long count, double meanMillis, double p50Millis, double p99Millis, double maximumMillis) {
  public LatencySummary {
    if (count < 1) {
      throw new IllegalArgumentException("a latency summary needs samples, count is " + count);
    }
    if (!(p50Millis >= 0 && p50Millis <= p99Millis && p99Millis <= maximumMillis && meanMillis >= 0)) {
      throw new IllegalArgumentException("inconsistent latencies: mean " + meanMillis + ", p50 " + p50Millis
          + ", p99 " + p99Millis + ", max " + maximumMillis);
    }
  }
}
