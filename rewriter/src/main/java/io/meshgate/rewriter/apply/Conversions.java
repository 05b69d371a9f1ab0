package io.meshgate.rewriter.apply;

import static io.meshgate.rewriter.apply.SessionRefusals.text;
import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import java.util.Set;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlNode;

/**
 * The conversions between types PostgreSQL makes, explicitly by casts and implicitly when it
 * compares or combines values, refused where one reads a setting (a timestamp converted to a
 * timestamp with time zone at the client's zone, a date's text form by its DateStyle).
 */
final class Conversions {
  static final String ZONE_FIX = "name the zone with AT TIME ZONE, e.g. "
      + "(created_at AT TIME ZONE 'UTC')::date, or compare instants, e.g. created_at >= "
      + "TIMESTAMPTZ '2025-01-01 00:00:00+00'";

  private final SessionRefusals refusals;
  private final LiteralSpellings literals;

  Conversions(SessionRefusals refusals, LiteralSpellings literals) {
    this.refusals = requireNonNull(refusals, "refusals is null");
    this.literals = requireNonNull(literals, "literals is null");
  }

  /**
   * The type PostgreSQL resolves two values compared or combined together to, refusing a
   * conversion between them that reads a setting.
   */
  ValueType combine(ValueType first, ValueType second) throws SqlRefusal {
    if (first == second && first != ValueType.UNKNOWN) {
      return first;
    }
    if (first.isNonTemporal() && second.isNonTemporal()) {
      return first == ValueType.FLOAT || second == ValueType.FLOAT ? ValueType.FLOAT
          : ValueType.PLAIN;
    }
    Set<ValueType> pair = Set.of(first, second);
    if (pair.equals(Set.of(ValueType.DATE, ValueType.TIMESTAMP))) {
      return ValueType.TIMESTAMP;
    }
    if (pair.contains(ValueType.TIMESTAMP_WITH_TIME_ZONE)
        && (pair.contains(ValueType.DATE) || pair.contains(ValueType.TIMESTAMP))) {
      throw refusals.refusal("comparing or combining a timestamp with time zone with "
          + (pair.contains(ValueType.DATE) ? ValueType.DATE : ValueType.TIMESTAMP).describe()
          + " converts the latter at the client's time zone; " + ZONE_FIX);
    }
    if (pair.equals(Set.of(ValueType.TIME, ValueType.TIME_WITH_TIME_ZONE))) {
      throw refusals.refusal("comparing a time with a time with time zone converts it at the client's"
          + " time zone; give the time its offset, e.g. TIME WITH TIME ZONE '08:00:00+00'");
    }
    throw refusals.refusal("cannot tell whether combining " + first.describe() + " with "
        + second.describe() + " depends on the client's session settings; cast both sides to"
        + " one type, e.g. TIMESTAMPTZ '2025-01-01 00:00:00+00' or (now() AT TIME ZONE"
        + " 'UTC')::date");
  }

