package io.meshgate.policy;

/** How a statement touches a relation; a table both read and written appears once per access. */
public enum Access {
  READ,
  INSERT,
  UPDATE,
  DELETE;

  /** The contract's spelling. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
