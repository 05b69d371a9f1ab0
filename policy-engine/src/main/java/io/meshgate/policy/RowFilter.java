package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;

/** One row filter of a relation; all filters of a relation are ANDed. */
public sealed interface RowFilter {

  /**
   * A structured filter: the rewriter renders it with proper literal quoting, so values that
   * come from the subject are never pasted into SQL text. Values are {@link String}, {@link
   * BigDecimal} or {@link Boolean}.
   */
  record Comparison(String column, FilterOperator operator, List<Object> values)
      implements RowFilter {
    public Comparison {
      requireNonNull(column, "column is null");
      requireNonNull(operator, "operator is null");
      values = List.copyOf(requireNonNull(values, "values is null"));
      for (Object value : values) {
        if (!(value instanceof String || value instanceof BigDecimal || value instanceof Boolean)) {
          throw new IllegalArgumentException(
              "filter values must be strings, numbers or booleans, not " + value.getClass());
        }
      }
      switch (operator.arity()) {
        case NONE -> {
          if (!values.isEmpty()) {
            throw new IllegalArgumentException(operator.wireName() + " takes no values");
          }
        }
        case ONE -> {
          if (values.size() != 1) {
            throw new IllegalArgumentException(operator.wireName() + " takes exactly one value");
          }
        }
        case MANY -> {
          if (values.isEmpty()) {
            throw new IllegalArgumentException(operator.wireName() + " needs at least one value");
          }
        }
      }
    }
  }

  /**
   * A SQL boolean expression over the table's own columns, written by the domain owner; the
   * rewriter parses and validates it before use.
   */
  record Expression(String expression) implements RowFilter {
    public Expression {
      requireNonNull(expression, "expression is null");
      if (expression.isBlank()) {
        throw new IllegalArgumentException("expression filter must not be blank");
      }
    }
  }
}
