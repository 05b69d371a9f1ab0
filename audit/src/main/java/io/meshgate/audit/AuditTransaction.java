package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Which backend transaction a statement ran in and what was known of that transaction's fate
 * when the event was written. An event is durable before the client may go on, so it is never
 * amended: a statement whose transaction was still open says {@link State#OPEN}, and a later
 * event of the same session and {@code ordinal} says how the transaction ended ({@link
 * TransactionOutcomes} derives each statement's fate from that).
 *
 * @param ordinal the session's transactions counted from 1: the statements of one session with
 *     the same ordinal ran in one transaction, explicit ({@code BEGIN} … {@code COMMIT}) or
 *     implicit (one simple Query, or extended-protocol messages up to a Sync)
 * @param statement the statement's position in its transaction, from 1
 * @param state what the transaction had become when the event was written
 * @param undoneFrom for a {@code ROLLBACK TO SAVEPOINT} that succeeded: the position of the first
 *     statement it undid (the one after the {@code SAVEPOINT}); every statement of the
 *     transaction from there up to this one had its effects undone; {@code null} otherwise
 */
public record AuditTransaction(long ordinal, long statement, State state, Long undoneFrom) {

  public AuditTransaction {
    requireNonNull(state, "state is null");
    if (ordinal < 1 || statement < 1) {
      throw new IllegalArgumentException("ordinal and statement count from 1");
    }
    if (undoneFrom != null && (undoneFrom < 1 || undoneFrom > statement)) {
      throw new IllegalArgumentException(
          "undoneFrom must name a statement of the transaction before this one, not " + undoneFrom);
    }
  }

  /** What a transaction had become when an event was written. */
  public enum State {
    /** Still open: a later event of the same session and ordinal tells how it ended. */
    OPEN,
    /** It ended with a commit ({@code COMMIT}, or an implicit transaction that succeeded). */
    COMMITTED,
    /**
     * It ended and nothing of it stays: {@code ROLLBACK}, a {@code COMMIT} the backend answered
     * {@code ROLLBACK} (the transaction had failed), an implicit transaction with an error, or a
     * session that ended while it was open.
     */
    ROLLED_BACK,
    /**
     * The connection ended while a statement that may have committed it was under way (a
     * {@code COMMIT} or an autocommit statement whose answer never came): PostgreSQL may or
     * may not have committed it.
     */
    UNKNOWN;

    // Computed once: every event spells its state.
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The spelling in the audit log, e.g. {@code rolled_back}. */
    public String wireName() {
      return wireName;
    }

    /** The state spelled {@code wireName}. */
    public static State fromWireName(String wireName) {
      requireNonNull(wireName, "wireName is null");
      for (State state : values()) {
        if (state.wireName().equals(wireName)) {
          return state;
        }
      }
      throw new IllegalArgumentException(
          "unknown transaction state '" + wireName + "': expected open, committed, rolled_back or unknown");
    }
  }
}
