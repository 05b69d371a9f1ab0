package io.meshgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The writer's wait for more events before a force ({@code JsonLinesAuditSink.gather}). */
class GroupCommitGatherTest {
  private static final long LONG = TimeUnit.SECONDS.toNanos(30);

  @Test
  void waitsForAsManyEventsAsTheLastBatchAndNoLonger() throws Exception {
    WriterQueue<String> queue = new WriterQueue<>();
    List<String> drained = new ArrayList<>(List.of("first"));
    Thread late = Thread.ofPlatform().start(() -> {
      sleep(Duration.ofMillis(100));
      queue.add("second");
      sleep(Duration.ofMillis(100));
      queue.add("third");
      queue.add("fourth");
    });
    long started = System.nanoTime();
    JsonLinesAuditSink.gather(queue, drained, 3, LONG, "close"::equals);
    long waited = System.nanoTime() - started;
    late.join();
    assertTrue(drained.size() >= 3, drained.toString());
    assertEquals(List.of("first", "second", "third"), drained.subList(0, 3));
    assertTrue(waited < TimeUnit.SECONDS.toNanos(20), "returned once the target was reached, not at the deadline");
  }

  @Test
  void neverWaitsWhenEnoughIsQueuedAlready() {
    WriterQueue<String> queue = new WriterQueue<>();
    List<String> drained = new ArrayList<>(List.of("only"));
    long started = System.nanoTime();
    JsonLinesAuditSink.gather(queue, drained, 1, LONG, "close"::equals);
    JsonLinesAuditSink.gather(queue, drained, 0, LONG, "close"::equals);
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20));
    assertEquals(List.of("only"), drained);
  }

  @Test
  void stopsAtTheDeadline() {
    WriterQueue<String> queue = new WriterQueue<>();
    List<String> drained = new ArrayList<>(List.of("first"));
    long window = TimeUnit.MILLISECONDS.toNanos(50);
    long started = System.nanoTime();
    JsonLinesAuditSink.gather(queue, drained, 32, window, "close"::equals);
    long waited = System.nanoTime() - started;
    assertEquals(List.of("first"), drained);
    assertTrue(waited >= window, "waited " + waited + " ns");
  }

  @Test
  void aCloseEndsTheWait() {
    WriterQueue<String> queue = new WriterQueue<>();
    queue.add("close");
    List<String> drained = new ArrayList<>(List.of("first"));
    long started = System.nanoTime();
    JsonLinesAuditSink.gather(queue, drained, 32, LONG, "close"::equals);
    assertEquals(List.of("first", "close"), drained);
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20));
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
