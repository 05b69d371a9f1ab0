package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.scenario.ProcessorClock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The processes the runner started for each target, and their processor time (from the operating system). */
public final class ProcessorTimes implements ProcessorClock {
  private final Map<Target, Long> processIds = new ConcurrentHashMap<>();

  /** From now on, {@code target} is served by process {@code processId} (the benchmark starts more than one Meshgate). */
  public void watch(Target target, long processId) {
    processIds.put(requireNonNull(target, "target is null"), processId);
  }

  @Override
  public Optional<Duration> used(Target target) {
    return Optional.ofNullable(processIds.get(target))
        .flatMap(ProcessHandle::of)
        .flatMap(process -> process.info().totalCpuDuration());
  }
}
