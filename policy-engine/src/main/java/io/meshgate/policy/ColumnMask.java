package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

/**
 * A named mask function of the contract. The rewriter renders each one in the backend's
 * dialect; the masked column keeps its name and type.
 */
public sealed interface ColumnMask {

  /** The contract's function name. */
  String function();

  /** NULL of the column's type. */
  record Null() implements ColumnMask {
    @Override
    public String function() {
      return "null";
    }
  }

  /** Letters to x/X, digits to 0, everything else kept. */
  record Redact() implements ColumnMask {
    @Override
    public String function() {
      return "redact";
    }
  }

  /** A fixed value, cast to the column's type. */
  record Constant(String value) implements ColumnMask {
    public Constant {
      requireNonNull(value, "value is null");
    }

    @Override
    public String function() {
      return "constant";
    }
  }

  /** Hex SHA-256 of the salt followed by the text form. */
  record Hash(String salt) implements ColumnMask {
    public Hash {
      requireNonNull(salt, "salt is null");
    }

    @Override
    public String function() {
      return "hash";
    }
  }

  /** All but the last {@code n} characters replaced by x. */
  record ShowLast(int n) implements ColumnMask {
    public ShowLast {
      if (n < 0) {
        throw new IllegalArgumentException("n must not be negative");
      }
    }

    @Override
    public String function() {
      return "show_last";
    }
  }

  /** All but the first {@code n} characters replaced by x. */
  record ShowFirst(int n) implements ColumnMask {
    public ShowFirst {
      if (n < 0) {
        throw new IllegalArgumentException("n must not be negative");
      }
    }

    @Override
    public String function() {
      return "show_first";
    }
  }

  /** Local part replaced, domain kept. */
  record Email() implements ColumnMask {
    @Override
    public String function() {
      return "email";
    }
  }

  /** Date or timestamp truncated to a unit. */
  record TruncateDate(DateUnit unit) implements ColumnMask {
    public TruncateDate {
      requireNonNull(unit, "unit is null");
    }

    @Override
    public String function() {
      return "truncate_date";
    }
  }

  /** Number rounded to {@code digits} (negative rounds left of the point). */
  record Round(int digits) implements ColumnMask {
    @Override
    public String function() {
      return "round";
    }
  }

  /** Any scalar SQL expression over the table's own columns; validated by the rewriter. */
  record Expression(String expression) implements ColumnMask {
    public Expression {
      requireNonNull(expression, "expression is null");
      if (expression.isBlank()) {
        throw new IllegalArgumentException("mask expression must not be blank");
      }
    }

    @Override
    public String function() {
      return "expression";
    }
  }

  /** Units of {@link TruncateDate}. */
  enum DateUnit {
    YEAR,
    MONTH,
    DAY
  }
}
