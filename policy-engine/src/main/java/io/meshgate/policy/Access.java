package io.meshgate.policy;

/** How a statement touches a relation; a table both read and written appears once per access. */
public enum Access {
  READ,
  INSERT,
  UPDATE,
  DELETE,
  /**
   * The target of a statement of kind {@code ddl}: the statement changes the table's definition
   * or, for {@code TRUNCATE} and {@code DROP TABLE}, removes all of its rows. What exactly is
   * {@link DdlAction the input's ddl_action}.
   */
  DDL;

  /** The contract's spelling. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
