package io.meshgate.proxy.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MessageMemoryBudgetTest {
  private static final long LIMIT = 1L << 20;

  @Test
  void reservesWhatItHasAndRefusesWhatItHasNot() {
    MessageMemoryBudget budget = new MessageMemoryBudget(LIMIT);
    MemoryReservation first = budget.tryReserve(600 << 10).orElseThrow();
    assertEquals(600 << 10, budget.usedBytes());

    assertEquals(Optional.empty(), budget.tryReserve(600 << 10), "600 KiB more would pass the 1 MiB limit");
    assertEquals(1, budget.refusals());
    assertEquals(600 << 10, budget.usedBytes(), "a refusal takes nothing");

    MemoryReservation rest = budget.tryReserve(LIMIT - (600 << 10)).orElseThrow();
    assertEquals(LIMIT, budget.usedBytes(), "exactly the limit fits");
    first.release();
    rest.release();
    assertEquals(0, budget.usedBytes());
    assertTrue(budget.tryReserve(LIMIT).isPresent(), "released bytes are there again");
  }

  @Test
  void aReservationIsGivenBackOnceHoweverOftenItIsReleased() {
    MessageMemoryBudget budget = new MessageMemoryBudget(LIMIT);
    MemoryReservation kept = budget.tryReserve(100_000).orElseThrow();
    MemoryReservation released = budget.tryReserve(200_000).orElseThrow();
    released.release();
    released.release();
    assertTrue(released.isReleased());
    assertEquals(100_000, budget.usedBytes(), "a second release must not give back another message's bytes");
    kept.release();
    assertEquals(0, budget.usedBytes());
  }

  @Test
  void refusesLimitsSmallerThanALargeMessageAndNegativeSizes() {
    assertThrows(IllegalArgumentException.class, () -> new MessageMemoryBudget(MessageMemoryBudget.LARGE_MESSAGE_BYTES - 1));
    assertThrows(IllegalArgumentException.class, () -> new MessageMemoryBudget(LIMIT).tryReserve(-1));
  }

  @Test
  void onlyLargeFramesAreCounted() {
    assertFalse(MessageMemoryBudget.isLarge(MessageMemoryBudget.LARGE_MESSAGE_BYTES - 1));
    assertTrue(MessageMemoryBudget.isLarge(MessageMemoryBudget.LARGE_MESSAGE_BYTES));
  }

  @Test
  void concurrentSessionsNeverHoldMoreThanTheLimitNorLessThanNothing() throws Exception {
    MessageMemoryBudget budget = new MessageMemoryBudget(LIMIT);
    int threads = 8;
    AtomicLong highest = new AtomicLong();
    AtomicLong lowest = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int thread = 0; thread < threads; thread++) {
        SplittableRandom random = new SplittableRandom(thread);
        workers.add(pool.submit(() -> {
          start.await();
          List<MemoryReservation> held = new ArrayList<>();
          for (int round = 0; round < 20_000; round++) {
            if (held.size() < 3 && random.nextBoolean()) {
              budget.tryReserve(64 << 10 | random.nextInt(200 << 10)).ifPresent(reservation -> {
                held.add(reservation);
                granted.incrementAndGet();
              });
            } else if (!held.isEmpty()) {
              held.remove(random.nextInt(held.size())).release();
            }
            long used = budget.usedBytes();
            highest.accumulateAndGet(used, Math::max);
            lowest.accumulateAndGet(used, Math::min);
          }
          held.forEach(MemoryReservation::release);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(highest.get() <= LIMIT, "held " + highest.get() + " bytes with a limit of " + LIMIT);
    assertEquals(0, lowest.get(), "never below zero");
    assertEquals(0, budget.usedBytes(), "every reservation came back");
    assertTrue(granted.get() > 1000 && budget.refusals() > 0,
        "the test raced reservations against a full budget: " + granted.get() + " granted, " + budget.refusals() + " refused");
  }
}
