package io.meshgate.rewriter.apply;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which built-in functions read which session settings, and what type PostgreSQL gives their
 * results where that decides whether a conversion reads one. The functions that need a reading
 * of their own arguments (date_trunc, to_char, AT TIME ZONE…) are read by {@link
 * SessionIndependence} and {@link TimeFunctions}; these are the ones a name is enough to classify.
 */
final class SettingFunctions {
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

  /** Functions whose text search value reads no setting once their configuration was checked. */
  private static final Set<String> TEXT_SEARCH_VALUES = Set.of("to_tsvector", "to_tsquery",
      "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery", "setweight", "strip",
      "array_to_tsvector");

  private SettingFunctions() {}

  /** The fixed result type of a function that builds a value from its parts, if it is one. */
  static Optional<ValueType> madeFromParts(String name) {
    return Optional.ofNullable(MADE_FROM_PARTS.get(name));
  }

  /** Whether the function exists for double precision only, so its result is a float. */
  static boolean hasFloatResult(String name) {
    return FLOAT_RESULT.contains(name);
  }

  /** Whether the function's result is a float unless an argument is numeric. */
  static boolean hasFloatResultUnlessNumeric(String name) {
    return FLOAT_UNLESS_NUMERIC.contains(name);
  }

  static boolean isMathematical(String name) {
    return MATHEMATICAL.contains(name);
  }

  /** Whether the function looks names up or writes them by the client's search_path. */
  static boolean readsSearchPath(String name) {
    return SEARCH_PATH_FUNCTIONS.contains(name) || name.startsWith("pg_get_")
        || (name.startsWith("pg_") && name.endsWith("_is_visible"));
  }

  /** Whether the function converts arguments of any type to their text form. */
  static boolean writesAnyAsText(String name) {
    return TEXT_OF_ANY.contains(name);
  }

  /** Whether {@code name} names a function that builds a text search value. */
  static boolean buildsTextSearchValue(String name) {
    return TEXT_SEARCH_VALUES.contains(name);
  }

  /**
   * What is wrong with calling {@code name}, a function that reads a session setting however it
   * is called, and what to write instead.
   */
  static String sessionFunctionProblem(String name) {
    if (SESSION_ZONE_FUNCTIONS.contains(name)) {
      return name + " is computed in the client's time zone, which each client sets;"
          + " write (now() AT TIME ZONE 'UTC')::date for today's date at UTC, now() AT TIME ZONE"
          + " 'UTC' for the time of day there";
    }
    if (name.equals("current_schema") || name.equals("current_schemas")) {
      return name + " follows the client's search_path; name the schema instead";
    }
    if (name.equals("current_setting")) {
      return "current_setting reads a setting the client can SET; write the value into"
          + " the policy, or take it from the subject in a structured filter";
    }
    return name + " may depend on the client's session settings; write the value it"
        + " stands for";
  }
}
