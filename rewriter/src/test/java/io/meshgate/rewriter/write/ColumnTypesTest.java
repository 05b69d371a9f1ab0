package io.meshgate.rewriter.write;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColumnTypesTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // rounded by an explicit cast exactly as by the assignment: the type as stored
      "numeric(12,2)|numeric(12,2)",
      "timestamp(0) without time zone|timestamp(0) without time zone",
      "time(3) with time zone|time(3) with time zone",
      "numeric(5,1)[]|numeric(5,1)[]",
      "integer|integer",
      // cut by an explicit cast, refused by the assignment: the length is left to the assignment
      "character varying(20)|character varying",
      "character(2)|bpchar",
      "bit(3)|varbit",
      "bit varying(8)|bit varying",
      "character varying(5)[]|character varying[]",
  })
  void aNewRowIsCheckedWithTheValuesTheColumnStores(String column, String cast) {
    assertEquals(cast, ColumnTypes.forNewRow(column));
  }
}
