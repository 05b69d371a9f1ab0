package io.meshgate.rewriter.apply;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import org.apache.calcite.sql.SqlNode;

/**
 * The types of {@code +}, {@code -}, {@code *}, {@code /} and {@code %} over operands already
 * read, refusing what reads a setting: days added to an instant follow the zone's daylight
 * saving time, and an operand PostgreSQL reads by the other's type is converted first.
 */
final class Arithmetic {
  private final SessionRefusals refusals;
  private final Conversions conversions;
  private final LiteralSpellings literals;

  Arithmetic(SessionRefusals refusals, Conversions conversions, LiteralSpellings literals) {
    this.refusals = requireNonNull(refusals, "refusals is null");
    this.conversions = requireNonNull(conversions, "conversions is null");
    this.literals = requireNonNull(literals, "literals is null");
  }

  ValueType plus(SqlNode left, ValueType leftType, SqlNode right, ValueType rightType)
      throws SqlRefusal {
    if (isNumber(leftType) && isNumber(rightType)) {
      return number(leftType, rightType);
    }
    if (leftType == ValueType.INTERVAL || (leftType == ValueType.STRING_LITERAL
        && rightType != ValueType.INTERVAL && rightType != ValueType.STRING_LITERAL)) {
      // addition commutes: read interval + x as x + interval
      return addTo(right, rightType, left, leftType);
    }
    return addTo(left, leftType, right, rightType);
  }

  private ValueType addTo(SqlNode base, ValueType baseType, SqlNode added, ValueType addedType)
      throws SqlRefusal {
    if (baseType == ValueType.NULL || addedType == ValueType.NULL) {
      return baseType == ValueType.NULL ? addedType : baseType;
    }
    switch (baseType) {
      case TIMESTAMP_WITH_TIME_ZONE -> {
        conversions.convert(added, addedType, ValueType.INTERVAL);
        literals.checkFixedLength(added);
        return ValueType.TIMESTAMP_WITH_TIME_ZONE;
      }
      case DATE -> {
        if (addedType == ValueType.PLAIN) {
          return ValueType.DATE;
        }
        if (addedType == ValueType.INTERVAL || addedType == ValueType.TIME) {
          return ValueType.TIMESTAMP;
        }
        if (addedType == ValueType.TIME_WITH_TIME_ZONE) {
          return ValueType.TIMESTAMP_WITH_TIME_ZONE;
        }
      }
      case TIMESTAMP, TIME, TIME_WITH_TIME_ZONE, INTERVAL -> {
        if (addedType == ValueType.INTERVAL || addedType == ValueType.STRING_LITERAL) {
          conversions.convert(added, addedType, ValueType.INTERVAL);
          return baseType;
        }
        if (baseType == ValueType.TIME && addedType == ValueType.DATE) {
          return ValueType.TIMESTAMP;
        }
      }
      default -> {
        // refused below
      }
    }
    throw refusals.refusal("cannot tell whether adding " + addedType.describe() + " to "
        + baseType.describe() + " depends on the client's session settings; give both sides a"
        + " type, e.g. DATE '2025-01-31' + 7 or TIMESTAMP '2025-01-31 00:00:00' + interval"
        + " '1 day'");
  }

  ValueType minus(SqlNode left, ValueType leftType, SqlNode right, ValueType rightType)
      throws SqlRefusal {
    if (isNumber(leftType) && isNumber(rightType)) {
      return number(leftType, rightType);
    }
    if (leftType == ValueType.NULL || rightType == ValueType.NULL) {
      return leftType == ValueType.NULL ? rightType : leftType;
    }
    if (rightType == ValueType.INTERVAL
        || (rightType == ValueType.PLAIN && leftType == ValueType.DATE)) {
      // subtracting an interval or a number of days works like adding it
      return addTo(left, leftType, right, rightType);
    }
    if (rightType == ValueType.STRING_LITERAL || leftType == ValueType.STRING_LITERAL) {
      // PostgreSQL reads an untyped string as the other operand's type: x - x
      ValueType known = rightType == ValueType.STRING_LITERAL ? leftType : rightType;
      conversions.literalAs(rightType == ValueType.STRING_LITERAL ? right : left, known);
      rightType = known;
      leftType = known;
    }
    ValueType common = conversions.combine(leftType, rightType);
    return switch (common) {
      case DATE -> ValueType.PLAIN;
      case TIMESTAMP, TIMESTAMP_WITH_TIME_ZONE, TIME -> ValueType.INTERVAL;
      case INTERVAL -> ValueType.INTERVAL;
      case TEXT, PLAIN, FLOAT, BYTEA -> common;
      case NULL, STRING_LITERAL, MONEY, TIME_WITH_TIME_ZONE, UNKNOWN -> throw refusals.refusal(
          "cannot tell whether subtracting " + rightType.describe() + " from "
              + leftType.describe() + " depends on the client's session settings");
    };
  }

  /** Multiplication, division and modulo. */
  ValueType multiply(ValueType leftType, ValueType rightType) throws SqlRefusal {
    if (isNumber(leftType) && isNumber(rightType)) {
      return number(leftType, rightType);
    }
    if ((leftType == ValueType.INTERVAL && isNumber(rightType))
        || (rightType == ValueType.INTERVAL && isNumber(leftType))) {
      return ValueType.INTERVAL;
    }
    throw refusals.refusal("cannot tell whether multiplying or dividing " + leftType.describe()
        + " and " + rightType.describe() + " depends on the client's session settings");
  }

  private static boolean isNumber(ValueType type) {
    return type == ValueType.PLAIN || type == ValueType.FLOAT || type == ValueType.TEXT
        || type == ValueType.STRING_LITERAL || type == ValueType.NULL;
  }

  private static ValueType number(ValueType left, ValueType right) {
    return left == ValueType.FLOAT || right == ValueType.FLOAT ? ValueType.FLOAT
        : ValueType.PLAIN;
  }
}
