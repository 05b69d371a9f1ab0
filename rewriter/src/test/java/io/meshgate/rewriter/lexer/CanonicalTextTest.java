package io.meshgate.rewriter.lexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalTextTest {
  private static String canonical(String statement) throws LexicalException {
    List<Token> significant = PgLexer.tokenize(statement).stream().filter(token -> token.type().isSignificant()).toList();
    return CanonicalText.of(significant);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      SET search_path = sales, public                 | SET search_path = sales , public
      set  local  statement_timeout=  '5s' -- why     | set local statement_timeout = '5s'
      SET application_name = $$it's$$                 | SET application_name = 'it''s'
      SET x.y = E'a\\tb'                             | SET x . y = 'a	b'
      SET search_path = U&"d\\0061ta"                 | SET search_path = "data"
      SET search_path = U&"d!0061ta" UESCAPE '!'      | SET search_path = "data"
      SET x.y = U&'\\0041'                            | SET x . y = 'A'
      SET TIME ZONE /* c */ 'Europe/Berlin'           | SET TIME ZONE 'Europe/Berlin'
      SET extra_float_digits = -3                     | SET extra_float_digits = - 3
      SET x.y = B'101'                                | SET x . y = B'101'
      """)
  void tokensAreWrittenBackInOnePlainForm(String statement, String expected) throws LexicalException {
    assertEquals(expected, canonical(statement));
  }

  /** A backslash goes out in an escape string, read alike whatever standard_conforming_strings says. */
  @Test
  void aBackslashIsWrittenInAnEscapeString() throws LexicalException {
    assertEquals("SET x.y = E'a\\\\'', ''; SELECT 1; --'".replace("x.y", "x . y"),
        canonical("SET x.y = E'a\\\\\\', ''; SELECT 1; --'"));
    assertEquals("SET x . y = E'c:\\\\dir'", canonical("SET x.y = 'c:\\dir'"));
  }

  /** The continuation PostgreSQL reads ('a' -- note, newline, 'b') is one literal of both values. */
  @Test
  void aContinuedStringIsOneLiteral() throws LexicalException {
    assertEquals("SET x . y = 'ab'", canonical("SET x.y = 'a' -- note\n'b'"));
    assertEquals("SET x . y = E'a\\\\'", canonical("SET x.y = E'a' -- note\n'\\\\'"));
  }

  @Test
  void aBackslashInANationalStringIsRefused() {
    assertThrows(LexicalException.class, () -> canonical("SET x.y = N'a\\b'"));
  }
}
