package io.meshgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The writer's queue: wakes its consumer at the size it waits for, and never loses a wake-up. */
class WriterQueueTest {
  private static final long NO_LIMIT = Long.MAX_VALUE;

  @Test
  void theConsumerSleepsUntilTheSizeItWaitsForIsQueued() throws Exception {
    WriterQueue<Integer> queue = new WriterQueue<>();
    CountDownLatch returned = new CountDownLatch(1);
    Thread consumer = Thread.ofPlatform().start(() -> {
      while (queue.size() < 3) {
        queue.awaitSize(3, NO_LIMIT);
      }
      returned.countDown();
    });
    waitUntilParked(consumer);
    queue.add(1);
    queue.add(2);
    assertEquals(1, returned.getCount(), "two of three queued: still waiting");
    waitUntilParked(consumer);
    queue.add(3);
    assertTrue(returned.await(20, TimeUnit.SECONDS), "the third entry wakes it");
    List<Integer> drained = new ArrayList<>();
    queue.drainTo(drained);
    assertEquals(List.of(1, 2, 3), drained);
    assertTrue(queue.isEmpty());
  }

  @Test
  void aTimedWaitEndsAtItsTime() {
    WriterQueue<Integer> queue = new WriterQueue<>();
    long window = TimeUnit.MILLISECONDS.toNanos(30);
    long started = System.nanoTime();
    while (System.nanoTime() - started < window) {
      queue.awaitSize(5, window - (System.nanoTime() - started));
    }
    assertTrue(queue.isEmpty());
  }

  /**
   * Many appending threads against one consumer that waits for one entry at a time or for a
   * batch: every entry arrives once, in each producer's order, and the consumer never sleeps
   * through an append (a lost wake-up would leave it parked and fail the deadline).
   */
  @Test
  void manyProducersLoseNothingAndNeverStrandTheConsumer() throws Exception {
    WriterQueue<long[]> queue = new WriterQueue<>();
    int producers = 4;
    int perProducer = 50_000;
    List<Thread> threads = new ArrayList<>();
    for (int producer = 0; producer < producers; producer++) {
      int id = producer;
      threads.add(Thread.ofPlatform().start(() -> {
        for (int index = 0; index < perProducer; index++) {
          queue.add(new long[] {id, index});
          if (index % 1_000 == 0) {
            Thread.yield();
          }
        }
      }));
    }
    long[] next = new long[producers];
    List<long[]> drained = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int received = 0;
    int round = 0;
    while (received < producers * perProducer) {
      assertTrue(System.nanoTime() < deadline, "received " + received + " entries, then nothing");
      // Alternate untimed waits for one entry and short timed waits for a batch, as the writer does.
      if (round++ % 2 == 0) {
        queue.awaitSize(1, TimeUnit.SECONDS.toNanos(30));
      } else {
        queue.awaitSize(64, TimeUnit.MICROSECONDS.toNanos(200));
      }
      queue.drainTo(drained);
      for (long[] entry : drained) {
        assertEquals(next[(int) entry[0]]++, entry[1], "producer " + entry[0] + " out of order");
      }
      received += drained.size();
      drained.clear();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertTrue(queue.isEmpty());
  }

  private static void waitUntilParked(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(Thread.State.WAITING, thread.getState());
  }
}
