package io.meshgate.loadtests.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionLatencyScenarioTest {
  private static final PolicyInput INPUT = new PolicyInput(new Subject("alice", List.of(), Map.of()),
      new RequestContext("mesh", "127.0.0.1", "", "s", Instant.EPOCH), StatementKind.SELECT, List.of());

  /** Takes about a millisecond per decision; every fifth call fails. */
  private static final class SlowEngine implements PolicyEngine {
    final AtomicLong calls = new AtomicLong();

    @Override
    public Decision decide(PolicyInput input) throws PolicyEngineException {
      long call = calls.incrementAndGet();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (call % 5 == 0) {
        throw new PolicyEngineException.Unavailable("down", null);
      }
      return Decision.deny("no");
    }

    @Override
    public String revision() {
      return "r";
    }
  }

  @Test
  void timesEveryCallAndCountsFailuresApart() throws InterruptedException {
    SlowEngine engine = new SlowEngine();
    long before = engine.calls.get();
    DecisionLatency latency = new DecisionLatencyScenario(List.of(INPUT)).measure(
        new DecisionLatencyScenario.EngineUnderTest("slow", engine), 2, Duration.ofMillis(100), Duration.ofMillis(500));
    assertEquals("slow", latency.engine());
    assertEquals(2, latency.threads());
    assertTrue(latency.decisions() > 50, latency.toString());
    assertTrue(latency.failures() > 0, latency.toString());
    assertTrue(latency.p50Nanos() >= 1_000_000, "a decision takes at least the engine's millisecond: " + latency);
    assertTrue(latency.p99Nanos() >= latency.p50Nanos() && latency.maximumNanos() >= latency.p99Nanos(), latency.toString());
    assertTrue(latency.decisionsPerSecond() < 2 * 1000 + 1, "two threads of 1 ms calls: " + latency);
    assertTrue(engine.calls.get() - before >= latency.decisions() + latency.failures());
  }

  @Test
  void percentilesAreNearestRank() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (long nanos = 100; nanos >= 1; nanos--) {
      recorder.record(nanos);
    }
    long[] sorted = LatencyRecorder.merged(List.of(recorder));
    assertEquals(50, LatencyRecorder.percentile(sorted, 50));
    assertEquals(99, LatencyRecorder.percentile(sorted, 99));
    assertEquals(100, LatencyRecorder.percentile(sorted, 100));
    assertEquals(0, LatencyRecorder.percentile(new long[0], 50));
  }
}
