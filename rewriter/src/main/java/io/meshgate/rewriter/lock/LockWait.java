package io.meshgate.rewriter.lock;

/** What a locking clause does about a row another transaction holds. */
public enum LockWait {
  /** Waits for the other transaction (no option written). */
  WAIT(""),
  /** Fails at once with 55P03. */
  NOWAIT("NOWAIT"),
  /** Leaves the row out. */
  SKIP_LOCKED("SKIP LOCKED");

  private final String sql;

  LockWait(String sql) {
    this.sql = sql;
  }

  /** The option as written after the clause; empty for {@link #WAIT}. */
  public String sql() {
    return sql;
  }
}
