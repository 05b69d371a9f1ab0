package io.meshgate.audit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The queue between the threads that append audit events and the one thread that writes them,
 * built so that the writer is woken once per batch, not once per event.
 *
 * <p>A {@code LinkedBlockingQueue} wakes a waiting taker on every put: while the writer gathers a
 * batch before its force, each event of the batch cost a wake-up of the writer (a futex call
 * for the appending thread and a context switch for the writer) only for it to find the batch
 * still short and wait again. Here the writer says how many entries it waits for ({@link
 * #awaitSize}), and only the append that reaches that number wakes it. Appends never block and
 * take no lock.
 *
 * <p>Any number of threads may {@link #add}; one thread, the consumer, may {@link #awaitSize} and
 * {@link #drainTo}.
 */
final class WriterQueue<T> {
  private static final int NOBODY_WAITS = Integer.MAX_VALUE;
  private static final VarHandle WAKE_AT;

  static {
    try {
      WAKE_AT = MethodHandles.lookup().findVarHandle(WriterQueue.class, "wakeAt", int.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  private final ConcurrentLinkedQueue<T> entries = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  // The consumer while it waits, and the size at which an append wakes it. Set by the consumer
  // before it looks at the size one last time and parks; read by appends after they count
  // themselves: either the consumer sees the append's count, or the append sees the threshold
  // (both are volatile), so no wake-up is lost.
  private volatile Thread waiting;
  @SuppressWarnings("unused") // through WAKE_AT
  private volatile int wakeAt = NOBODY_WAITS;

  /** Queues an entry, waking the consumer if it waits for this many. */
  void add(T entry) {
    entries.add(entry);
    int queued = size.incrementAndGet();
    int threshold = (int) WAKE_AT.getVolatile(this);
    // One append wakes it: the first to reach the threshold takes it away.
    if (queued >= threshold && WAKE_AT.compareAndSet(this, threshold, NOBODY_WAITS)) {
      Thread consumer = waiting;
      if (consumer != null) {
        LockSupport.unpark(consumer);
      }
    }
  }

  /** Entries queued and not yet drained. */
  int size() {
    return size.get();
  }

  boolean isEmpty() {
    return size.get() == 0;
  }

  /** Moves everything queued to {@code drained}, in queue order. Consumer only. */
  void drainTo(List<T> drained) {
    int moved = 0;
    for (T entry = entries.poll(); entry != null; entry = entries.poll()) {
      drained.add(entry);
      moved++;
    }
    size.addAndGet(-moved);
  }

  /**
   * Waits until at least {@code count} entries are queued, {@code nanos} have passed ({@code
   * Long.MAX_VALUE}: no limit), or the consumer is unparked by someone else (a close). May also
   * return early for no reason, like {@link LockSupport#park}: callers check what they waited
   * for. Consumer only.
   */
  void awaitSize(int count, long nanos) {
    if (size.get() >= count) {
      return;
    }
    waiting = Thread.currentThread();
    WAKE_AT.setVolatile(this, count);
    try {
      if (size.get() < count) {
        if (nanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, nanos);
        }
      }
    } finally {
      WAKE_AT.setVolatile(this, NOBODY_WAITS);
      waiting = null;
    }
  }
}
