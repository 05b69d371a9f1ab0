package io.meshgate.loadtests.decision;

import java.util.Arrays;

/**
 * One caller's latencies in nanoseconds, kept in a growing array (no boxing, so recording does
 * not disturb what it measures), and the percentiles of several callers together.
 */
final class LatencyRecorder {
  /**
   * 16 MB per caller; cache hits fill it in a second or two, after which the run keeps counting
   * decisions but the percentiles come from the first samples.
   */
  static final int MAXIMUM_SAMPLES = 2_000_000;

  private long[] samples = new long[1 << 16];
  private int size;
  private long count;
  private long failures;

  void record(long nanos) {
    count++;
    if (size == samples.length) {
      if (size >= MAXIMUM_SAMPLES) {
        return;
      }
      samples = Arrays.copyOf(samples, Math.min(size * 2, MAXIMUM_SAMPLES));
    }
    samples[size++] = nanos;
  }

  void failed() {
    failures++;
  }

  /** Every decision recorded, sampled or not. */
  long count() {
    return count;
  }

  long failures() {
    return failures;
  }

  /** All callers' samples, sorted. */
  static long[] merged(Iterable<LatencyRecorder> recorders) {
    int total = 0;
    for (LatencyRecorder recorder : recorders) {
      total += recorder.size;
    }
    long[] all = new long[total];
    int offset = 0;
    for (LatencyRecorder recorder : recorders) {
      System.arraycopy(recorder.samples, 0, all, offset, recorder.size);
      offset += recorder.size;
    }
    Arrays.sort(all);
    return all;
  }

  /** The nearest-rank percentile of sorted samples; 0 when there are none. */
  static long percentile(long[] sorted, double percent) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
