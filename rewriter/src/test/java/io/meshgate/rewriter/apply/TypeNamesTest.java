package io.meshgate.rewriter.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Column type names, as format_type() writes them, read into what they say about settings. */
class TypeNamesTest {
  @ParameterizedTest
  @CsvSource(delimiter = '#', quoteCharacter = '"', value = {
      "text#TEXT", "character varying(20)#TEXT", "integer#PLAIN", "numeric(12,2)#PLAIN",
      "jsonb#PLAIN", "text[]#PLAIN", "double precision#FLOAT", "real#FLOAT", "bytea#BYTEA",
      "money#MONEY", "date#DATE", "time(3) without time zone#TIME",
      "time with time zone#TIME_WITH_TIME_ZONE", "timestamp(6) without time zone#TIMESTAMP",
      "timestamp with time zone#TIMESTAMP_WITH_TIME_ZONE", "interval day to second#INTERVAL",
      "date[]#UNKNOWN", "tstzrange#UNKNOWN", "point#UNKNOWN", "\"Mood\"#UNKNOWN",
      "other.text#UNKNOWN"})
  void columnTypesAreRead(String typeName, ValueType expected) {
    assertEquals(expected, TypeNames.ofName(typeName));
  }
}
