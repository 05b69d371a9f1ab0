package io.meshgate.rewriter.apply;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.mask.PostgresTypes;
import io.meshgate.rewriter.tree.AtTimeZoneOperator;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlCollectionTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.SqlUserDefinedTypeNameSpec;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Refuses a policy expression whose value PostgreSQL would compute differently from one client
 * session to the next. The backend evaluates a filter or mask in the client's session, whose
 * TimeZone, DateStyle, IntervalStyle, extra_float_digits, lc_monetary, lc_time, bytea_output,
 * default_text_search_config and search_path the client sets; a filter that follows them
 * admits other rows for a client that changes them, and a mask reveals what it hides (a day
 * truncated at a time zone chosen to the second tells the hidden hour).
 *
 * <p>It reads the type of every subexpression from the table's column types, far enough to see
 * the conversions PostgreSQL makes (explicitly by casts, implicitly by comparisons, operators
 * and function resolution) and the functions that read a setting. Whatever it cannot read with
 * confidence while a time, float, money or unknown type is involved is refused too: policy
 * expressions only call the built-in allowlist, so every function that takes or returns a time
 * type is known here, and anything else gets the strict reading.
 */
final class SessionIndependence {
  /** What a value's type says about how it depends on session settings. */
  enum ValueType {
    /** A NULL literal: takes any type. */
    NULL,
    /** A string literal without a type: PostgreSQL reads it as the type its use asks for. */
    STRING_LITERAL,
    /** Text: converting to it shows a value's text form, which some types take from settings. */
    TEXT,
    /** Exact numbers, booleans, uuid, json and other types whose conversions read no setting. */
    PLAIN,
    /** real and double precision: their text form follows extra_float_digits. */
    FLOAT,
    /** Its text form follows bytea_output. */
    BYTEA,
    /** Its text form, input and fractional digits follow lc_monetary. */
    MONEY,
    DATE,
    TIME,
    TIME_WITH_TIME_ZONE,
    TIMESTAMP,
    TIMESTAMP_WITH_TIME_ZONE,
    /** Its text form follows IntervalStyle; adding days to an instant follows the zone's DST. */
    INTERVAL,
    /** A type Meshgate does not read (a range, geometry, a user type, an array of times). */
    UNKNOWN
  }

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

