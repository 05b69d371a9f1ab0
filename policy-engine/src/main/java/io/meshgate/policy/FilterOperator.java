package io.meshgate.policy;

import java.util.Arrays;
import java.util.Optional;

/** Operators of structured row filters, spelled as in the contract. */
public enum FilterOperator {
  EQUAL("="),
  NOT_EQUAL("!="),
  LESS("<"),
  LESS_OR_EQUAL("<="),
  GREATER(">"),
  GREATER_OR_EQUAL(">="),
  IN("in"),
  NOT_IN("not_in"),
  IS_NULL("is_null"),
  IS_NOT_NULL("is_not_null");

  private final String wireName;

  FilterOperator(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** How many values the operator takes: none, exactly one, or one or more. */
  public Arity arity() {
    return switch (this) {
      case IS_NULL, IS_NOT_NULL -> Arity.NONE;
      case IN, NOT_IN -> Arity.MANY;
      case EQUAL, NOT_EQUAL, LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL -> Arity.ONE;
    };
  }

  public static Optional<FilterOperator> fromWireName(String wireName) {
    return Arrays.stream(values()).filter(op -> op.wireName.equals(wireName)).findFirst();
  }

  /** Number of values an operator takes. */
  public enum Arity {
    NONE,
    ONE,
    MANY
  }
}
