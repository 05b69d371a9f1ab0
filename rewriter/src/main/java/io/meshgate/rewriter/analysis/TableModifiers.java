package io.meshgate.rewriter.analysis;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.apache.calcite.sql.SqlLiteral;

/**
 * How a FROM item reads its governed table, which the derived table standing in for it must
 * keep: {@code ONLY} (the table's own rows, not those of tables inheriting from it) and
 * {@code TABLESAMPLE} (a sample of the raw rows, which the row filters then reduce, as
 * PostgreSQL's own row-level security does).
 */
public record TableModifiers(boolean only, Optional<SqlLiteral> sample) {
  public static final TableModifiers NONE = new TableModifiers(false, Optional.empty());
  public static final TableModifiers ONLY = new TableModifiers(true, Optional.empty());

  public TableModifiers {
    requireNonNull(sample, "sample is null");
  }

  TableModifiers sampled(SqlLiteral specification) {
    return new TableModifiers(only, Optional.of(specification));
  }
}
