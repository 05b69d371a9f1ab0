package io.meshgate.proxy.memory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes that large client messages may hold at once, over every session. A message of at
 * least {@link #LARGE_MESSAGE_BYTES} reserves its size before its bytes are accumulated, and
 * the {@link MemoryReservation} is released when Meshgate no longer holds the message; smaller
 * messages never touch the budget, so the common path pays nothing for it. Thread-safe.
 */
public final class MessageMemoryBudget {
  /**
   * Messages below this size are not counted: a session holds only a bounded number of them
   * (see {@code PendingMessages}), and counting every Bind and Execute would put an atomic
   * operation on the path of every prepared statement.
   */
  public static final int LARGE_MESSAGE_BYTES = 64 * 1024;

  /**
   * The default of the rate at which the rest of a large message must arrive once its header
   * has: 1 MiB a second (8 Mbit/s). Clients that send messages of megabytes are applications
   * near their database, far faster than that; a client trickling its message to keep the bytes
   * it reserved pays with as much traffic as an honest one, and loses them within seconds of a
   * stall instead of never.
   */
  public static final int DEFAULT_MINIMUM_ARRIVAL_RATE = 1 << 20;
  /**
   * Time every large message has on top of its size at the minimum rate: for a connection's
   * slow start, a client that writes its header before it has the body ready, a busy machine.
   */
  public static final Duration ARRIVAL_GRACE = Duration.ofSeconds(10);

  private final long limitBytes;
  private final int minimumArrivalRate;
  private final AtomicLong usedBytes = new AtomicLong();
  private final LongAdder refusals = new LongAdder();

  /** With the {@link #DEFAULT_MINIMUM_ARRIVAL_RATE}. */
  public MessageMemoryBudget(long limitBytes) {
    this(limitBytes, DEFAULT_MINIMUM_ARRIVAL_RATE);
  }

  /**
   * @param minimumArrivalRate bytes a second at which the rest of a large message must arrive
   *     once its header has (see {@link #arrivalLimit})
   */
  public MessageMemoryBudget(long limitBytes, int minimumArrivalRate) {
    if (limitBytes < LARGE_MESSAGE_BYTES) {
      throw new IllegalArgumentException("limitBytes must be at least " + LARGE_MESSAGE_BYTES);
    }
    if (minimumArrivalRate < 1) {
      throw new IllegalArgumentException("minimumArrivalRate must be positive");
    }
    this.limitBytes = limitBytes;
    this.minimumArrivalRate = minimumArrivalRate;
  }

  /** No limit worth the name: for tests of codecs that are not about memory. */
  public static MessageMemoryBudget unlimited() {
    return new MessageMemoryBudget(Long.MAX_VALUE);
  }

  /**
   * The default budget: a quarter of what the JVM may allocate (the smaller of the heap and the
   * direct memory limit), but at least one largest message. A message is held about twice at
   * its peak (the frame as it arrives, whose buffer grows by copying, and then the decoded text
   * or the copy on its way to the backend), so a quarter keeps large messages under about half
   * the memory and leaves the rest to caches, sessions and parsing.
   */
  public static long automaticLimitBytes(long maximumHeapBytes, long maximumDirectBytes, int maximumMessageBytes) {
    long memory = Math.min(maximumHeapBytes, maximumDirectBytes);
    return Math.max(Math.max(memory / 4, LARGE_MESSAGE_BYTES), maximumMessageBytes + 1L);
  }

  /** {@link #automaticLimitBytes(long, long, int)} for this JVM. */
  public static long automaticLimitBytes(int maximumMessageBytes) {
    return automaticLimitBytes(Runtime.getRuntime().maxMemory(),
        io.netty.util.internal.PlatformDependent.maxDirectMemory(), maximumMessageBytes);
  }

  /** Whether a frame of {@code frameBytes} (type byte and length included) takes from the budget. */
  public static boolean isLarge(long frameBytes) {
    return frameBytes >= LARGE_MESSAGE_BYTES;
  }

  /** The bytes, if the budget has them; empty (and counted as a refusal) if not. */
  public Optional<MemoryReservation> tryReserve(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative");
    }
    while (true) {
      long used = usedBytes.get();
      if (bytes > limitBytes - used) {
        refusals.increment();
        return Optional.empty();
      }
      if (usedBytes.compareAndSet(used, used + bytes)) {
        return Optional.of(new MemoryReservation(this, bytes));
      }
    }
  }

  /** Only through {@link MemoryReservation#release}, which gives its bytes back once. */
  void giveBack(long bytes) {
    long used = usedBytes.addAndGet(-bytes);
    if (used < 0) {
      throw new IllegalStateException("the message memory budget went below zero: " + used);
    }
  }

  /**
   * How long a large frame of {@code frameBytes} may take to arrive once its header has: the
   * {@link #ARRIVAL_GRACE} and its size at the minimum rate. Its reservation is held all that
   * time, so without a limit a few clients sending headers and then a byte now and then would
   * hold the whole budget and every other client's large messages would be refused.
   */
  public Duration arrivalLimit(long frameBytes) {
    return ARRIVAL_GRACE.plusMillis(Math.ceilDiv(frameBytes * 1000, minimumArrivalRate));
  }

  public int minimumArrivalRate() {
    return minimumArrivalRate;
  }

  public long limitBytes() {
    return limitBytes;
  }

  public long usedBytes() {
    return usedBytes.get();
  }

  /** Large messages refused because the budget did not have their bytes, since the start. */
  public long refusals() {
    return refusals.sum();
  }
}
