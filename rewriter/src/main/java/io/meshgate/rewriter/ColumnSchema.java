package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

/**
 * One column of a table. {@code type} is PostgreSQL's {@code format_type()} text, e.g.
 * {@code text}, {@code integer}, {@code numeric(12,2)}, {@code date}, {@code character
 * varying(100)}, {@code timestamp without time zone}, {@code bigint}, {@code double precision}.
 */
public record ColumnSchema(String name, String type) {
  public ColumnSchema {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("column name must not be empty");
    }
    if (type.isBlank()) {
      throw new IllegalArgumentException("column type must not be blank");
    }
  }
}
