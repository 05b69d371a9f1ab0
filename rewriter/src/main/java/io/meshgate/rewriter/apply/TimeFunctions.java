package io.meshgate.rewriter.apply;

import static io.meshgate.rewriter.apply.SessionRefusals.text;
import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlNode;

/**
 * The date and time functions and AT TIME ZONE, which compute in the client's time zone unless
 * given one: each names the spelling that does not (a zone after AT TIME ZONE, a timestamp
 * rather than an instant, a template without TM). Their operands are read by the walker that
 * asks.
 */
final class TimeFunctions {
  /** How the walker reads the operands of the calls read here. */
  interface OperandReader {
    ValueType read(SqlNode operand) throws SqlRefusal;

    void readAll(List<SqlNode> operands) throws SqlRefusal;

    /** The type values compared or combined together resolve to (see {@link Conversions}). */
    ValueType union(List<SqlNode> operands) throws SqlRefusal;

    /** A call read by no rule of its own: safe only over values whose types read no setting. */
    ValueType readOtherCall(String name, List<SqlNode> operands) throws SqlRefusal;
  }

  private final OperandReader reader;
  private final SessionRefusals refusals;
  private final Conversions conversions;
  private final FormatTemplates formats;

  TimeFunctions(OperandReader reader, SessionRefusals refusals, Conversions conversions,
      FormatTemplates formats) {
    this.reader = requireNonNull(reader, "reader is null");
    this.refusals = requireNonNull(refusals, "refusals is null");
    this.conversions = requireNonNull(conversions, "conversions is null");
    this.formats = requireNonNull(formats, "formats is null");
  }

  ValueType atTimeZone(SqlNode value, SqlNode zone) throws SqlRefusal {
    ValueType zoneType = reader.read(zone);
    if (zoneType != ValueType.STRING_LITERAL && zoneType != ValueType.TEXT
        && zoneType != ValueType.INTERVAL && zoneType != ValueType.NULL) {
      throw refusals.cannotTell("AT TIME ZONE", zoneType);
    }
    ValueType type = reader.read(value);
    return switch (type) {
      case TIMESTAMP_WITH_TIME_ZONE -> ValueType.TIMESTAMP;
      case TIMESTAMP -> ValueType.TIMESTAMP_WITH_TIME_ZONE;
      case TIME_WITH_TIME_ZONE -> ValueType.TIME_WITH_TIME_ZONE;
      case NULL -> ValueType.NULL;
      case STRING_LITERAL -> {
        // PostgreSQL resolves an untyped string here to a timestamp with time zone
        conversions.literalAs(value, ValueType.TIMESTAMP_WITH_TIME_ZONE);
        yield ValueType.TIMESTAMP;
      }
      case DATE -> throw refusals.refusal("a date AT TIME ZONE is first converted to a timestamp with"
          + " time zone at the client's time zone; cast it to timestamp first, e.g."
          + " day::timestamp AT TIME ZONE 'UTC'");
      case TIME -> throw refusals.refusal("a time AT TIME ZONE is first given the client's time zone"
          + " offset; write the offset, e.g. TIME WITH TIME ZONE '08:00:00+00' AT TIME ZONE"
          + " 'UTC'");
      case TEXT, PLAIN, FLOAT, BYTEA, MONEY, INTERVAL, UNKNOWN -> throw refusals.cannotTell(
          "AT TIME ZONE", type);
    };
  }

  ValueType extract(SqlCall call) throws SqlRefusal {
    List<SqlNode> operands = call.getOperandList();
    String field = field(operands.get(0));
    ValueType source = reader.read(operands.get(1));
    boolean datePart = !(operands.get(0) instanceof SqlIntervalQualifier);
    switch (source) {
      case TIMESTAMP_WITH_TIME_ZONE -> {
        if (!field.equals("epoch")) {
          throw refusals.refusal("extracting " + field + " from a timestamp with time zone ("
              + text(operands.get(1)) + ") reads the client's time zone; name the zone, e.g."
              + " extract(hour from created_at AT TIME ZONE 'UTC')");
        }
      }
      case DATE, TIMESTAMP, TIME, TIME_WITH_TIME_ZONE, INTERVAL, NULL -> {
        // no zone involved
      }
      case STRING_LITERAL, TEXT, PLAIN, FLOAT, BYTEA, MONEY, UNKNOWN -> throw refusals.cannotTell(
          datePart ? "date_part" : "extract", source);
    }
    return datePart ? ValueType.FLOAT : ValueType.PLAIN;
  }

  private static String field(SqlNode node) {
    if (node instanceof SqlIntervalQualifier qualifier) {
      if (qualifier.timeFrameName != null) {
        return qualifier.timeFrameName.toLowerCase(Locale.ROOT);
      }
      return qualifier.timeUnitRange.name().toLowerCase(Locale.ROOT);
    }
    if (node instanceof SqlCharStringLiteral literal) {
      return literal.toValue().strip().toLowerCase(Locale.ROOT);
    }
    return "a field";
  }

