package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.protocol.TransactionStatus;
import io.meshgate.rewriter.session.SearchPathChange;
import java.util.List;
import java.util.Optional;

/**
 * Follows the backend session's search path, which decides what the unqualified table names
 * of later statements mean. PostgreSQL 15 does not report search_path changes, so this
 * replays PostgreSQL's rules from what passes through the session: a change counts from the
 * moment its statement is forwarded (later statements of the same pipeline already see it),
 * and it survives the end of its transaction — explicit, or the implicit one that ends at
 * ReadyForQuery — only if that transaction commits; {@code SET LOCAL} never survives it.
 *
 * <p>What it cannot follow exactly (a {@code ROLLBACK TO SAVEPOINT} after a change, a value it
 * cannot read) makes the path unknown until the next change it can read; analysis then uses an
 * empty search path, so unqualified names do not resolve at all rather than resolving to a
 * table the backend would not have picked (fail closed). Confined to the session's event loop.
 */
final class SearchPathTracker {
  private final List<String> resetValue;
  /** The path outside any transaction; empty when unknown. */
  private Optional<List<String>> committed;
  /** The path the backend uses now, as far as this session has forwarded statements. */
  private Optional<List<String>> current;
  /** What {@code committed} becomes if the current transaction commits. */
  private Optional<List<String>> onCommit;
  private boolean changedInTransaction;
  private boolean failedSinceChange;
  private boolean rollbackSeen;

  /**
   * @param resetValue the path of the connection's startup packet, or the server default: what
   *     RESET and DEFAULT go back to
   */
  SearchPathTracker(List<String> resetValue) {
    this.resetValue = List.copyOf(requireNonNull(resetValue, "resetValue is null"));
    this.committed = Optional.of(this.resetValue);
    this.current = committed;
    this.onCommit = committed;
  }

  /** The search path to analyse the next statement with; empty while the path is unknown. */
  List<String> forAnalysis() {
    return current.orElse(List.of());
  }

  /** What RESET and DEFAULT go back to. */
  List<String> resetValue() {
    return resetValue;
  }

  /** A statement that makes {@code change} was sent to the backend. */
  void forwarded(SearchPathChange change) {
    Optional<List<String>> value = switch (change) {
      case SearchPathChange.SetTo set -> Optional.of(set.schemas());
      case SearchPathChange.ResetToDefault reset -> Optional.of(resetValue);
      case SearchPathChange.Unrecognised unrecognised -> Optional.empty();
    };
    current = value;
    if (!change.local()) {
      onCommit = value;
    }
    changedInTransaction = true;
  }

  /** Whether CommandComplete tags matter now (only after a change, to keep the hot path free). */
  boolean needsCommandTags() {
    return changedInTransaction;
  }

  /** The backend completed a command with this tag. */
  void commandComplete(String tag) {
    if (!changedInTransaction) {
      return;
    }
    switch (tag) {
      // COMMIT of an aborted transaction answers ROLLBACK, so this tag means it committed
      case "COMMIT" -> endTransaction(true);
      // ROLLBACK or ROLLBACK TO SAVEPOINT: ReadyForQuery's status tells which
      case "ROLLBACK" -> rollbackSeen = true;
      // GUC changes of a prepared transaction take effect as at commit
      case "PREPARE TRANSACTION" -> endTransaction(true);
      default -> {
        // other commands do not end transactions
      }
    }
  }

  /** The backend reported an error (a refused statement's placeholder included). */
  void failed() {
    if (changedInTransaction) {
      failedSinceChange = true;
    }
  }

  void readyForQuery(TransactionStatus status) {
    if (!changedInTransaction) {
      return;
    }
    switch (status) {
      // the explicit or implicit transaction ended: it committed unless an error or a
      // ROLLBACK came after the change
      case IDLE -> endTransaction(!failedSinceChange && !rollbackSeen);
      case IN_TRANSACTION -> {
        if (rollbackSeen) {
          // ROLLBACK TO SAVEPOINT may or may not have undone the change
          current = Optional.empty();
          onCommit = Optional.empty();
          rollbackSeen = false;
        }
      }
      case FAILED_TRANSACTION -> {
        // the transaction can only end in a rollback now; its ROLLBACK decides
      }
    }
  }

  private void endTransaction(boolean commit) {
    if (commit) {
      committed = onCommit;
    }
    current = committed;
    onCommit = committed;
    changedInTransaction = false;
    failedSinceChange = false;
    rollbackSeen = false;
  }
}
