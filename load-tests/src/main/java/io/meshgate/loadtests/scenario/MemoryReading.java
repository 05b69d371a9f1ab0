package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

/**
 * One probe's figures in an idle-connections measurement.
 *
 * @param measured what was measured, e.g. "Meshgate JVM (RSS)"
 * @param baselineKilobytes before the connections were opened
 * @param loadedKilobytes with all of them open and idle
 */
public record MemoryReading(String measured, long baselineKilobytes, long loadedKilobytes) {
  public MemoryReading {
    requireNonNull(measured, "measured is null");
    if (baselineKilobytes < 0 || loadedKilobytes < 0) {
      throw new IllegalArgumentException("memory cannot be negative");
    }
  }

  /** The growth per connection in kilobytes (negative if the memory shrank); NaN for no connections. */
  public double kilobytesPer(int connections) {
    return connections <= 0 ? Double.NaN : (double) (loadedKilobytes - baselineKilobytes) / connections;
  }
}
