package io.meshgate.proxy.memory;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bytes taken from a {@link MessageMemoryBudget} for one message. Released exactly once,
 * however many paths (the message handled, the session closed, a write failed) release it:
 * a release lost would shrink the budget for good, one counted twice would let it overflow.
 */
public final class MemoryReservation {
  private final MessageMemoryBudget budget;
  private final long bytes;
  private final AtomicBoolean released = new AtomicBoolean();

  MemoryReservation(MessageMemoryBudget budget, long bytes) {
    this.budget = requireNonNull(budget, "budget is null");
    this.bytes = bytes;
  }

  public long bytes() {
    return bytes;
  }

  public void release() {
    if (released.compareAndSet(false, true)) {
      budget.giveBack(bytes);
    }
  }

  public boolean isReleased() {
    return released.get();
  }
}
