package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.RelationAccess;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL's constants with a letter before the quote ({@code B'…'}, {@code X'…'}, {@code
 * N'…'}, {@code E'…'}, {@code U&'…'}) are read as constants, never as a column named by the
 * letter with the string as its alias. {@code PrefixedLiteralsIT} runs these texts on
 * PostgreSQL.
 */
class PrefixedLiteralsTest {
  /** A table with a column for every letter that prefixes a constant. */
  private final StatementAnalyzer analyzer = new StatementAnalyzer(
      new DemoCatalog().add("docs", "letters", "b", "bit(3)", "x", "bytea", "n", "text",
          "e", "text", "u", "text"),
      DemoCatalog.DATABASE);

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  @ParameterizedTest
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
      "B'101' => B'101'",
      "b'101' => B'101'",
      "B'' => B''",
      "b'101' AS x => B'101' AS \"x\"",
      "B'101'::varbit => CAST(B'101' AS \"varbit\")",
      "B'101' | B'010' => (B'101' | B'010')",
      "B'101' || B'1' => (B'101' || B'1')",
      "length(B'101') => length(B'101')",
      // a space makes it PostgreSQL's generic typed literal of a type named b
      "b '101' => CAST('101' AS \"b\")",
      "X'FF' => X'FF'",
      "x'1f' => X'1F'",
      // NCHAR 'abc' to PostgreSQL: bpchar, whose comparisons ignore trailing spaces
      "N'abc' => CAST('abc' AS \"bpchar\")",
      "n'it''s' => CAST('it''s' AS \"bpchar\")",
      "N'a'::text => CAST(CAST('a' AS \"bpchar\") AS \"text\")",
      "E'a\\'b' => 'a''b'",
      "U&'d\\0061t\\+000061' => 'data'",
      "U&'d!0061t!+000061' UESCAPE '!' => 'data'",
      "u&'x' uescape '!' => 'x'"})
  void prefixedConstantsAreForwardedAsConstants(String literal, String forwarded)
      throws SqlRefusal {
    assertEquals("SELECT " + forwarded, analyze("select " + literal).passthroughSql());
  }

  @Test
  void aBitStringContinuedOnTheNextLineIsOneConstant() throws SqlRefusal {
    assertEquals("SELECT B'1001'", analyze("select B'10'\n  '01'").passthroughSql());
  }

  /**
   * Against a table with a column named by each prefix letter, no prefixed constant reads that
   * column: if the lexer ever split one into a name and an alias, a column would be named.
   */
  @ParameterizedTest
  @ValueSource(strings = {"B'101'", "b'1'", "X'FF'", "x'0a'", "N'n'", "n'n'", "E'e'", "e'\\n'",
      "U&'u'", "u&'\\0075'", "U&'!0075' UESCAPE '!'"})
  void aPrefixedConstantNamesNoColumn(String literal) throws SqlRefusal {
    AnalyzedStatement statement = analyze("select " + literal + " from docs.letters");
    RelationAccess letters = statement.relations().getFirst();
    String forwarded = statement.rewrite(Decisions.allow().build());
    assertEquals(List.of(), letters.referencedColumns(), forwarded);
    assertEquals(1, forwarded.split(" FROM ")[0].split(",").length, forwarded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"select B'102'", "select b'1x'", "select B'1'\n'2'"})
  void aBitStringOfOtherDigitsIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql));
    assertEquals("42601", refusal.sqlState(), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"select meshgate$bit_string('101')", "select \"meshgate$bit_string\"('1')"})
  void theBitStringMarkerCannotBeWrittenByAClient(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql));
    assertEquals("42601", refusal.sqlState(), refusal.getMessage());
  }
}
