package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

/**
 * One column of a table. {@code type} is PostgreSQL's {@code format_type()} text, e.g.
 * {@code text}, {@code integer}, {@code numeric(12,2)}, {@code date}, {@code character
 * varying(100)}, {@code timestamp without time zone}, {@code bigint}, {@code double precision}.
 *
 * @param generated whether PostgreSQL computes the column ({@code GENERATED ALWAYS AS (...)
 *     STORED}): a write changes it without naming it, which a check of the new row must know
 */
public record ColumnSchema(String name, String type, boolean generated) {
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

  /** A column the writer gives its value (not generated). */
  public ColumnSchema(String name, String type) {
    this(name, type, false);
  }
}
