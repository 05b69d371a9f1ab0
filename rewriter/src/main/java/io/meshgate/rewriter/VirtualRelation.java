package io.meshgate.rewriter;

import java.util.Optional;

/**
 * A relation of the {@code meshgate} schema, which Meshgate answers itself instead of the
 * backend: its rows are computed for the session's user and put into the statement as a
 * derived table of literal values, so everything the client writes around it (filters, joins,
 * ordering, aggregates) runs in the backend as usual. The schema name is reserved: a backend
 * schema of the same name is not reachable through Meshgate.
 */
public enum VirtualRelation {
  /** The data products the user may read: one row per product. See {@link DataProductRow}. */
  DATA_PRODUCTS("data_products"),
  /** The columns of those products the user may read: one row per column. See {@link ProductColumnRow}. */
  COLUMNS("columns");

  /** The schema of the virtual relations. */
  public static final String SCHEMA = "meshgate";

  private final String table;

  VirtualRelation(String table) {
    this.table = table;
  }

  /** The relation's name in {@value #SCHEMA}. */
  public String table() {
    return table;
  }

  /** The relation of this name in {@value #SCHEMA}, if there is one. */
  public static Optional<VirtualRelation> named(String table) {
    for (VirtualRelation relation : values()) {
      if (relation.table.equals(table)) {
        return Optional.of(relation);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return SCHEMA + "." + table;
  }
}
