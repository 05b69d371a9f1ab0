package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A column of a data product as its domain describes it in data.json. */
public record ColumnMetadata(Optional<String> description, Optional<String> classification) {
  public ColumnMetadata {
    requireNonNull(description, "description is null");
    requireNonNull(classification, "classification is null");
  }
}
