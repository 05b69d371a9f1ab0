package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.PgIdentifiers;
import java.util.Optional;

/**
 * One column of a table. {@code type} is PostgreSQL's {@code format_type()} text, e.g.
 * {@code text}, {@code integer}, {@code numeric(12,2)}, {@code date}, {@code character
 * varying(100)}, {@code timestamp without time zone}, {@code bigint}, {@code double precision}.
 *
 * @param generated whether PostgreSQL computes the column ({@code GENERATED ALWAYS AS (...)
 *     STORED}): a write changes it without naming it, which a check of the new row must know
 * @param collation the column's collation when it is not its type's default ({@code name text
 *     COLLATE "C"}): a comparison with the column uses it, so a check of a new value against
 *     the row filters must use it too
 */
public record ColumnSchema(String name, String type, boolean generated, Optional<Collation> collation) {
  public ColumnSchema {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(collation, "collation is null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("column name must not be empty");
    }
    if (type.isBlank()) {
      throw new IllegalArgumentException("column type must not be blank");
    }
  }

  /** A column of its type's default collation. */
  public ColumnSchema(String name, String type, boolean generated) {
    this(name, type, generated, Optional.empty());
  }

  /** A column the writer gives its value (not generated), of its type's default collation. */
  public ColumnSchema(String name, String type) {
    this(name, type, false);
  }

  /** A collation as pg_collation names it: its schema and name, unquoted. */
  public record Collation(String schema, String name) {
    public Collation {
      requireNonNull(schema, "schema is null");
      requireNonNull(name, "name is null");
      if (schema.isEmpty() || name.isEmpty()) {
        throw new IllegalArgumentException("a collation needs a schema and a name");
      }
    }

    /** The qualified, quoted name a {@code COLLATE} clause takes. */
    public String sql() {
      return PgIdentifiers.quote(schema) + "." + PgIdentifiers.quote(name);
    }
  }
}
