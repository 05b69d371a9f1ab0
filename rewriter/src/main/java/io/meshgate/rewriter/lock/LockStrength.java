package io.meshgate.rewriter.lock;

/** How strongly a locking clause locks the rows it returns, as PostgreSQL names it. */
public enum LockStrength {
  UPDATE("UPDATE"),
  NO_KEY_UPDATE("NO KEY UPDATE"),
  SHARE("SHARE"),
  KEY_SHARE("KEY SHARE");

  private final String sql;

  LockStrength(String sql) {
    this.sql = sql;
  }

  /** The words after FOR, upper case. */
  public String sql() {
    return sql;
  }
}