  /**
   * Refuses converting {@code node}, of type {@code from}, to {@code to} when PostgreSQL's
   * conversion reads a setting.
   */
  void convert(SqlNode node, ValueType from, ValueType to) throws SqlRefusal {
    if (from == ValueType.NULL || (from == to && from != ValueType.UNKNOWN)) {
      return;
    }
    if (from == ValueType.STRING_LITERAL) {
      literalAs(node, to);
      return;
    }
    if (from == ValueType.MONEY || to == ValueType.MONEY) {
      throw refusals.refusal("money's values and text follow the client's lc_monetary; compute with"
          + " numeric instead");
    }
    if (from == ValueType.UNKNOWN || to == ValueType.UNKNOWN) {
      throw refusals.refusal("cannot tell whether converting " + text(node) + " to "
          + to.describe() + " depends on the client's session settings; cast to a date, time,"
          + " text or numeric type explicitly");
    }
    switch (from) {
      case TIMESTAMP_WITH_TIME_ZONE -> throw refusals.refusal("converting a timestamp with time zone to "
          + to.describe() + " (" + text(node) + ") happens at the client's time zone; "
          + ZONE_FIX);
      case DATE, TIMESTAMP -> {
        if (to == ValueType.TIMESTAMP_WITH_TIME_ZONE) {
          throw refusals.refusal("converting " + from.describe() + " to a timestamp with time zone ("
              + text(node) + ") happens at the client's time zone; name the zone, e.g."
              + " day::timestamp AT TIME ZONE 'UTC', or write an instant, e.g."
              + " TIMESTAMPTZ '2025-01-01 00:00:00+00'");
        }
        if (to == ValueType.TEXT) {
          throw textForm(node, from, "DateStyle", "to_char(" + text(node)
              + (from == ValueType.DATE ? "::timestamp" : "") + ", 'YYYY-MM-DD')");
        }
        if (to == ValueType.DATE || to == ValueType.TIMESTAMP
            || (from == ValueType.TIMESTAMP && to == ValueType.TIME)) {
          return;
        }
      }
      case TIME -> {
        if (to == ValueType.TIME_WITH_TIME_ZONE) {
          throw refusals.refusal("converting a time to a time with time zone (" + text(node) + ") takes"
              + " the client's time zone offset; write the offset, e.g. TIME WITH TIME ZONE"
              + " '08:00:00+00'");
        }
        if (to == ValueType.INTERVAL || to == ValueType.TEXT) {
          return; // a time's text form is HH:MM:SS in every DateStyle
        }
      }
      case TIME_WITH_TIME_ZONE -> {
        if (to == ValueType.TIME || to == ValueType.TEXT) {
          return; // it carries its own offset
        }
      }
      case INTERVAL -> {
        if (to == ValueType.TEXT) {
          throw textForm(node, from, "IntervalStyle", "extract(epoch from " + text(node) + ")");
        }
        if (to == ValueType.TIME) {
          return;
        }
      }
      case FLOAT -> {
        if (to == ValueType.TEXT) {
          throw textForm(node, from, "extra_float_digits", text(node) + "::numeric::text");
        }
        if (to == ValueType.PLAIN) {
          return;
        }
      }
      case BYTEA -> {
        if (to == ValueType.TEXT) {
          throw textForm(node, from, "bytea_output", "encode(" + text(node) + ", 'hex')");
        }
        if (to == ValueType.PLAIN) {
          return;
        }
      }
      case TEXT, PLAIN -> {
        if (to == ValueType.TEXT || to == ValueType.PLAIN || to == ValueType.FLOAT
            || to == ValueType.BYTEA) {
          return;
        }
        throw refusals.refusal("converting " + text(node) + " to " + to.describe() + " reads it by the"
            + " client's DateStyle and time zone; write ISO 8601 literals, e.g. DATE"
            + " '2025-01-31' or TIMESTAMPTZ '2025-01-01 00:00:00+00', or compute the value with"
            + " make_date/make_timestamp");
      }
      case NULL, STRING_LITERAL, MONEY, UNKNOWN -> {
        // handled above
      }
    }
    throw refusals.refusal("cannot tell whether converting " + from.describe() + " to "
        + to.describe() + " (" + text(node) + ") depends on the client's session settings");
  }

  private SqlRefusal textForm(SqlNode node, ValueType from, String setting, String fix) {
    return refusals.refusal("the text form of " + from.describe() + " (" + text(node) + ") follows the"
        + " client's " + setting + "; write " + fix + " instead");
  }

  /** Refuses a string literal that PostgreSQL would read as {@code type} by a setting. */
  void literalAs(SqlNode node, ValueType type) throws SqlRefusal {
    if (!(node instanceof SqlCharStringLiteral literal)) {
      if (type == ValueType.TEXT || type == ValueType.PLAIN || type == ValueType.FLOAT
          || type == ValueType.BYTEA || type == ValueType.NULL) {
        return;
      }
      throw refusals.refusal("cannot tell how PostgreSQL reads " + text(node) + " as " + type.describe()
          + "; write a typed literal, e.g. DATE '2025-01-31'");
    }
    literals.check(node, literal.toValue(), type);
  }
}
