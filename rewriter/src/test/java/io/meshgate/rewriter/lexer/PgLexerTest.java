package io.meshgate.rewriter.lexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PgLexerTest {
  /** "TYPE:text" for each significant token. */
  private static String significant(String text) throws LexicalException {
    return PgLexer.tokenize(text).stream()
        .filter(token -> token.type().isSignificant())
        .map(token -> token.type() + ":" + token.text())
        .collect(Collectors.joining(" "));
  }

  @Test
  void tokensCoverTheTextExactly() throws LexicalException {
    String text = "SELECT a.b, 'x''y' /* c /* d */ e */ -- f\n FROM t WHERE x::int >= $1;";
    StringBuilder rebuilt = new StringBuilder();
    int expectedStart = 0;
    for (Token token : PgLexer.tokenize(text)) {
      assertEquals(expectedStart, token.start());
      rebuilt.append(token.text());
      expectedStart = token.end();
    }
    assertEquals(text, rebuilt.toString());
  }

  @Test
  void stringStyles() throws LexicalException {
    assertEquals("STRING:'a''b' ESCAPE_STRING:E'c\\'d' ESCAPE_STRING:e'\\\\' UNICODE_STRING:U&'\\0041'"
            + " NATIONAL_STRING:N'n' BIT_STRING:B'101' HEX_STRING:x'ff'",
        significant("'a''b' E'c\\'d' e'\\\\' U&'\\0041' N'n' B'101' x'ff'"));
  }

  @Test
  void backslashIsOrdinaryInStandardStrings() throws LexicalException {
    assertEquals("STRING:'a\\' WORD:b STRING:'c'", significant("'a\\' b 'c'"));
  }

  @Test
  void continuedStringsAreOneToken() throws LexicalException {
    assertEquals("STRING:'a'\n  -- note\n 'b' STRING:'c'",
        significant("'a'\n  -- note\n 'b' 'c'"));
    // without a newline between them they are two literals
    assertEquals("STRING:'a' STRING:'b'", significant("'a' 'b'"));
  }

  /**
   * A -- comment before the newline is whitespace too (scan.l's horiz_whitespace), so the
   * continuation belongs to the literal, an E'' string's escapes included: lexed as a literal of
   * its own, '\' would end where PostgreSQL reads an escaped quote.
   */
  @Test
  void aCommentBeforeTheNewlineContinuesAStringToo() throws LexicalException {
    assertEquals("STRING:'a' -- note\n'b' STRING:'c'", significant("'a' -- note\n'b' 'c'"));
    assertEquals("ESCAPE_STRING:E'a' -- note\n'\\', ' SEMICOLON:; WORD:x",
        significant("E'a' -- note\n'\\', '; x"));
    assertEquals("a', ", PgStringLiterals.value(PgLexer.tokenize("E'a' -- note\n'\\', '").get(0)));
    // a comment without a newline after it continues nothing
    assertEquals("STRING:'a' STRING:'b'", significant("'a' /* note */ 'b'"));
  }

  @Test
  void dollarQuotes() throws LexicalException {
    assertEquals("DOLLAR_STRING:$$a;'b$$ DOLLAR_STRING:$tag$x$$y$tag$ DOLLAR_STRING:$_1$$_1$",
        significant("$$a;'b$$ $tag$x$$y$tag$ $_1$$_1$"));
  }

  @Test
  void dollarSignsInsideIdentifiersAreNotQuotes() throws LexicalException {
    assertEquals("WORD:a$b$ OPERATOR:+ WORD:c$$", significant("a$b$ + c$$"));
  }

  @Test
  void parameters() throws LexicalException {
    assertEquals("PARAMETER:$1 OPERATOR:= PARAMETER:$12", significant("$1=$12"));
  }

  @Test
  void nestedBlockComments() throws LexicalException {
    List<Token> tokens = PgLexer.tokenize("a /* x /* y */ ; z */ b");
    assertEquals("WORD:a BLOCK_COMMENT:/* x /* y */ ; z */ WORD:b",
        tokens.stream().filter(token -> token.type() != TokenType.WHITESPACE)
            .map(token -> token.type() + ":" + token.text()).collect(Collectors.joining(" ")));
  }

  @Test
  void lineCommentsEndAtNewline() throws LexicalException {
    assertEquals("WORD:a WORD:b", significant("a -- ; comment\r\nb"));
  }

  @Test
  void operatorsStopBeforeComments() throws LexicalException {
    assertEquals("WORD:a OPERATOR:* WORD:b OPERATOR:- WORD:c", significant("a*/* x */b-/**/c"));
    assertEquals("WORD:a OPERATOR:+ WORD:b", significant("a+--x\nb"));
  }

  @Test
  void quotedIdentifiers() throws LexicalException {
    assertEquals("QUOTED_IDENTIFIER:\"a\"\"b\" UNICODE_IDENTIFIER:U&\"\\0041\" DOT:. WORD:c",
        significant("\"a\"\"b\" U&\"\\0041\".c"));
  }

  @Test
  void numbersAndPunctuation() throws LexicalException {
    assertEquals("NUMBER:1 NUMBER:1.5 NUMBER:.5 NUMBER:1e10 NUMBER:2E-3 NUMBER:1 OPERATOR:.."
            + " NUMBER:2 TYPECAST::: COLON:: OPEN_BRACKET:[ CLOSE_BRACKET:] OPERATOR::=",
        significant("1 1.5 .5 1e10 2E-3 1..2 :: : [ ] :="));
  }

  @Test
  void nonAsciiLettersAreIdentifierCharacters() throws LexicalException {
    assertEquals("WORD:Ünïcode_1 WORD:日本", significant("Ünïcode_1 日本"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"'open", "E'open\\'", "\"open", "/* open", "/* /* */", "$x$ open",
      "\"\""})
  void unterminatedTokensAreRejected(String text) {
    assertThrows(LexicalException.class, () -> PgLexer.tokenize(text));
  }

  @Test
  void operatorsEndInASignOnlyWithANonSqlCharacter() throws LexicalException {
    assertEquals("WORD:a OPERATOR:= OPERATOR:- NUMBER:1 WORD:b OPERATOR:->> OPERATOR:- NUMBER:1"
            + " WORD:c OPERATOR:-> OPERATOR:+ NUMBER:2 WORD:d OPERATOR:@- NUMBER:3 WORD:e OPERATOR:*"
            + " OPERATOR:- NUMBER:4 WORD:f OPERATOR:<@ WORD:g OPERATOR:|- NUMBER:5",
        significant("a=-1 b->>-1 c->+2 d@-3 e*-4 f<@g |-5"));
  }
}
