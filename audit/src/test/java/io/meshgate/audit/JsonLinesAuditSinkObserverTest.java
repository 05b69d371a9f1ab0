package io.meshgate.audit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.audit.AuditSinkOptions.Fsync;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a sink tells its {@link AuditWriteObserver}: every batch and every event, in order. */
@Timeout(60)
class JsonLinesAuditSinkObserverTest {

  @TempDir Path directory;

  @Test
  void reportsEveryBatchAndEveryEventBeforeTheirFuturesComplete() throws Exception {
    Recorder recorder = new Recorder();
    int threads = 4;
    int perThread = 50;
    List<CompletableFuture<Void>> written = new ArrayList<>();
    AtomicInteger countedWhenCompleted = new AtomicInteger(Integer.MAX_VALUE);
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(
            directory.resolve("audit.jsonl"), SampleEvents.options(Fsync.ALWAYS), recorder)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> appenders = new ArrayList<>();
      for (int thread = 0; thread < threads; thread++) {
        appenders.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      awaitUninterruptibly(start);
                      for (int index = 0; index < perThread; index++) {
                        CompletableFuture<Void> future = sink.append(SampleEvents.allowedSelect());
                        // Runs on the writer thread as the future completes: the event must
                        // be counted by then.
                        future.thenRun(
                            () -> countedWhenCompleted.accumulateAndGet(
                                recorder.eventCount(), Math::min));
                        synchronized (written) {
                          written.add(future);
                        }
                      }
                    }));
      }
      start.countDown();
      for (Thread appender : appenders) {
        appender.join();
      }
      CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, SECONDS);
    }

    assertEquals(threads * perThread, recorder.eventCount());
    assertEquals(threads * perThread, recorder.batches().stream().mapToInt(Batch::events).sum());
    assertTrue(countedWhenCompleted.get() >= 1, "observed before the first future completed");
    for (Batch batch : recorder.batches()) {
      assertTrue(batch.writeNanos() > 0, "a forced write takes time: " + batch);
      assertEquals(batch.events(), batch.sinceAppendNanos().size(), "one call per event");
      for (long sinceAppend : batch.sinceAppendNanos()) {
        // An event waits at least for the write of its own batch.
        assertTrue(sinceAppend >= batch.writeNanos(), sinceAppend + " < " + batch);
      }
    }
  }

  @Test
  void theTimeSinceAppendIncludesTheWaitInTheQueue() throws Exception {
    // A writer blocked on a pipe nobody reads yet: the second event waits in the queue.
    NamedPipe pipe = NamedPipe.create(directory);
    Recorder recorder = new Recorder();
    Duration held = Duration.ofMillis(300);
    JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(pipe.path(), SampleEvents.options(Fsync.NEVER), recorder);
    try {
      InputStream reader = pipe.reader();
      CompletableFuture<Void> first =
          sink.append(SampleEvents.allowedSelect("alice", NamedPipe.BIG_SQL));
      while (sink.queueDepth() > 0) {
        Thread.sleep(1);
      }
      // Let the writer get from taking the first event into its blocked write: appended
      // earlier, the second event could join the first one's batch.
      Thread.sleep(50);
      CompletableFuture<Void> second = sink.append(SampleEvents.allowedSelect());
      Thread.sleep(held.toMillis());
      assertFalse(second.isDone(), "the writer is blocked");

      CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> readAll(reader));
      CompletableFuture.allOf(first, second).get(30, SECONDS);
      // Closing releases the pipe, so that the reader sees its end.
      sink.close();
      drained.get(30, SECONDS);
    } finally {
      sink.close();
    }

    List<Batch> batches = recorder.batches();
    assertEquals(2, batches.stream().mapToInt(Batch::events).sum(), batches.toString());
    // The second event is the last one reported, in a batch of its own or (on a machine slow
    // enough that it was appended before the writer drained the queue) with the first.
    Batch last = batches.get(batches.size() - 1);
    long secondSinceAppend = last.sinceAppendNanos().get(last.sinceAppendNanos().size() - 1);
    assertTrue(
        secondSinceAppend >= held.toNanos(),
        "the second event waited in the queue while the first was written: " + last);
    if (batches.size() == 2) {
      assertTrue(secondSinceAppend > last.writeNanos(), last.toString());
    }
  }

  @Test
  void aFailingObserverCostsTheLogNothing() throws Exception {
    AuditWriteObserver failing =
        new AuditWriteObserver() {
          @Override
          public void batchWritten(int events, long writeNanos) {
            throw new IllegalStateException("metrics are broken");
          }

          @Override
          public void eventWritten(long sinceAppendNanos) {
            throw new IllegalStateException("metrics are broken");
          }
        };
    Path log = directory.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(log, SampleEvents.options(Fsync.NEVER), failing)) {
      for (int index = 0; index < 3; index++) {
        sink.append(SampleEvents.allowedSelect()).get(10, SECONDS);
      }
      assertTrue(sink.isHealthy());
      assertEquals(3, sink.writtenEvents());
    }
    VerificationResult verified = AuditChainVerifier.verify(log);
    assertTrue(verified.intact(), verified.toString());
    assertEquals(3, verified.eventsChecked());
  }

  /** One reported batch, with the since-append times of its events. */
  private record Batch(int events, long writeNanos, List<Long> sinceAppendNanos) {}

  /** Records calls; only the writer thread calls it, others read under the lock. */
  private static final class Recorder implements AuditWriteObserver {
    private final List<Batch> batches = new ArrayList<>();
    private int events;

    @Override
    public synchronized void batchWritten(int events, long writeNanos) {
      batches.add(new Batch(events, writeNanos, new ArrayList<>()));
    }

    @Override
    public synchronized void eventWritten(long sinceAppendNanos) {
      batches.get(batches.size() - 1).sinceAppendNanos().add(sinceAppendNanos);
      events++;
    }

    synchronized int eventCount() {
      return events;
    }

    synchronized List<Batch> batches() {
      List<Batch> copy = new ArrayList<>();
      for (Batch batch : batches) {
        copy.add(new Batch(batch.events(), batch.writeNanos(), List.copyOf(batch.sinceAppendNanos())));
      }
      return copy;
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void readAll(InputStream reader) {
    try (reader) {
      reader.transferTo(OutputStream.nullOutputStream());
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
