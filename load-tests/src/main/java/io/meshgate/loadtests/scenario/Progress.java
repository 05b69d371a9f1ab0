package io.meshgate.loadtests.scenario;

/** Where the runner says what it is doing; one line per step, for a person watching a long run. */
@FunctionalInterface
public interface Progress {
  void step(String message);
}
