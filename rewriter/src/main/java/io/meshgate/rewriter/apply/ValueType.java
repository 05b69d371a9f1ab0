package io.meshgate.rewriter.apply;

/**
 * What a value's type says about how it depends on session settings: the vocabulary {@link
 * SessionIndependence} reads a policy expression in ({@link TypeNames} reads type names into it).
 */
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
  UNKNOWN;

  /** Whether a value of this type, or its text form, may follow a setting, or is not read. */
  boolean isSensitive() {
    return switch (this) {
      case FLOAT, MONEY, DATE, TIME, TIME_WITH_TIME_ZONE, TIMESTAMP, TIMESTAMP_WITH_TIME_ZONE,
          INTERVAL, UNKNOWN -> true;
      case NULL, STRING_LITERAL, TEXT, PLAIN, BYTEA -> false;
    };
  }

  /** Whether values of this type convert among each other without reading a time setting. */
  boolean isNonTemporal() {
    return switch (this) {
      case TEXT, PLAIN, FLOAT, BYTEA -> true;
      case NULL, STRING_LITERAL, MONEY, DATE, TIME, TIME_WITH_TIME_ZONE, TIMESTAMP,
          TIMESTAMP_WITH_TIME_ZONE, INTERVAL, UNKNOWN -> false;
    };
  }

  /** The type with its article, for messages: "a date", "an interval". */
  String describe() {
    return switch (this) {
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
}
