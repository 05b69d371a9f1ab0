package io.meshgate.loadtests.scenario;

import io.meshgate.loadtests.Target;

/**
 * Something that watches a timed run from outside, such as a flight recording of Meshgate's JVM
 * while pgbench runs against it. The runner opens a recording before each measured run and
 * closes it after, so what was recorded belongs to exactly one run.
 */
@FunctionalInterface
public interface RunRecorder {
  /** Records nothing. */
  RunRecorder NONE = (target, name) -> () -> {};

  /**
   * @param name the run's name, unique within the benchmark, e.g. {@code select-only-meshgate-prepared-c32}
   */
  Recording start(Target target, String name);

  /** One run's recording; closing it ends and saves it. Never throws: a lost profile must not cost the benchmark. */
  @FunctionalInterface
  interface Recording extends AutoCloseable {
    @Override
    void close();
  }
}
