package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of each statement's transaction, read from a whole log before an export. An event
 * cannot be amended once written, so a statement whose transaction was still open says {@code
 * open}, and the fate is on a later event of the same session and transaction ordinal; a {@code
 * ROLLBACK TO SAVEPOINT} names the first statement it undid. This reads the log once and keeps
 * only transactions that need it (those with an {@code open} event or a rollback to a savepoint):
 * an autocommit statement's own event already says how its transaction ended, so it costs
 * nothing here.
 */
public final class TransactionOutcomes {
  private final Map<Key, Ending> endings;

  private TransactionOutcomes(Map<Key, Ending> endings) {
    this.endings = endings;
  }

  /**
   * Reads {@code log} once. A statement written after this read (a live log) is judged by its
   * own event alone.
   *
   * @throws AuditException.DamagedLog at a line that is not a valid event
   */
  public static TransactionOutcomes read(AuditLog log) throws IOException {
    requireNonNull(log, "log is null");
    Map<Key, Ending> endings = new HashMap<>();
    LoggedEvents.read(log, (event, line) -> {
      AuditTransaction transaction = event.transaction();
      if (transaction == null) {
        return;
      }
      Key key = new Key(event.sessionId(), transaction.ordinal());
      Ending ending = endings.get(key);
      boolean needed = transaction.state() == AuditTransaction.State.OPEN || transaction.undoneFrom() != null;
      if (ending == null && needed) {
        ending = new Ending();
        endings.put(key, ending);
      }
      if (ending != null) {
        ending.last = transaction.state();
        if (transaction.undoneFrom() != null) {
          ending.undone.add(new long[] {transaction.undoneFrom(), transaction.statement()});
        }
      }
    });
    return new TransactionOutcomes(endings);
  }

  /** Whether the statement of {@code event} kept its effects, as far as the log tells. */
  public TransactionOutcome of(AuditEvent event) {
    requireNonNull(event, "event is null");
    AuditTransaction transaction = event.transaction();
    if (transaction == null) {
      return TransactionOutcome.UNKNOWN;
    }
    Ending ending = endings.get(new Key(event.sessionId(), transaction.ordinal()));
    AuditTransaction.State end = transaction.state() == AuditTransaction.State.OPEN && ending != null
        ? ending.last
        : transaction.state();
    return switch (end) {
      // never seen to end: the log stops there, or Meshgate did before the session ended
      case OPEN, UNKNOWN -> TransactionOutcome.UNKNOWN;
      case ROLLED_BACK -> TransactionOutcome.ROLLED_BACK;
      case COMMITTED -> ending != null && undone(ending, transaction.statement())
          ? TransactionOutcome.ROLLED_BACK
          : TransactionOutcome.COMMITTED;
    };
  }

  private static boolean undone(Ending ending, long statement) {
    for (long[] range : ending.undone) {
      if (range[0] <= statement && statement < range[1]) {
        return true;
      }
    }
    return false;
  }

  private record Key(String sessionId, long ordinal) {}

  /** A transaction's last known state and the statement ranges its rollbacks to savepoints undid. */
  private static final class Ending {
    private AuditTransaction.State last;
    private final List<long[]> undone = new ArrayList<>();
  }
}
