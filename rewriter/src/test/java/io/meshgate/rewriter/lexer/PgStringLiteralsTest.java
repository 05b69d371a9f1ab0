package io.meshgate.rewriter.lexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PgStringLiteralsTest {
  private static String value(String literal) throws LexicalException {
    Token token = PgLexer.tokenize(literal).get(0);
    return PgStringLiterals.value(token);
  }

  @Test
  void standardStrings() throws LexicalException {
    assertEquals("it's \\n", value("'it''s \\n'"));
    assertEquals("ab", value("'a'\n'b'"));
  }

  @Test
  void escapeStrings() throws LexicalException {
    assertEquals("a\nb\tc\\d'e'f\b\f\r", value("E'a\\nb\\tc\\\\d\\'e''f\\b\\f\\r'"));
    assertEquals("AAAé", value("E'\\x41\\101\\u0041\\u00E9'"));
    assertEquals("😀😀", value("E'\\U0001F600\\uD83D\\uDE00'"));
    assertEquals("é", value("E'\\303\\251'"));
    assertEquals("xq", value("E'\\xq'"));
  }

  @Test
  void unicodeStrings() throws LexicalException {
    assertEquals("data\\😀", value("U&'d\\0061t\\+000061\\\\\\+01F600'"));
    Token token = PgLexer.tokenize("U&'d!0061t'").get(0);
    assertEquals("dat", PgStringLiterals.unicodeValue(token, '!'));
  }

  @Test
  void dollarStrings() throws LexicalException {
    assertEquals("a'b\\c$", value("$x$a'b\\c$$x$"));
  }

  @Test
  void quotedIdentifiers() throws LexicalException {
    assertEquals("a\"b", PgStringLiterals.identifier(PgLexer.tokenize("\"a\"\"b\"").get(0), '\\'));
    assertEquals("Ab", PgStringLiterals.identifier(PgLexer.tokenize("U&\"\\0041b\"").get(0), '\\'));
  }

  @ParameterizedTest
  @ValueSource(strings = {"E'\\xff'", "E'\\000'", "E'\\u0000'", "E'\\uD800'", "E'\\u12'",
      "U&'\\D800'", "U&'\\0000'", "U&'\\12'", "E'\\uDE00\\uD83D'"})
  void invalidValuesAreRejected(String literal) {
    assertThrows(LexicalException.class, () -> value(literal));
  }

  @Test
  void identifiersAreTruncatedLikePostgres() {
    String longName = "a".repeat(70);
    assertEquals("a".repeat(63), PgIdentifiers.truncate(longName));
    // a multi-byte character is not split
    assertEquals("a".repeat(62), PgIdentifiers.truncate("a".repeat(62) + "é" + "b"));
    assertEquals("Ünï", PgIdentifiers.foldAsciiCase("Ünï"));
    assertEquals("abc", PgIdentifiers.foldAsciiCase("AbC"));
  }
}
