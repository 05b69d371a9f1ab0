package io.meshgate.rewriter.apply;

import static io.meshgate.rewriter.apply.SessionRefusals.text;
import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Which spellings of a date, time or interval literal PostgreSQL reads alike in every session:
 * ISO 8601 dates and times (with their offset where the type is an instant), positive
 * intervals, and, for adding to an instant, intervals of a fixed length.
 */
final class LiteralSpellings {
  /** A date, or a date and time without offset, that every DateStyle reads alike. */
  static final Pattern ISO_DATE_TIME = Pattern.compile(
      "(-?infinity|\\d{4}-\\d{2}-\\d{2}([ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?)?)");

  /** An ISO 8601 date and time with its UTC offset, or infinity: one instant in every session. */
  static final Pattern ISO_INSTANT = Pattern.compile(
      "(-?infinity|\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}(:?\\d{2})?))");

  private static final Pattern ISO_TIME = Pattern.compile("\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?");

  private static final Pattern ISO_TIME_WITH_OFFSET =
      Pattern.compile("\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}(:?\\d{2})?)");

  /**
   * An interval of hours, minutes and seconds only: a fixed length, which an instant plus it
   * keeps in every time zone (a day or a month is 23 or 25 hours across a DST change).
   */
  private static final Pattern FIXED_LENGTH_INTERVAL = Pattern.compile(
      "\\s*(@\\s*)?(\\+?\\d+(\\.\\d+)?\\s*(microseconds?|milliseconds?|us|ms|seconds?|secs?|s|minutes?"
          + "|mins?|m|hours?|hrs?|hr|h)\\s*)+|\\s*\\+?\\d+:\\d{2}(:\\d{2}(\\.\\d+)?)?\\s*"
          + "|PT(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?",
      Pattern.CASE_INSENSITIVE);

  private final SessionRefusals refusals;

  LiteralSpellings(SessionRefusals refusals) {
    this.refusals = requireNonNull(refusals, "refusals is null");
  }

  /** Refuses {@code value}, a string literal in {@code node}, read as {@code type} by a setting. */
  void check(SqlNode node, String value, ValueType type) throws SqlRefusal {
    String text = value == null ? "" : value.strip();
    switch (type) {
      case DATE, TIMESTAMP -> {
        if (!ISO_DATE_TIME.matcher(text).matches()) {
          throw refusals.refusal("'" + value + "' as " + type.describe() + " is read by the client's"
              + " DateStyle (or time zone, for words like today); write ISO 8601, e.g."
              + " DATE '2025-01-31' or TIMESTAMP '2025-01-31 08:00:00'");
        }
      }
      case TIMESTAMP_WITH_TIME_ZONE -> {
        if (!ISO_INSTANT.matcher(text).matches()) {
          throw refusals.refusal("'" + value + "' as a timestamp with time zone is read in the client's"
              + " time zone and DateStyle; write an ISO 8601 time with its UTC offset, e.g."
              + " TIMESTAMPTZ '2025-01-01 00:00:00+00'");
        }
      }
      case TIME -> {
        if (!ISO_TIME.matcher(text).matches()) {
          throw refusals.refusal("'" + value + "' as a time may be read by the client's session; write"
              + " HH:MM:SS, e.g. TIME '08:00:00'");
        }
      }
      case TIME_WITH_TIME_ZONE -> {
        if (!ISO_TIME_WITH_OFFSET.matcher(text).matches()) {
          throw refusals.refusal("'" + value + "' as a time with time zone takes the client's offset;"
              + " write the offset, e.g. TIME WITH TIME ZONE '08:00:00+00'");
        }
      }
      case INTERVAL -> checkInterval(text);
      case MONEY -> throw refusals.refusal("money's values and text follow the client's lc_monetary;"
          + " compute with numeric instead");
      case UNKNOWN -> throw refusals.refusal("cannot tell how PostgreSQL reads '" + value + "' in "
          + text(node) + "; cast it to a date, time, text or numeric type explicitly");
      case NULL, STRING_LITERAL, TEXT, PLAIN, FLOAT, BYTEA -> {
        // read alike in every session
      }
    }
  }

  /** IntervalStyle sql_standard applies a leading minus sign to every field that follows. */
  void checkInterval(String text) throws SqlRefusal {
    if (text.contains("-")) {
      throw refusals.refusal("the interval '" + text + "' with a minus sign is read differently under the"
          + " client's IntervalStyle; write a positive interval and subtract it, e.g."
          + " x - interval '1 day'");
    }
  }

  /** Refuses an interval that an instant plus it would lengthen or shorten across DST. */
  void checkFixedLength(SqlNode interval) throws SqlRefusal {
    if (!isFixedLength(interval)) {
      throw refusals.refusal("adding days, months or years to a timestamp with time zone (" + text(interval)
          + ") follows the daylight saving time of the client's time zone; add hours, e.g."
          + " now() - interval '720 hours', or compute at a named zone, e.g."
          + " ((now() AT TIME ZONE 'UTC') - interval '30 days') AT TIME ZONE 'UTC'");
    }
  }

  private static boolean isFixedLength(SqlNode interval) {
    if (interval instanceof SqlIntervalLiteral literal) {
      TimeUnit start = literal.getValueAs(SqlIntervalLiteral.IntervalValue.class)
          .getIntervalQualifier().getStartUnit();
      return start == TimeUnit.HOUR || start == TimeUnit.MINUTE || start == TimeUnit.SECOND;
    }
    if (interval instanceof SqlCharStringLiteral literal) {
      return FIXED_LENGTH_INTERVAL.matcher(literal.toValue()).matches();
    }
    if (interval instanceof SqlCall call && call.getKind() == SqlKind.CAST
        && call.operand(0) instanceof SqlCharStringLiteral literal
        && !(call.operand(1) instanceof SqlIntervalQualifier)) {
      return FIXED_LENGTH_INTERVAL.matcher(literal.toValue()).matches();
    }
    return false;
  }
}
