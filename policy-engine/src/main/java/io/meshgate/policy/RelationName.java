package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

/** A table as the policy contract names it: {@code catalog.schema.table}, all unquoted. */
public record RelationName(String catalog, String schema, String table) {
  public RelationName {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(table, "table is null");
    if (catalog.isEmpty() || schema.isEmpty() || table.isEmpty()) {
      throw new IllegalArgumentException("relation name parts must not be empty");
    }
  }

  /** The key of this relation in a decision's {@code relations} object. */
  public String key() {
    return catalog + "." + schema + "." + table;
  }

  @Override
  public String toString() {
    return key();
  }
}