  /** Text in double quotes in a to_char template, copied as it is (a backslash escapes a quote). */
  private static final Pattern QUOTED_FORMAT_TEXT = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"");

  /** Types whose value or text form may follow a setting, or that Meshgate cannot read. */
  private static final Set<ValueType> SENSITIVE = Set.of(ValueType.FLOAT, ValueType.MONEY,
      ValueType.DATE, ValueType.TIME, ValueType.TIME_WITH_TIME_ZONE, ValueType.TIMESTAMP,
      ValueType.TIMESTAMP_WITH_TIME_ZONE, ValueType.INTERVAL, ValueType.UNKNOWN);

  private static final Set<ValueType> NON_TEMPORAL =
      Set.of(ValueType.TEXT, ValueType.PLAIN, ValueType.FLOAT, ValueType.BYTEA);

  /** Numeric functions of numbers: nothing in them reads a setting. */
  private static final Set<String> MATHEMATICAL = Set.of("abs", "ceil", "ceiling", "floor",
      "round", "trunc", "sign", "mod", "power", "pow", "sqrt", "cbrt", "exp", "ln", "log", "log10",
      "degrees", "radians", "div", "gcd", "lcm", "scale", "trim_scale", "min_scale", "width_bucket",
      "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sind", "cosd", "tand", "asind",
      "acosd", "atand", "atan2d", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh");

  /**
   * Numeric functions PostgreSQL has for double precision only: their result's text form follows
   * extra_float_digits as a float column's does, whatever the arguments' types.
   */
  private static final Set<String> FLOAT_RESULT = Set.of("pi", "random", "cbrt", "degrees",
      "radians", "sin", "cos", "tan", "cot", "asin", "acos", "atan", "atan2", "sind", "cosd",
      "tand", "cotd", "asind", "acosd", "atand", "atan2d", "sinh", "cosh", "tanh", "asinh",
      "acosh", "atanh", "ts_rank", "ts_rank_cd");

  /**
   * Numeric functions PostgreSQL has for double precision and numeric: an integer argument
   * resolves to double precision (the preferred numeric type), so the result is a float unless
   * an argument is numeric.
   */
  private static final Set<String> FLOAT_UNLESS_NUMERIC = Set.of("sqrt", "exp", "ln", "log",
      "log10", "power", "pow");

  /**
   * Functions that look names up, or write them, by the client's search_path: an unqualified
   * name finds the client's own object of that name in a schema the client put first.
   */
  private static final Set<String> SEARCH_PATH_FUNCTIONS = Set.of("to_regclass", "to_regcollation",
      "to_regoper", "to_regoperator", "to_regproc", "to_regprocedure", "to_regtype",
      "has_table_privilege", "has_any_column_privilege", "has_column_privilege",
      "has_sequence_privilege", "has_function_privilege", "has_type_privilege", "format_type");

  /** Functions whose result type is fixed and that read no setting from their arguments. */
  private static final Map<String, ValueType> MADE_FROM_PARTS = Map.of("make_date",
      ValueType.DATE, "make_time", ValueType.TIME, "make_timestamp", ValueType.TIMESTAMP,
      "make_interval", ValueType.INTERVAL, "isfinite", ValueType.PLAIN);

  /** Functions that turn arguments of any type into text by their output functions. */
  private static final Set<String> TEXT_OF_ANY = Set.of("concat", "concat_ws", "format",
      "quote_literal", "quote_nullable", "to_json", "to_jsonb", "json_build_object",
      "jsonb_build_object", "json_build_array", "jsonb_build_array", "array_to_string",
      "array_to_json", "row_to_json", "textanycat", "anytextcat");

  private static final Set<String> SESSION_ZONE_FUNCTIONS =
      Set.of("current_date", "current_time", "localtime", "localtimestamp", "timeofday");

  private static final String ZONE_FIX = "name the zone with AT TIME ZONE, e.g. "
      + "(created_at AT TIME ZONE 'UTC')::date, or compare instants, e.g. created_at >= "
      + "TIMESTAMPTZ '2025-01-01 00:00:00+00'";

  private final TableSchema table;
  private final String context;

  private SessionIndependence(TableSchema table, String context) {
    this.table = requireNonNull(table, "table is null");
    this.context = requireNonNull(context, "context is null");
  }

  /** Refuses a validated filter expression (columns already unqualified) that reads settings. */
  static void check(SqlNode expression, TableSchema table, String context) throws SqlRefusal {
    new SessionIndependence(table, context).read(expression);
  }

  /**
   * Refuses a validated mask expression that reads settings, including in the cast of its
   * result back to the column's type (a timestamp cast to {@code timestamptz} is read in the
   * session's time zone).
   */
  static void checkMask(SqlNode expression, TableSchema table, ColumnSchema column, String context)
      throws SqlRefusal {
    SessionIndependence reading = new SessionIndependence(table, context);
    ValueType result = reading.read(expression);
    reading.convert(expression, result, typeOfName(column.type()));
  }

  /** How a PostgreSQL type name, as format_type() or a cast writes it, depends on settings. */
  static ValueType typeOfName(String typeName) {
    String type = typeName.strip();
    int bracket = type.indexOf('[');
    if (bracket > 0 && type.endsWith("]")) {
      ValueType element = typeOfName(type.substring(0, bracket));
      return element == ValueType.TEXT || element == ValueType.PLAIN
          ? ValueType.PLAIN : ValueType.UNKNOWN;
    }
    String base = PostgresTypes.baseName(type);
    if (base.startsWith("interval")) {
      return ValueType.INTERVAL;
    }
    return switch (base) {
      case "text", "character varying", "varchar", "character", "char", "bpchar", "name",
          "citext" -> ValueType.TEXT;
      case "smallint", "integer", "bigint", "int2", "int4", "int8", "int", "numeric", "decimal",
          "boolean", "bool", "uuid", "json", "jsonb", "inet", "cidr", "macaddr", "macaddr8",
          "bit", "bit varying", "varbit", "oid", "xml", "tsvector", "tsquery" -> ValueType.PLAIN;
      case "real", "double precision", "float4", "float8", "float" -> ValueType.FLOAT;
      case "bytea" -> ValueType.BYTEA;
      case "money" -> ValueType.MONEY;
      case "date" -> ValueType.DATE;
      case "time", "time without time zone" -> ValueType.TIME;
      case "timetz", "time with time zone" -> ValueType.TIME_WITH_TIME_ZONE;
      case "timestamp", "timestamp without time zone" -> ValueType.TIMESTAMP;
      case "timestamptz", "timestamp with time zone" -> ValueType.TIMESTAMP_WITH_TIME_ZONE;
      default -> ValueType.UNKNOWN;
    };
  }

  private ValueType read(SqlNode node) throws SqlRefusal {
    if (node instanceof SqlIdentifier identifier) {
      return identifier(identifier);
    }
    if (node instanceof SqlLiteral literal) {
      return literal(literal);
    }
    if (node instanceof SqlCase caseExpression) {
      return caseExpression(caseExpression);
    }
    if (node instanceof SqlCall call) {
      return call(call);
    }
    if (node instanceof SqlNodeList list) {
      return union(list.getList());
    }
    // type names and interval qualifiers are read by the call they belong to
    return ValueType.PLAIN;
  }

  private ValueType identifier(SqlIdentifier identifier) throws SqlRefusal {
    if (ExpressionValidator.isNiladicFunction(identifier)) {
      return niladic(identifier.getSimple().toLowerCase(Locale.ROOT));
    }
    String name = identifier.names.get(identifier.names.size() - 1);
    String type = table.column(name).map(ColumnSchema::type).orElse("");
    ValueType valueType = typeOfName(type);
    if (valueType == ValueType.MONEY) {
      throw refusal("column " + name + " has type money, whose values and text follow the"
          + " client's lc_monetary; cast it in the table to numeric, or mask it without an"
          + " expression");
    }
    return valueType;
  }

  private ValueType niladic(String name) throws SqlRefusal {
    return switch (name) {
      case "current_timestamp" -> ValueType.TIMESTAMP_WITH_TIME_ZONE;
      case "current_user", "session_user", "user", "current_role", "current_catalog",
          "system_user" -> ValueType.TEXT;
      default -> throw sessionFunction(name);
    };
  }

  private SqlRefusal sessionFunction(String name) {
    if (SESSION_ZONE_FUNCTIONS.contains(name)) {
      return refusal(name + " is computed in the client's time zone, which each client sets;"
          + " write (now() AT TIME ZONE 'UTC')::date for today's date at UTC, now() AT TIME ZONE"
          + " 'UTC' for the time of day there");
    }
    if (name.equals("current_schema") || name.equals("current_schemas")) {
      return refusal(name + " follows the client's search_path; name the schema instead");
    }
    if (name.equals("current_setting")) {
      return refusal("current_setting reads a setting the client can SET; write the value into"
          + " the policy, or take it from the subject in a structured filter");
    }
    return refusal(name + " may depend on the client's session settings; write the value it"
        + " stands for");
  }

  private ValueType literal(SqlLiteral literal) throws SqlRefusal {
    if (literal instanceof SqlCharStringLiteral) {
      return ValueType.STRING_LITERAL;
    }
    if (literal instanceof SqlNumericLiteral) {
      return ValueType.PLAIN; // PostgreSQL reads 1.5e3 as numeric, not double precision
    }
    if (literal instanceof SqlUnknownLiteral typed) {
      // DATE '…', TIME '…', TIMESTAMP '…': a string literal with its type written before it
      ValueType type = typeOfName(typed.tag);
      literalAs(typed, typed.getValue(), type);
      return type;
    }
    if (literal instanceof SqlIntervalLiteral interval) {
      SqlIntervalLiteral.IntervalValue value =
          literal.getValueAs(SqlIntervalLiteral.IntervalValue.class);
      intervalText(interval, value.getIntervalLiteral());
      return ValueType.INTERVAL;
    }
    // otherwise booleans, bit strings and keywords such as TRIM's BOTH
    return literal.getTypeName() == SqlTypeName.NULL ? ValueType.NULL : ValueType.PLAIN;
  }

  private ValueType caseExpression(SqlCase caseExpression) throws SqlRefusal {
    if (caseExpression.getValueOperand() != null) {
      List<SqlNode> compared = new ArrayList<>();
      compared.add(caseExpression.getValueOperand());
      compared.addAll(caseExpression.getWhenOperands().getList());
      union(compared);
    } else {
      for (SqlNode condition : caseExpression.getWhenOperands()) {
        read(condition);
      }
    }
    List<SqlNode> results = new ArrayList<>(caseExpression.getThenOperands().getList());
    if (caseExpression.getElseOperand() != null) {
      results.add(caseExpression.getElseOperand());
    }
    return union(results);
  }

  private ValueType call(SqlCall call) throws SqlRefusal {
    List<SqlNode> operands = call.getOperandList();
    if (call.getOperator() == AtTimeZoneOperator.INSTANCE) {
      return atTimeZone(operands.get(0), operands.get(1));
    }
    if (call.getOperator().getName().equals("||") && operands.size() == 2) {
      return concatenation(operands.get(0), operands.get(1));
    }
    if (call.getOperator().getName().startsWith("@@") && operands.size() == 2) {
      return textSearchMatch(operands.get(0), operands.get(1));
    }
    switch (call.getKind()) {
      case AND, OR, NOT, IS_NULL, IS_NOT_NULL, IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE,
          IS_UNKNOWN -> {
        readAll(operands);
        return ValueType.PLAIN;
      }
      case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN,
          GREATER_THAN_OR_EQUAL, IS_DISTINCT_FROM, IS_NOT_DISTINCT_FROM, BETWEEN -> {
        union(operands);
        return ValueType.PLAIN;
      }
      case IN, NOT_IN -> {
        List<SqlNode> compared = new ArrayList<>();
        for (SqlNode operand : operands) {
          if (operand instanceof SqlNodeList list) {
            compared.addAll(list.getList());
          } else {
            compared.add(operand);
          }
        }
        union(compared);
        return ValueType.PLAIN;
      }
      case LIKE, SIMILAR -> {
        for (SqlNode operand : operands) {
          convert(operand, read(operand), ValueType.TEXT);
        }
        return ValueType.PLAIN;
      }
      case PLUS -> {
        return plus(operands.get(0), operands.get(1));
      }
      case MINUS -> {
        return minus(operands.get(0), operands.get(1));
      }
      case TIMES, DIVIDE, MOD -> {
        return multiply(operands.get(0), operands.get(1));
      }
      case MINUS_PREFIX, PLUS_PREFIX -> {
        ValueType type = read(operands.get(0));
        return type == ValueType.STRING_LITERAL ? ValueType.PLAIN : type;
      }
      case CAST -> {
        ValueType source = read(operands.get(0));
        ValueType target = castTarget(operands.get(1));
        convert(operands.get(0), source, target);
        return target;
      }
      case EXTRACT -> {
        return extract(call);
      }
      case DATE_TRUNC -> {
        return dateTrunc(operands);
      }
      case CEIL, FLOOR -> {
        return mathematical(operands);
      }
      default -> {
        List<String> name = FunctionAllowlist.functionName(call);
        if (!name.isEmpty()) {
          return function(name.get(name.size() - 1).toLowerCase(Locale.ROOT), call);
        }
        return generic(call.getOperator().getName(), operands);
      }
    }
  }

  private ValueType function(String name, SqlCall call) throws SqlRefusal {
    List<SqlNode> arguments = call.getOperandList();
    switch (name) {
      case "now", "transaction_timestamp", "statement_timestamp", "clock_timestamp",
          "current_timestamp", "pg_postmaster_start_time", "pg_conf_load_time" -> {
        readAll(arguments);
        return ValueType.TIMESTAMP_WITH_TIME_ZONE;
      }
      case "current_date", "current_time", "localtime", "localtimestamp", "timeofday",
          "current_setting", "current_schema", "current_schemas" -> throw sessionFunction(name);
      case "coalesce", "greatest", "least", "nullif" -> {
        return union(arguments);
      }
      case "timezone" -> {
        if (arguments.size() != 2) {
          return generic(name, arguments);
        }
        return atTimeZone(arguments.get(1), arguments.get(0));
      }
      case "date_trunc" -> {
        return dateTrunc(arguments);
      }
      case "date_part" -> {
        return extract(call);
      }
      case "age" -> {
        return age(arguments);
      }
      case "date_bin" -> {
        if (arguments.size() != 3) {
          return generic(name, arguments);
        }
        convert(arguments.get(0), read(arguments.get(0)), ValueType.INTERVAL);
        ValueType source = union(arguments.subList(1, 3));
        if (source != ValueType.TIMESTAMP && source != ValueType.TIMESTAMP_WITH_TIME_ZONE) {
          throw refusal("date_bin over " + describe(source) + " is resolved to a timestamp"
              + " with time zone at the client's time zone; cast it to timestamp first, e.g."
              + " date_bin('1 day', day::timestamp, TIMESTAMP '2025-01-01')");
        }
        return source;
      }
      case "justify_days", "justify_hours", "justify_interval" -> {
        for (SqlNode argument : arguments) {
          convert(argument, read(argument), ValueType.INTERVAL);
        }
        return ValueType.INTERVAL;
      }
      case "make_timestamptz" -> {
        readAll(arguments);
        if (arguments.size() < 7) {
          throw refusal("make_timestamptz without its time zone argument reads the client's"
              + " time zone; pass the zone, e.g. make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC')");
        }
        return ValueType.TIMESTAMP_WITH_TIME_ZONE;
      }
      case "tstzrange", "tsrange", "daterange" -> {
        // bounds given as string literals are read by DateStyle and the time zone, and a range
        // of times is no type read here: anything done with it is refused
        generic(name, arguments);
        return ValueType.UNKNOWN;
      }
      case "to_char" -> {
        return toChar(arguments);
      }
      case "to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery",
          "websearch_to_tsquery", "json_to_tsvector", "jsonb_to_tsvector", "ts_headline" -> {
        int withConfiguration = switch (name) {
          case "json_to_tsvector", "jsonb_to_tsvector" -> 3;
          case "ts_headline" -> 4; // with three arguments the configuration is not told apart
          default -> 2;
        };
        if (arguments.size() < withConfiguration) {
          throw defaultTextSearchConfiguration(name);
        }
        return generic(name, arguments);
      }
      case "to_number" -> {
        readAll(arguments);
        if (arguments.size() == 2) {
          numericFormat(arguments.get(1), "to_number");
        }
        return ValueType.PLAIN;
      }
      case "to_date" -> {
        readAll(arguments);
        if (arguments.size() == 2) {
          dateFormat(arguments.get(1), "to_date");
        }
        return ValueType.DATE;
      }
      case "to_timestamp" -> {
        if (arguments.size() != 1) {
          throw refusal("to_timestamp(text, format) reads the text in the client's time zone;"
              + " parse it as a timestamp and name the zone, e.g. to_date(…) or"
              + " TIMESTAMPTZ '2025-01-01 00:00:00+00'");
        }
        ValueType seconds = read(arguments.get(0));
        if (seconds != ValueType.PLAIN && seconds != ValueType.FLOAT
            && seconds != ValueType.NULL) {
          throw cannotTell("to_timestamp", seconds);
        }
        return ValueType.TIMESTAMP_WITH_TIME_ZONE;
      }
      default -> {
        if (MADE_FROM_PARTS.containsKey(name)) {
          readAll(arguments);
          return MADE_FROM_PARTS.get(name);
        }
        if (FLOAT_RESULT.contains(name)) {
          generic(name, arguments);
          return ValueType.FLOAT;
        }
        if (FLOAT_UNLESS_NUMERIC.contains(name)) {
          ValueType result = mathematical(arguments);
          return arguments.stream().anyMatch(this::isNumeric) ? result : ValueType.FLOAT;
        }
        if (MATHEMATICAL.contains(name)) {
          return mathematical(arguments);
        }
        if (SEARCH_PATH_FUNCTIONS.contains(name) || name.startsWith("pg_get_")
            || (name.startsWith("pg_") && name.endsWith("_is_visible"))) {
          throw refusal(name + " looks up or writes names by the client's search_path, where a"
              + " schema the client puts first may hold objects of the same names; write the"
              + " value it stands for");
        }
        if (TEXT_OF_ANY.contains(name)) {
          for (SqlNode argument : arguments) {
            convert(argument, read(argument), ValueType.TEXT);
          }
          return ValueType.TEXT;
        }
        return generic(name, arguments);
      }
    }
  }

  /**
   * Whether {@code node} is visibly of type numeric: a numeric column, a cast to numeric, or a
   * literal with a decimal point or exponent (PostgreSQL reads 2 as an integer, 2.0 as numeric).
   */
  private boolean isNumeric(SqlNode node) {
    if (node instanceof SqlNumericLiteral literal) {
      String digits = literal.toValue();
      return digits != null && (digits.contains(".") || digits.contains("e") || digits.contains("E"));
    }
    if (node instanceof SqlIdentifier identifier && !ExpressionValidator.isNiladicFunction(identifier)) {
      String type = table.column(identifier.names.get(identifier.names.size() - 1))
          .map(ColumnSchema::type).orElse("");
      return isNumericTypeName(type);
    }
    if (node instanceof SqlCall call && call.getKind() == SqlKind.CAST
        && call.operand(1) instanceof SqlDataTypeSpec spec) {
      if (spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic) {
        return basic.getTypeName().getSimple().equalsIgnoreCase("DECIMAL");
      }
      if (spec.getTypeNameSpec() instanceof SqlUserDefinedTypeNameSpec named) {
        List<String> names = named.getTypeName().names;
        return (names.size() == 1 || (names.size() == 2 && names.get(0).equals("pg_catalog")))
            && isNumericTypeName(names.get(names.size() - 1));
      }
    }
    return false;
  }

  private static boolean isNumericTypeName(String typeName) {
    String base = PostgresTypes.baseName(typeName.strip());
    return base.equals("numeric") || base.equals("decimal");
  }

  /**
   * bytea || bytea joins bytes; otherwise || is text || the other's text form (anytextcat,
   * textanycat), and a function's text result reads as a plain value here, so both sides must
   * convert to text alike in every session.
   */
  private ValueType concatenation(SqlNode left, SqlNode right) throws SqlRefusal {
    ValueType leftType = read(left);
    ValueType rightType = read(right);
    Set<ValueType> bytes = Set.of(ValueType.BYTEA, ValueType.STRING_LITERAL, ValueType.NULL);
    if ((leftType == ValueType.BYTEA || rightType == ValueType.BYTEA)
        && bytes.contains(leftType) && bytes.contains(rightType)) {
      return ValueType.BYTEA;
    }
    convert(left, leftType, ValueType.TEXT);
    convert(right, rightType, ValueType.TEXT);
    return ValueType.TEXT;
  }

  /**
   * tsvector @@ tsquery reads no setting, but a text operand is parsed by the client's
   * default_text_search_config ({@code text @@ text}, {@code text @@ tsquery}); only operands
   * that are text search values themselves are accepted, and a string literal beside one.
   */
  private ValueType textSearchMatch(SqlNode left, SqlNode right) throws SqlRefusal {
    generic("@@", List.of(left, right));
    boolean leftSearchable = isTextSearchValue(left);
    boolean rightSearchable = isTextSearchValue(right);
    if ((leftSearchable || left instanceof SqlCharStringLiteral)
        && (rightSearchable || right instanceof SqlCharStringLiteral)
        && (leftSearchable || rightSearchable)) {
      return ValueType.PLAIN;
    }
    throw defaultTextSearchConfiguration("@@ over text");
  }

  private boolean isTextSearchValue(SqlNode node) {
    if (node instanceof SqlIdentifier identifier && !ExpressionValidator.isNiladicFunction(identifier)) {
      String type = table.column(identifier.names.get(identifier.names.size() - 1))
          .map(ColumnSchema::type).orElse("");
      String base = PostgresTypes.baseName(type);
      return base.equals("tsvector") || base.equals("tsquery");
    }
    if (node instanceof SqlCall call && call.getKind() == SqlKind.CAST
        && call.operand(1) instanceof SqlDataTypeSpec spec
        && spec.getTypeNameSpec() instanceof SqlUserDefinedTypeNameSpec named) {
      String type = named.getTypeName().names.get(named.getTypeName().names.size() - 1);
      return type.equals("tsvector") || type.equals("tsquery");
    }
    if (node instanceof SqlCall call) {
      List<String> name = FunctionAllowlist.functionName(call);
      // the configuration of these was checked when they were read
      return !name.isEmpty() && Set.of("to_tsvector", "to_tsquery", "plainto_tsquery",
          "phraseto_tsquery", "websearch_to_tsquery", "setweight", "strip", "array_to_tsvector")
          .contains(name.get(name.size() - 1).toLowerCase(Locale.ROOT));
    }
    return false;
  }

  private SqlRefusal defaultTextSearchConfiguration(String what) {
    return refusal(what + " without a text search configuration uses the client's"
        + " default_text_search_config; name it, e.g. to_tsvector('english', note) @@"
        + " to_tsquery('english', 'word')");
  }

  /** Any other call: safe only over values whose types read no setting. */
  private ValueType generic(String name, List<SqlNode> operands) throws SqlRefusal {
    for (SqlNode operand : operands) {
      if (operand == null) {
        continue;
      }
      ValueType type = read(operand);
      if (SENSITIVE.contains(type)) {
        throw cannotTell(name, type);
      }
    }
    return ValueType.PLAIN;
  }

  private ValueType mathematical(List<SqlNode> operands) throws SqlRefusal {
    boolean floating = false;
    for (SqlNode operand : operands) {
      if (operand == null || operand instanceof SqlIntervalQualifier) {
        continue; // CEIL(x TO unit) has a unit, not a value
      }
      ValueType type = read(operand);
      if (type == ValueType.FLOAT) {
        floating = true;
      } else if (SENSITIVE.contains(type)) {
        throw cannotTell("a numeric function", type);
      }
    }
    return floating ? ValueType.FLOAT : ValueType.PLAIN;
  }

  private void readAll(List<SqlNode> operands) throws SqlRefusal {
    for (SqlNode operand : operands) {
      if (operand != null) {
        read(operand);
      }
    }
  }

  /**
   * The type PostgreSQL resolves values compared or combined together to (a comparison, IN,
   * BETWEEN, CASE results, COALESCE), refusing a conversion between them that reads a setting;
   * string literals take the type of the others.
   */
  private ValueType union(List<SqlNode> nodes) throws SqlRefusal {
    List<ValueType> types = new ArrayList<>();
    for (SqlNode node : nodes) {
      types.add(node == null ? ValueType.NULL : read(node));
    }
    ValueType result = null;
    for (ValueType type : types) {
      if (type == ValueType.NULL || type == ValueType.STRING_LITERAL) {
        continue;
      }
      result = result == null ? type : combine(result, type);
    }
    if (result == null) {
      return types.contains(ValueType.STRING_LITERAL) ? ValueType.TEXT : ValueType.NULL;
    }
    for (int index = 0; index < nodes.size(); index++) {
      if (types.get(index) == ValueType.STRING_LITERAL) {
        literalAs(nodes.get(index), result);
      }
    }
    return result;
  }

  private ValueType combine(ValueType first, ValueType second) throws SqlRefusal {
    if (first == second && first != ValueType.UNKNOWN) {
      return first;
    }
    if (NON_TEMPORAL.contains(first) && NON_TEMPORAL.contains(second)) {
      return first == ValueType.FLOAT || second == ValueType.FLOAT ? ValueType.FLOAT
          : ValueType.PLAIN;
    }
    Set<ValueType> pair = Set.of(first, second);
    if (pair.equals(Set.of(ValueType.DATE, ValueType.TIMESTAMP))) {
      return ValueType.TIMESTAMP;
    }
    if (pair.contains(ValueType.TIMESTAMP_WITH_TIME_ZONE)
        && (pair.contains(ValueType.DATE) || pair.contains(ValueType.TIMESTAMP))) {
      throw refusal("comparing or combining a timestamp with time zone with "
          + describe(pair.contains(ValueType.DATE) ? ValueType.DATE : ValueType.TIMESTAMP)
          + " converts the latter at the client's time zone; " + ZONE_FIX);
    }
    if (pair.equals(Set.of(ValueType.TIME, ValueType.TIME_WITH_TIME_ZONE))) {
      throw refusal("comparing a time with a time with time zone converts it at the client's"
          + " time zone; give the time its offset, e.g. TIME WITH TIME ZONE '08:00:00+00'");
    }
    throw refusal("cannot tell whether combining " + describe(first) + " with "
        + describe(second) + " depends on the client's session settings; cast both sides to"
        + " one type, e.g. TIMESTAMPTZ '2025-01-01 00:00:00+00' or (now() AT TIME ZONE"
        + " 'UTC')::date");
  }

  /**
   * Refuses converting {@code node}, of type {@code from}, to {@code to} when PostgreSQL's
   * conversion reads a setting.
   */
  private void convert(SqlNode node, ValueType from, ValueType to) throws SqlRefusal {
    if (from == ValueType.NULL || (from == to && from != ValueType.UNKNOWN)) {
      return;
    }
    if (from == ValueType.STRING_LITERAL) {
      literalAs(node, to);
      return;
    }
    if (from == ValueType.MONEY || to == ValueType.MONEY) {
      throw refusal("money's values and text follow the client's lc_monetary; compute with"
          + " numeric instead");
    }
    if (from == ValueType.UNKNOWN || to == ValueType.UNKNOWN) {
      throw refusal("cannot tell whether converting " + text(node) + " to "
          + describe(to) + " depends on the client's session settings; cast to a date, time,"
          + " text or numeric type explicitly");
    }
    switch (from) {
      case TIMESTAMP_WITH_TIME_ZONE -> throw refusal("converting a timestamp with time zone to "
          + describe(to) + " (" + text(node) + ") happens at the client's time zone; "
          + ZONE_FIX);
      case DATE, TIMESTAMP -> {
        if (to == ValueType.TIMESTAMP_WITH_TIME_ZONE) {
          throw refusal("converting " + describe(from) + " to a timestamp with time zone ("
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
          throw refusal("converting a time to a time with time zone (" + text(node) + ") takes"
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
        throw refusal("converting " + text(node) + " to " + describe(to) + " reads it by the"
            + " client's DateStyle and time zone; write ISO 8601 literals, e.g. DATE"
            + " '2025-01-31' or TIMESTAMPTZ '2025-01-01 00:00:00+00', or compute the value with"
            + " make_date/make_timestamp");
      }
      case NULL, STRING_LITERAL, MONEY, UNKNOWN -> {
        // handled above
      }
    }
    throw refusal("cannot tell whether converting " + describe(from) + " to "
        + describe(to) + " (" + text(node) + ") depends on the client's session settings");
  }

  private SqlRefusal textForm(SqlNode node, ValueType from, String setting, String fix) {
    return refusal("the text form of " + describe(from) + " (" + text(node) + ") follows the"
        + " client's " + setting + "; write " + fix + " instead");
  }

  /** Refuses a string literal that PostgreSQL would read as {@code type} by a setting. */
  private void literalAs(SqlNode node, ValueType type) throws SqlRefusal {
    if (!(node instanceof SqlCharStringLiteral literal)) {
      if (type == ValueType.TEXT || type == ValueType.PLAIN || type == ValueType.FLOAT
          || type == ValueType.BYTEA || type == ValueType.NULL) {
        return;
      }
      throw refusal("cannot tell how PostgreSQL reads " + text(node) + " as " + describe(type)
          + "; write a typed literal, e.g. DATE '2025-01-31'");
    }
    literalAs(node, literal.toValue(), type);
  }

  private void literalAs(SqlNode node, String value, ValueType type) throws SqlRefusal {
    String text = value == null ? "" : value.strip();
    switch (type) {
      case DATE, TIMESTAMP -> {
        if (!ISO_DATE_TIME.matcher(text).matches()) {
          throw refusal("'" + value + "' as " + describe(type) + " is read by the client's"
              + " DateStyle (or time zone, for words like today); write ISO 8601, e.g."
              + " DATE '2025-01-31' or TIMESTAMP '2025-01-31 08:00:00'");
        }
      }
      case TIMESTAMP_WITH_TIME_ZONE -> {
        if (!ISO_INSTANT.matcher(text).matches()) {
          throw refusal("'" + value + "' as a timestamp with time zone is read in the client's"
              + " time zone and DateStyle; write an ISO 8601 time with its UTC offset, e.g."
              + " TIMESTAMPTZ '2025-01-01 00:00:00+00'");
        }
      }
      case TIME -> {
        if (!ISO_TIME.matcher(text).matches()) {
          throw refusal("'" + value + "' as a time may be read by the client's session; write"
              + " HH:MM:SS, e.g. TIME '08:00:00'");
        }
      }
      case TIME_WITH_TIME_ZONE -> {
        if (!ISO_TIME_WITH_OFFSET.matcher(text).matches()) {
          throw refusal("'" + value + "' as a time with time zone takes the client's offset;"
              + " write the offset, e.g. TIME WITH TIME ZONE '08:00:00+00'");
        }
      }
      case INTERVAL -> intervalText(node, text);
      case MONEY -> throw refusal("money's values and text follow the client's lc_monetary;"
          + " compute with numeric instead");
      case UNKNOWN -> throw refusal("cannot tell how PostgreSQL reads '" + value + "' in "
          + text(node) + "; cast it to a date, time, text or numeric type explicitly");
      case NULL, STRING_LITERAL, TEXT, PLAIN, FLOAT, BYTEA -> {
        // read alike in every session
      }
    }
  }

  /** IntervalStyle sql_standard applies a leading minus sign to every field that follows. */
  private void intervalText(SqlNode node, String text) throws SqlRefusal {
    if (text.contains("-")) {
      throw refusal("the interval '" + text + "' with a minus sign is read differently under the"
          + " client's IntervalStyle; write a positive interval and subtract it, e.g."
          + " x - interval '1 day'");
    }
  }

  private ValueType castTarget(SqlNode target) throws SqlRefusal {
    if (target instanceof SqlIntervalQualifier) {
      return ValueType.INTERVAL;
    }
    if (target instanceof SqlDataTypeSpec spec) {
      return typeOfSpec(spec.getTypeNameSpec());
    }
    return ValueType.UNKNOWN;
  }

  private static ValueType typeOfSpec(SqlTypeNameSpec spec) {
    if (spec instanceof SqlBasicTypeNameSpec basic) {
      return switch (basic.getTypeName().getSimple().toUpperCase(Locale.ROOT)) {
        case "DATE" -> ValueType.DATE;
        case "TIME" -> ValueType.TIME;
        case "TIME_TZ", "TIME_WITH_LOCAL_TIME_ZONE" -> ValueType.TIME_WITH_TIME_ZONE;
        case "TIMESTAMP" -> ValueType.TIMESTAMP;
        case "TIMESTAMP_TZ", "TIMESTAMP_WITH_LOCAL_TIME_ZONE" ->
            ValueType.TIMESTAMP_WITH_TIME_ZONE;
        case "FLOAT", "REAL", "DOUBLE" -> ValueType.FLOAT;
        case "CHAR", "VARCHAR" -> ValueType.TEXT;
        case "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "UUID" ->
            ValueType.PLAIN;
        case "BINARY", "VARBINARY" -> ValueType.BYTEA;
        default -> ValueType.UNKNOWN;
      };
    }
    if (spec instanceof SqlCollectionTypeNameSpec collection) {
      ValueType element = typeOfSpec(collection.getElementTypeName());
      return element == ValueType.TEXT || element == ValueType.PLAIN
          ? ValueType.PLAIN : ValueType.UNKNOWN;
    }
    if (spec instanceof SqlUserDefinedTypeNameSpec named) {
      List<String> names = named.getTypeName().names;
      if (names.size() > 2 || (names.size() == 2 && !names.get(0).equals("pg_catalog"))) {
        return ValueType.UNKNOWN;
      }
      return typeOfName(names.get(names.size() - 1));
    }
    return ValueType.UNKNOWN;
  }

  private ValueType atTimeZone(SqlNode value, SqlNode zone) throws SqlRefusal {
    ValueType zoneType = read(zone);
    if (zoneType != ValueType.STRING_LITERAL && zoneType != ValueType.TEXT
        && zoneType != ValueType.INTERVAL && zoneType != ValueType.NULL) {
      throw cannotTell("AT TIME ZONE", zoneType);
    }
    ValueType type = read(value);
    return switch (type) {
      case TIMESTAMP_WITH_TIME_ZONE -> ValueType.TIMESTAMP;
      case TIMESTAMP -> ValueType.TIMESTAMP_WITH_TIME_ZONE;
      case TIME_WITH_TIME_ZONE -> ValueType.TIME_WITH_TIME_ZONE;
      case NULL -> ValueType.NULL;
      case STRING_LITERAL -> {
        // PostgreSQL resolves an untyped string here to a timestamp with time zone
        literalAs(value, ValueType.TIMESTAMP_WITH_TIME_ZONE);
        yield ValueType.TIMESTAMP;
      }
      case DATE -> throw refusal("a date AT TIME ZONE is first converted to a timestamp with"
          + " time zone at the client's time zone; cast it to timestamp first, e.g."
          + " day::timestamp AT TIME ZONE 'UTC'");
      case TIME -> throw refusal("a time AT TIME ZONE is first given the client's time zone"
          + " offset; write the offset, e.g. TIME WITH TIME ZONE '08:00:00+00' AT TIME ZONE"
          + " 'UTC'");
      case TEXT, PLAIN, FLOAT, BYTEA, MONEY, INTERVAL, UNKNOWN -> throw cannotTell(
          "AT TIME ZONE", type);
    };
  }

  private ValueType plus(SqlNode left, SqlNode right) throws SqlRefusal {
    ValueType leftType = read(left);
    ValueType rightType = read(right);
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
        convert(added, addedType, ValueType.INTERVAL);
        fixedLength(added);
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
          convert(added, addedType, ValueType.INTERVAL);
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
    throw refusal("cannot tell whether adding " + describe(addedType) + " to "
        + describe(baseType) + " depends on the client's session settings; give both sides a"
        + " type, e.g. DATE '2025-01-31' + 7 or TIMESTAMP '2025-01-31 00:00:00' + interval"
        + " '1 day'");
  }

  private ValueType minus(SqlNode left, SqlNode right) throws SqlRefusal {
    ValueType leftType = read(left);
    ValueType rightType = read(right);
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
      literalAs(rightType == ValueType.STRING_LITERAL ? right : left, known);
      rightType = known;
      leftType = known;
    }
    ValueType common = combine(leftType, rightType);
    return switch (common) {
      case DATE -> ValueType.PLAIN;
      case TIMESTAMP, TIMESTAMP_WITH_TIME_ZONE, TIME -> ValueType.INTERVAL;
      case INTERVAL -> ValueType.INTERVAL;
      case TEXT, PLAIN, FLOAT, BYTEA -> common;
      case NULL, STRING_LITERAL, MONEY, TIME_WITH_TIME_ZONE, UNKNOWN -> throw refusal(
          "cannot tell whether subtracting " + describe(rightType) + " from "
              + describe(leftType) + " depends on the client's session settings");
    };
  }

  private ValueType multiply(SqlNode left, SqlNode right) throws SqlRefusal {
    ValueType leftType = read(left);
    ValueType rightType = read(right);
    if (isNumber(leftType) && isNumber(rightType)) {
      return number(leftType, rightType);
    }
    if ((leftType == ValueType.INTERVAL && isNumber(rightType))
        || (rightType == ValueType.INTERVAL && isNumber(leftType))) {
      return ValueType.INTERVAL;
    }
    throw refusal("cannot tell whether multiplying or dividing " + describe(leftType)
        + " and " + describe(rightType) + " depends on the client's session settings");
  }

  private static boolean isNumber(ValueType type) {
    return type == ValueType.PLAIN || type == ValueType.FLOAT || type == ValueType.TEXT
        || type == ValueType.STRING_LITERAL || type == ValueType.NULL;
  }

  private static ValueType number(ValueType left, ValueType right) {
    return left == ValueType.FLOAT || right == ValueType.FLOAT ? ValueType.FLOAT
        : ValueType.PLAIN;
  }

  /** Refuses an interval that an instant plus it would lengthen or shorten across DST. */
  private void fixedLength(SqlNode interval) throws SqlRefusal {
    boolean fixed = false;
    if (interval instanceof SqlIntervalLiteral literal) {
      TimeUnit start = literal.getValueAs(SqlIntervalLiteral.IntervalValue.class)
          .getIntervalQualifier().getStartUnit();
      fixed = start == TimeUnit.HOUR || start == TimeUnit.MINUTE || start == TimeUnit.SECOND;
    } else if (interval instanceof SqlCharStringLiteral literal) {
      fixed = FIXED_LENGTH_INTERVAL.matcher(literal.toValue()).matches();
    } else if (interval instanceof SqlCall call && call.getKind() == SqlKind.CAST
        && call.operand(0) instanceof SqlCharStringLiteral literal
        && !(call.operand(1) instanceof SqlIntervalQualifier)) {
      fixed = FIXED_LENGTH_INTERVAL.matcher(literal.toValue()).matches();
    }
    if (!fixed) {
      throw refusal("adding days, months or years to a timestamp with time zone (" + text(interval)
          + ") follows the daylight saving time of the client's time zone; add hours, e.g."
          + " now() - interval '720 hours', or compute at a named zone, e.g."
          + " ((now() AT TIME ZONE 'UTC') - interval '30 days') AT TIME ZONE 'UTC'");
    }
  }

  private ValueType extract(SqlCall call) throws SqlRefusal {
    List<SqlNode> operands = call.getOperandList();
    String field = field(operands.get(0));
    ValueType source = read(operands.get(1));
    boolean datePart = !(operands.get(0) instanceof SqlIntervalQualifier);
    switch (source) {
      case TIMESTAMP_WITH_TIME_ZONE -> {
        if (!field.equals("epoch")) {
          throw refusal("extracting " + field + " from a timestamp with time zone ("
              + text(operands.get(1)) + ") reads the client's time zone; name the zone, e.g."
              + " extract(hour from created_at AT TIME ZONE 'UTC')");
        }
      }
      case DATE, TIMESTAMP, TIME, TIME_WITH_TIME_ZONE, INTERVAL, NULL -> {
        // no zone involved
      }
      case STRING_LITERAL, TEXT, PLAIN, FLOAT, BYTEA, MONEY, UNKNOWN -> throw cannotTell(
          datePart ? "date_part" : "extract", source);
    }
    return datePart ? ValueType.FLOAT : ValueType.PLAIN;
  }

  private String field(SqlNode node) {
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

  private ValueType dateTrunc(List<SqlNode> operands) throws SqlRefusal {
    readAll(operands.subList(0, 1));
    if (operands.size() < 2) {
      return generic("date_trunc", operands);
    }
    SqlNode value = operands.get(1);
    ValueType source = read(value);
    if (operands.size() == 3) {
      convert(operands.get(2), read(operands.get(2)), ValueType.TEXT);
      convert(value, source, ValueType.TIMESTAMP_WITH_TIME_ZONE);
      return ValueType.TIMESTAMP_WITH_TIME_ZONE;
    }
    return switch (source) {
      case TIMESTAMP, INTERVAL, NULL -> source;
      case TIMESTAMP_WITH_TIME_ZONE -> throw refusal("date_trunc of a timestamp with time zone ("
          + text(value) + ") truncates at the client's time zone; name the zone, e.g."
          + " date_trunc('day', created_at AT TIME ZONE 'UTC') for a timestamp, or"
          + " date_trunc('day', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' for an"
          + " instant");
      case DATE -> throw refusal("date_trunc of a date (" + text(value) + ") converts it to a"
          + " timestamp with time zone at the client's time zone; cast it, e.g."
          + " date_trunc('month', day::timestamp)");
      case STRING_LITERAL, TEXT, PLAIN, FLOAT, BYTEA, MONEY, TIME, TIME_WITH_TIME_ZONE,
          UNKNOWN -> throw cannotTell("date_trunc", source);
    };
  }

  private ValueType age(List<SqlNode> arguments) throws SqlRefusal {
    if (arguments.size() == 1) {
      read(arguments.get(0));
      throw refusal("age with one argument counts from the current date in the client's time"
          + " zone; write age((now() AT TIME ZONE 'UTC')::date::timestamp, x)");
    }
    List<ValueType> types = new ArrayList<>();
    for (SqlNode argument : arguments) {
      types.add(read(argument));
    }
    for (int index = 0; index < arguments.size(); index++) {
      if (types.get(index) != ValueType.TIMESTAMP && types.get(index) != ValueType.NULL) {
        throw refusal("age of " + describe(types.get(index)) + " (" + text(arguments.get(index))
            + ") counts months and days in the client's time zone; pass timestamps, e.g."
            + " age(created_at AT TIME ZONE 'UTC', TIMESTAMP '2025-01-01 00:00:00') or"
            + " day::timestamp");
      }
    }
    return ValueType.INTERVAL;
  }

  private ValueType toChar(List<SqlNode> arguments) throws SqlRefusal {
    if (arguments.size() != 2) {
      return generic("to_char", arguments);
    }
    SqlNode value = arguments.get(0);
    ValueType type = read(value);
    read(arguments.get(1));
    switch (type) {
      case TIMESTAMP, INTERVAL -> dateFormat(arguments.get(1), "to_char");
      case PLAIN, FLOAT -> numericFormat(arguments.get(1), "to_char");
      case NULL -> {
        // NULL formats to NULL
      }
      case TIMESTAMP_WITH_TIME_ZONE -> throw refusal("to_char of a timestamp with time zone ("
          + text(value) + ") formats it in the client's time zone; name the zone, e.g."
          + " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
      case DATE -> throw refusal("to_char of a date (" + text(value) + ") converts it to a"
          + " timestamp with time zone at the client's time zone; cast it, e.g."
          + " to_char(day::timestamp, 'YYYY-MM-DD')");
      case STRING_LITERAL, TEXT, BYTEA, MONEY, TIME, TIME_WITH_TIME_ZONE, UNKNOWN ->
          throw cannotTell("to_char", type);
    }
    return ValueType.TEXT;
  }

  /** TM (translation mode) takes month and day names from the client's lc_time. */
  private void dateFormat(SqlNode format, String function) throws SqlRefusal {
    String pattern = formatPattern(format, function);
    if (pattern.contains("tm")) {
      throw refusal(function + " with the TM prefix (" + text(format) + ") names months and days"
          + " in the client's lc_time; write the pattern without TM, e.g. 'Month'");
    }
  }

  /** D, G and L take the decimal point, group separator and currency from lc_numeric/monetary. */
  private void numericFormat(SqlNode format, String function) throws SqlRefusal {
    // PL and SG are signs, not locale symbols
    String pattern = formatPattern(format, function).replace("pl", "").replace("sg", "");
    if (pattern.contains("d") || pattern.contains("g") || pattern.contains("l")) {
      throw refusal(function + " with D, G or L (" + text(format) + ") takes the decimal point,"
          + " group separator or currency symbol from the client's lc_numeric and lc_monetary;"
          + " write '.' and ',' instead, e.g. '999,999.99'");
    }
  }

  /** The format's template patterns, lower-cased, without its "quoted" literal text. */
  private String formatPattern(SqlNode format, String function) throws SqlRefusal {
    if (format instanceof SqlCharStringLiteral literal) {
      return QUOTED_FORMAT_TEXT.matcher(literal.toValue()).replaceAll("").toLowerCase(Locale.ROOT);
    }
    throw refusal(function + " needs its format as a string literal, so Meshgate can see that"
        + " it reads no locale setting");
  }

  private SqlRefusal cannotTell(String what, ValueType type) {
    return refusal("cannot tell whether " + what + " over " + describe(type) + " depends on"
        + " the client's session settings (time zone, DateStyle, IntervalStyle,"
        + " extra_float_digits); convert the value explicitly first, e.g. x AT TIME ZONE"
        + " 'UTC' or x::numeric");
  }

  /** The type with its article, for messages: "a date", "an interval". */
  private static String describe(ValueType type) {
    return switch (type) {
      case NULL -> "NULL";
      case STRING_LITERAL -> "a string literal";
      case TEXT -> "text";
      case PLAIN -> "a value";
      case FLOAT -> "a floating-point number";
      case BYTEA -> "bytea";
      case MONEY -> "money";
      case DATE -> "a date";
      case TIME -> "a time";
      case TIME_WITH_TIME_ZONE -> "a time with time zone";
      case TIMESTAMP -> "a timestamp";
      case TIMESTAMP_WITH_TIME_ZONE -> "a timestamp with time zone";
      case INTERVAL -> "an interval";
      case UNKNOWN -> "a value of a type Meshgate does not read";
    };
  }

  /** The node as PostgreSQL would read it, for messages. */
  private static String text(SqlNode node) {
    try {
      return PostgresUnparser.unparse(node, List.of());
    } catch (RuntimeException e) {
      return node.toString();
    }
  }

  private SqlRefusal refusal(String problem) {
    return ExpressionValidator.policyError(context,
        problem + " (policy expressions must not depend on session settings)");
  }
}
