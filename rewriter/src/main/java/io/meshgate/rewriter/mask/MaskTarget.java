package io.meshgate.rewriter.mask;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import org.apache.calcite.sql.SqlNode;

/**
 * The column a mask applies to, its relation (for messages), and how to turn an {@code
 * expression} mask's text into a validated expression over the table's own columns.
 */
public record MaskTarget(RelationName relation, ColumnSchema column, ScalarExpressionParser parser) {
  public MaskTarget {
    requireNonNull(relation, "relation is null");
    requireNonNull(column, "column is null");
    requireNonNull(parser, "parser is null");
  }

  /** Parses and validates a policy's scalar expression. */
  @FunctionalInterface
  public interface ScalarExpressionParser {
    SqlNode parse(String expression, String context) throws SqlRefusal;
  }
}
