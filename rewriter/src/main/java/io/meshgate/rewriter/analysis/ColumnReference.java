package io.meshgate.rewriter.analysis;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.apache.calcite.sql.SqlIdentifier;

/**
 * An identifier of the statement that may denote a column of a governed table reference:
 * {@code column} is that column, or empty when the identifier denotes the whole row ({@code
 * t}) or all its columns ({@code *}, {@code t.*}). Like {@link ColumnUsage} it
 * over-approximates: an identifier that may denote the column counts.
 */
public record ColumnReference(SqlIdentifier identifier, TableReference table, Optional<String> column) {
  public ColumnReference {
    requireNonNull(identifier, "identifier is null");
    requireNonNull(table, "table is null");
    requireNonNull(column, "column is null");
  }
}
