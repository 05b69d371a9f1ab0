package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.governance.GovernedStatement;
import java.nio.charset.StandardCharsets;

/** A statement forwarded to the backend and not yet finished: what its audit event needs. */
final class StatementExecution {
  private final GovernedStatement governed;
  private final long startNanos;
  private final long forwardedNanos;
  private long rows;
  private long bytes;
  private String sqlState;
  private String errorMessage;
  private boolean deniedByPolicy;
  private TransactionCommand transactionCommand = TransactionCommand.NONE;
  /** When the backend answered it (0 until then): its event may be written later, at ReadyForQuery. */
  private long answeredNanos;

  StatementExecution(GovernedStatement governed, long startNanos, long forwardedNanos) {
    this.governed = requireNonNull(governed, "governed is null");
    this.startNanos = startNanos;
    this.forwardedNanos = forwardedNanos;
  }

  GovernedStatement governed() {
    return governed;
  }

  long startNanos() {
    return startNanos;
  }

  long forwardedNanos() {
    return forwardedNanos;
  }

  void dataRow(int frameBytes) {
    rows++;
    bytes += frameBytes;
  }

  /** CommandComplete: the tag's last number is the row count (SELECT 5, INSERT 0 5, …). */
  void commandComplete(String tag) {
    transactionCommand = TransactionCommand.ofTag(tag);
    int space = tag.lastIndexOf(' ');
    if (space >= 0) {
      try {
        rows = Long.parseLong(tag.substring(space + 1));
      } catch (NumberFormatException ignored) {
        // Tags without a count (BEGIN, SET) keep the DataRow count.
      }
    }
  }

  void error(String state, String message) {
    error(state, message, false);
  }

  /**
   * The statement ended with an error; {@code deniedByPolicy} when it is the policy's own
   * refusal raised while the statement ran (a new row outside the row filters).
   */
  void error(String state, String message, boolean deniedByPolicy) {
    if (sqlState == null) {
      sqlState = state;
      errorMessage = truncate(message);
      this.deniedByPolicy = deniedByPolicy;
    }
  }

  /** The backend has answered it (CommandComplete, an error, or a suspended portal) now. */
  void answered(long nanos) {
    if (answeredNanos == 0) {
      answeredNanos = nanos;
    }
  }

  /** When the backend answered it; 0 when it has not. */
  long answeredNanos() {
    return answeredNanos;
  }

  /** What its CommandComplete said it did to the transaction ({@code NONE} before one came). */
  TransactionCommand transactionCommand() {
    return transactionCommand;
  }

  boolean deniedByPolicy() {
    return deniedByPolicy;
  }

  long rows() {
    return rows;
  }

  long bytes() {
    return bytes;
  }

  String sqlState() {
    return sqlState;
  }

  String errorMessage() {
    return errorMessage;
  }

  private static String truncate(String message) {
    byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
    return utf8.length <= 200 ? message : message.substring(0, Math.min(message.length(), 200));
  }
}
