package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;

/**
 * What to measure while connections sit idle, and how.
 *
 * @param description what the number is, e.g. "Meshgate JVM (RSS)"
 * @param kilobytes reads it now
 * @param disturbs reading it changes what the other probes would read (a full garbage
 *     collection shrinks the heap and so the resident set): it is read first, then the process
 *     settles, then the others are read, both before and with the connections open, so that
 *     every probe compares the process in the same state
 */
public record MemoryProbe(String description, LongSupplier kilobytes, boolean disturbs) {
  public MemoryProbe {
    requireNonNull(description, "description is null");
    requireNonNull(kilobytes, "kilobytes is null");
  }
}
