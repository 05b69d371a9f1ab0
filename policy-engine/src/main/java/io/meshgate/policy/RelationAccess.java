package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One entry of {@code statement.relations}: a relation, how it is accessed, all of its
 * columns (from schema metadata) and the columns the statement names.
 */
public record RelationAccess(
    RelationName relation, Access access, List<String> columns, List<String> referencedColumns) {
  public RelationAccess {
    requireNonNull(relation, "relation is null");
    requireNonNull(access, "access is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    referencedColumns = List.copyOf(requireNonNull(referencedColumns, "referencedColumns is null"));
  }
}
