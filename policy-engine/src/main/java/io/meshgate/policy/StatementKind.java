package io.meshgate.policy;

import java.util.Locale;

/** {@code statement.kind} of policy contract v1. */
public enum StatementKind {
  SELECT,
  INSERT,
  UPDATE,
  DELETE,
  MERGE,
  COPY_OUT,
  COPY_IN,
  DDL,
  CALL,
  UTILITY;

  /** The contract's spelling, e.g. {@code copy_out}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
