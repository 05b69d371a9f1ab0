package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * Whether a statement's effects survived, as {@link TransactionOutcomes} derives it from the log:
 * a statement took effect exactly when its {@code outcome.status} is {@code ok} and this is
 * {@link #COMMITTED}.
 */
public enum TransactionOutcome {
  /** Its transaction committed and no {@code ROLLBACK TO SAVEPOINT} undid the statement. */
  COMMITTED,
  /** Its transaction rolled back, or a {@code ROLLBACK TO SAVEPOINT} undid the statement. */
  ROLLED_BACK,
  /**
   * The log does not tell: the connection ended while a commit may have been under way, the log
   * ends (or a Meshgate instance stopped) while the transaction was open, or the line was written
   * before Meshgate recorded transactions.
   */
  UNKNOWN;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The spelling in exports and on the command line, e.g. {@code rolled_back}. */
  public String wireName() {
    return wireName;
  }

  /** The outcome spelled {@code wireName}. */
  public static TransactionOutcome fromWireName(String wireName) {
    requireNonNull(wireName, "wireName is null");
    for (TransactionOutcome outcome : values()) {
      if (outcome.wireName.equals(wireName)) {
        return outcome;
      }
    }
    throw new IllegalArgumentException(
        "unknown transaction outcome '" + wireName + "': expected committed, rolled_back or unknown");
  }
}
