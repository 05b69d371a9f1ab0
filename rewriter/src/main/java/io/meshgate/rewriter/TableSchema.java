package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.RelationName;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A table or view and its columns in ordinal order. */
public record TableSchema(RelationName name, List<ColumnSchema> columns) {
  public TableSchema {
    requireNonNull(name, "name is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    Set<String> seen = new HashSet<>();
    for (ColumnSchema column : columns) {
      if (!seen.add(column.name())) {
        throw new IllegalArgumentException(
            "column " + column.name() + " appears twice in " + name);
      }
    }
  }

  public Optional<ColumnSchema> column(String columnName) {
    return columns.stream().filter(column -> column.name().equals(columnName)).findFirst();
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSchema::name).toList();
  }
}
