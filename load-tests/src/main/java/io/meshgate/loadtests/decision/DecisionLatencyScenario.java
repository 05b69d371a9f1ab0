package io.meshgate.loadtests.decision;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Times {@link PolicyEngine#decide} for each engine and thread count: after a warm-up, every
 * thread calls the engine back to back for the run's duration, cycling through the inputs from
 * its own starting point, and times each call with {@link System#nanoTime()}.
 */
public final class DecisionLatencyScenario {

  /** An engine to measure, under the label the report shows. */
  public record EngineUnderTest(String label, PolicyEngine engine) {
    public EngineUnderTest {
      requireNonNull(label, "label is null");
      requireNonNull(engine, "engine is null");
    }
  }

  private final List<PolicyInput> inputs;

  public DecisionLatencyScenario(List<PolicyInput> inputs) {
    this.inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    if (this.inputs.isEmpty()) {
      throw new IllegalArgumentException("no inputs to decide");
    }
  }

  public DecisionLatency measure(EngineUnderTest engine, int threads, Duration warmup, Duration duration)
      throws InterruptedException {
    run("warm-up", engine.engine(), threads, warmup);
    return run(engine.label(), engine.engine(), threads, duration);
  }

  private DecisionLatency run(String label, PolicyEngine engine, int threads, Duration duration)
      throws InterruptedException {
    List<LatencyRecorder> recorders = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    long[] window = new long[2];
    for (int thread = 0; thread < threads; thread++) {
      LatencyRecorder recorder = new LatencyRecorder();
      recorders.add(recorder);
      int first = thread * inputs.size() / threads;
      workers.add(Thread.ofPlatform().name("decision-latency-" + thread).start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long deadline = window[0] + duration.toNanos();
        int index = first;
        long now = System.nanoTime();
        while (now < deadline) {
          PolicyInput input = inputs.get(index);
          index = index + 1 == inputs.size() ? 0 : index + 1;
          try {
            engine.decide(input);
            long end = System.nanoTime();
            recorder.record(end - now);
            now = end;
          } catch (PolicyEngineException e) {
            recorder.failed();
            now = System.nanoTime();
          }
        }
      }));
    }
    window[0] = System.nanoTime();
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    window[1] = System.nanoTime();
    long[] sorted = LatencyRecorder.merged(recorders);
    long failures = recorders.stream().mapToLong(LatencyRecorder::failures).sum();
    long decisions = recorders.stream().mapToLong(LatencyRecorder::count).sum();
    return new DecisionLatency(label, threads, decisions, failures, window[1] - window[0],
        LatencyRecorder.percentile(sorted, 50), LatencyRecorder.percentile(sorted, 99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
  }
}
