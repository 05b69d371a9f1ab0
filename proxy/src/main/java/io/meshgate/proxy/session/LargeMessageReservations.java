package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.memory.MemoryReservation;
import java.util.function.Consumer;

/**
 * When the memory budget's bytes of a session's large client message go back: once the message
 * has been written to the backend or dropped, or, for a Query or Parse, once its governed or
 * refused form has been. Small messages carry no reservation and pass through untouched.
 */
final class LargeMessageReservations {
  /** Gives bytes back once what the session wrote to its backend so far has left. */
  private final Consumer<MemoryReservation> releaseAfterWrites;
  /** The bytes of the message {@link #handle} is handling, until {@link #governing} claims them. */
  private MemoryReservation handled;
  /** The bytes of the Query or Parse being governed. */
  private MemoryReservation governed;

  LargeMessageReservations(Consumer<MemoryReservation> releaseAfterWrites) {
    this.releaseAfterWrites = requireNonNull(releaseAfterWrites, "releaseAfterWrites is null");
  }

  /**
   * Runs {@code handling} for a large message; its bytes go back afterwards unless {@link
   * #governing} claimed them. Handling may recurse into another large message (pending ones).
   */
  void handle(MemoryReservation reservation, Runnable handling) {
    MemoryReservation outer = handled;
    handled = reservation;
    try {
      handling.run();
    } finally {
      MemoryReservation unclaimed = handled;
      handled = outer;
      if (unclaimed != null) {
        releaseAfterWrites.accept(unclaimed);
      }
    }
  }

  /**
   * The continuation of governing the message being handled: its bytes stay taken until
   * {@code then} has run, and are taken out before it runs, since it may handle the next
   * message, large too.
   */
  <T> Consumer<T> governing(Consumer<T> then) {
    governed = handled;
    handled = null;
    if (governed == null) {
      return then; // a small message: no wrapper on the common path
    }
    return result -> {
      MemoryReservation reservation = takeGoverned();
      try {
        then.accept(result);
      } finally {
        if (reservation != null) {
          releaseAfterWrites.accept(reservation);
        }
      }
    };
  }

  /** The session closes: a statement still being governed gives its bytes back now. */
  void releaseGoverned() {
    MemoryReservation reservation = takeGoverned();
    if (reservation != null) {
      reservation.release();
    }
  }

  private MemoryReservation takeGoverned() {
    MemoryReservation taken = governed;
    governed = null;
    return taken;
  }
}
