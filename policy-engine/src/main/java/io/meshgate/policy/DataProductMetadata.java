package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/** A data product (a table of its domain's schema) as its domain describes it, column by column. */
public record DataProductMetadata(Optional<String> description, Map<String, ColumnMetadata> columns) {
  public DataProductMetadata {
    requireNonNull(description, "description is null");
    columns = Map.copyOf(requireNonNull(columns, "columns is null"));
  }
}