  ValueType dateTrunc(List<SqlNode> operands) throws SqlRefusal {
    reader.readAll(operands.subList(0, 1));
    if (operands.size() < 2) {
      return reader.readOtherCall("date_trunc", operands);
    }
    SqlNode value = operands.get(1);
    ValueType source = reader.read(value);
    if (operands.size() == 3) {
      conversions.convert(operands.get(2), reader.read(operands.get(2)), ValueType.TEXT);
      conversions.convert(value, source, ValueType.TIMESTAMP_WITH_TIME_ZONE);
      return ValueType.TIMESTAMP_WITH_TIME_ZONE;
    }
    return switch (source) {
      case TIMESTAMP, INTERVAL, NULL -> source;
      case TIMESTAMP_WITH_TIME_ZONE -> throw refusals.refusal("date_trunc of a timestamp with time zone ("
          + text(value) + ") truncates at the client's time zone; name the zone, e.g."
          + " date_trunc('day', created_at AT TIME ZONE 'UTC') for a timestamp, or"
          + " date_trunc('day', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' for an"
          + " instant");
      case DATE -> throw refusals.refusal("date_trunc of a date (" + text(value) + ") converts it to a"
          + " timestamp with time zone at the client's time zone; cast it, e.g."
          + " date_trunc('month', day::timestamp)");
      case STRING_LITERAL, TEXT, PLAIN, FLOAT, BYTEA, MONEY, TIME, TIME_WITH_TIME_ZONE,
          UNKNOWN -> throw refusals.cannotTell("date_trunc", source);
    };
  }

  ValueType age(List<SqlNode> arguments) throws SqlRefusal {
    if (arguments.size() == 1) {
      reader.read(arguments.get(0));
      throw refusals.refusal("age with one argument counts from the current date in the client's time"
          + " zone; write age((now() AT TIME ZONE 'UTC')::date::timestamp, x)");
    }
    List<ValueType> types = new ArrayList<>();
    for (SqlNode argument : arguments) {
      types.add(reader.read(argument));
    }
    for (int index = 0; index < arguments.size(); index++) {
      if (types.get(index) != ValueType.TIMESTAMP && types.get(index) != ValueType.NULL) {
        throw refusals.refusal("age of " + types.get(index).describe() + " (" + text(arguments.get(index))
            + ") counts months and days in the client's time zone; pass timestamps, e.g."
            + " age(created_at AT TIME ZONE 'UTC', TIMESTAMP '2025-01-01 00:00:00') or"
            + " day::timestamp");
      }
    }
    return ValueType.INTERVAL;
  }

  ValueType toChar(List<SqlNode> arguments) throws SqlRefusal {
    if (arguments.size() != 2) {
      return reader.readOtherCall("to_char", arguments);
    }
    SqlNode value = arguments.get(0);
    ValueType type = reader.read(value);
    reader.read(arguments.get(1));
    switch (type) {
      case TIMESTAMP, INTERVAL -> formats.checkDateFormat(arguments.get(1), "to_char");
      case PLAIN, FLOAT -> formats.checkNumericFormat(arguments.get(1), "to_char");
      case NULL -> {
        // NULL formats to NULL
      }
      case TIMESTAMP_WITH_TIME_ZONE -> throw refusals.refusal("to_char of a timestamp with time zone ("
          + text(value) + ") formats it in the client's time zone; name the zone, e.g."
          + " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
      case DATE -> throw refusals.refusal("to_char of a date (" + text(value) + ") converts it to a"
          + " timestamp with time zone at the client's time zone; cast it, e.g."
          + " to_char(day::timestamp, 'YYYY-MM-DD')");
      case STRING_LITERAL, TEXT, BYTEA, MONEY, TIME, TIME_WITH_TIME_ZONE, UNKNOWN ->
          throw refusals.cannotTell("to_char", type);
    }
    return ValueType.TEXT;
  }

  /** date_bin(stride, source, origin): only timestamps, which the function bins alike. */
  ValueType dateBin(List<SqlNode> arguments) throws SqlRefusal {
    conversions.convert(arguments.get(0), reader.read(arguments.get(0)), ValueType.INTERVAL);
    ValueType source = reader.union(arguments.subList(1, 3));
    if (source != ValueType.TIMESTAMP && source != ValueType.TIMESTAMP_WITH_TIME_ZONE) {
      throw refusals.refusal("date_bin over " + source.describe() + " is resolved to a timestamp"
          + " with time zone at the client's time zone; cast it to timestamp first, e.g."
          + " date_bin('1 day', day::timestamp, TIMESTAMP '2025-01-01')");
    }
    return source;
  }

  ValueType makeTimestampWithTimeZone(List<SqlNode> arguments) throws SqlRefusal {
    reader.readAll(arguments);
    if (arguments.size() < 7) {
      throw refusals.refusal("make_timestamptz without its time zone argument reads the client's"
          + " time zone; pass the zone, e.g. make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC')");
    }
    return ValueType.TIMESTAMP_WITH_TIME_ZONE;
  }

  ValueType toTimestamp(List<SqlNode> arguments) throws SqlRefusal {
    if (arguments.size() != 1) {
      throw refusals.refusal("to_timestamp(text, format) reads the text in the client's time zone;"
          + " parse it as a timestamp and name the zone, e.g. to_date(…) or"
          + " TIMESTAMPTZ '2025-01-01 00:00:00+00'");
    }
    ValueType seconds = reader.read(arguments.get(0));
    if (seconds != ValueType.PLAIN && seconds != ValueType.FLOAT
        && seconds != ValueType.NULL) {
      throw refusals.cannotTell("to_timestamp", seconds);
    }
    return ValueType.TIMESTAMP_WITH_TIME_ZONE;
  }
}
