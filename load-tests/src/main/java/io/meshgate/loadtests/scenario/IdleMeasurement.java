package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Target;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Memory of one system before and while it holds many idle client connections.
 *
 * @param opened connections that logged in and ran their statement
 * @param readings one per probe, in the probes' order
 * @param openTime how long opening all of them took
 * @param failure the first error if some could not be opened
 */
public record IdleMeasurement(
    Target target,
    int requested,
    int opened,
    List<MemoryReading> readings,
    Duration openTime,
    Optional<String> failure) {
  public IdleMeasurement {
    requireNonNull(target, "target is null");
    readings = List.copyOf(requireNonNull(readings, "readings is null"));
    requireNonNull(openTime, "openTime is null");
    requireNonNull(failure, "failure is null");
    if (opened < 0 || opened > requested) {
      throw new IllegalArgumentException("opened must be 0-" + requested + ", not " + opened);
    }
    if (readings.isEmpty()) {
      throw new IllegalArgumentException("an idle measurement has at least one reading");
    }
  }

  /** The first reading's growth per open connection in kilobytes. */
  public double kilobytesPerConnection() {
    return readings.get(0).kilobytesPer(opened);
  }
}
