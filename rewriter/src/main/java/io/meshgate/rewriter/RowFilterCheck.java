package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.RelationName;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A check that a rewritten INSERT or UPDATE raises on purpose when a row falls outside the
 * row filters of {@code relation}: a new row, or the existing row an {@code INSERT ... ON
 * CONFLICT DO UPDATE} conflicts with (see {@link CheckedRow}). The backend fails to cast {@code
 * marker} to an integer (SQLSTATE 22P02, the marker in the message, never a row value), and the
 * session shows the client {@link #violationMessage()} instead.
 *
 * <p>Why a forged marker cannot change what a client is told: the marker is a fresh random
 * value for every rewrite, unknown to the client when it writes the statement; the session
 * translates an error only for the statement whose rewrite made this check, and only into
 * the fixed message below, which names the relation this check belongs to. The most a
 * statement that reads its own text at run time (current_query()) can do with the marker is
 * fail itself with the message Meshgate would have given for that very check.
 */
public record RowFilterCheck(String marker, RelationName relation, CheckedRow row) {
  /** SQLSTATE of invalid_text_representation, what PostgreSQL raises for the marker. */
  public static final String BACKEND_SQLSTATE = "22P02";

  private static final SecureRandom RANDOM = new SecureRandom();

  public RowFilterCheck {
    requireNonNull(marker, "marker is null");
    requireNonNull(relation, "relation is null");
    requireNonNull(row, "row is null");
  }

  /** Which row a check is about. */
  public enum CheckedRow {
    /** The row an INSERT or UPDATE would write. */
    NEW,
    /**
     * The existing row an upsert conflicts with. PostgreSQL locks it before it evaluates the DO
     * UPDATE's WHERE; only an error, which ends the statement, releases that lock, so a row
     * outside the filters refuses the upsert rather than being skipped while locked.
     */
    CONFLICTING
  }

  /** A check of a new row with a fresh, unguessable marker. */
  public static RowFilterCheck fresh(RelationName relation) {
    return fresh(relation, CheckedRow.NEW);
  }

  /** A check of {@code row} with a fresh, unguessable marker. */
  public static RowFilterCheck fresh(RelationName relation, CheckedRow row) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return new RowFilterCheck("meshgate_row_check_" + HexFormat.of().formatHex(nonce), relation, row);
  }

  /** Whether a backend error is this check failing. */
  public boolean raised(String sqlState, String message) {
    return BACKEND_SQLSTATE.equals(sqlState) && message != null && message.contains(marker);
  }

  /** What the client sees instead of the backend's error (SQLSTATE 42501). */
  public String violationMessage() {
    String relationName = relation.schema() + "." + relation.table();
    return switch (row) {
      case NEW -> "new row violates the row filters of relation " + relationName
          + ": Meshgate refused the statement and nothing was written";
      case CONFLICTING -> "INSERT ... ON CONFLICT DO UPDATE conflicts with a row outside the row"
          + " filters of relation " + relationName
          + ": Meshgate refused the statement and nothing was written";
    };
  }
}
