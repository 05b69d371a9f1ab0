package io.meshgate.loadtests.pgbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyDistributionTest {
  @Test
  void nearestRankOnOneToAHundred() {
    // Shuffled, to show the order of the samples does not matter.
    long[] values = LongStream.rangeClosed(1, 100).toArray();
    shuffle(values);
    LatencyDistribution distribution = LatencyDistribution.of(values);
    assertEquals(100, distribution.count());
    assertEquals(50, distribution.percentileMicros(50));
    assertEquals(99, distribution.percentileMicros(99));
    assertEquals(100, distribution.percentileMicros(100));
    assertEquals(1, distribution.percentileMicros(0.5));
    assertEquals(1, distribution.percentileMicros(1));
    assertEquals(2, distribution.percentileMicros(1.5));
    assertEquals(50.5, distribution.meanMicros(), 1e-9);
    assertEquals(100, distribution.maximumMicros());
  }

  @Test
  void p99OfATailIsTheTail() {
    // 990 fast transactions and 10 slow ones: p99 is the last fast one, p99.1 the first slow one.
    long[] values = new long[1000];
    for (int index = 0; index < values.length; index++) {
      values[index] = index < 990 ? 100 : 50_000;
    }
    LatencyDistribution distribution = LatencyDistribution.of(values);
    assertEquals(100, distribution.percentileMicros(50));
    assertEquals(100, distribution.percentileMicros(99));
    assertEquals(50_000, distribution.percentileMicros(99.1));
  }

  @Test
  void fewSamples() {
    assertEquals(7, LatencyDistribution.of(7).percentileMicros(50));
    assertEquals(7, LatencyDistribution.of(7).percentileMicros(99));
    LatencyDistribution two = LatencyDistribution.of(9, 3);
    assertEquals(3, two.percentileMicros(50));
    assertEquals(9, two.percentileMicros(51));
    assertEquals(9, two.percentileMicros(99));
  }

  @Test
  void summaryIsInMilliseconds() {
    LatencySummary summary = LatencyDistribution.of(1_000, 2_000, 3_000, 4_000).summary();
    assertEquals(4, summary.count());
    assertEquals(2.5, summary.meanMillis(), 1e-9);
    assertEquals(2.0, summary.p50Millis(), 1e-9);
    assertEquals(4.0, summary.p99Millis(), 1e-9);
    assertEquals(4.0, summary.maximumMillis(), 1e-9);
  }

  @Test
  void theCallersArrayIsNotSortedInPlace() {
    long[] values = {3, 1, 2};
    LatencyDistribution.of(values);
    assertEquals(3, values[0]);
  }

  @Test
  void rejectsWhatHasNoPercentile() {
    LatencyDistribution empty = LatencyDistribution.of();
    assertThrows(IllegalStateException.class, () -> empty.percentileMicros(50));
    assertThrows(IllegalStateException.class, empty::summary);
    assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.of(1).percentileMicros(0));
    assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.of(1).percentileMicros(100.5));
    assertThrows(IllegalArgumentException.class, () -> LatencyDistribution.of(1, -1));
  }

  private static void shuffle(long[] values) {
    Random random = new Random(42);
    for (int index = values.length - 1; index > 0; index--) {
      int other = random.nextInt(index + 1);
      long swap = values[index];
      values[index] = values[other];
      values[other] = swap;
    }
  }
}
