package io.meshgate.rewriter.lexer;

import java.util.List;

/**
 * A statement written back from Meshgate's own tokens, in one plain form: no comments, one
 * space between tokens, every character string as a literal of the value Meshgate decoded,
 * every Unicode-escaped name as a plain quoted name. What Meshgate forwards without parsing
 * (allowlisted utility statements) is forwarded this way, so the backend reads exactly the
 * tokens Meshgate checked: were Meshgate's lexer ever to end a literal or a comment where
 * PostgreSQL does not, the text PostgreSQL gets still has the statement boundaries Meshgate
 * saw, instead of the client's text with PostgreSQL's.
 */
public final class CanonicalText {
  private CanonicalText() {}

  /** {@code significant}: a statement's tokens without whitespace and comments. */
  public static String of(List<Token> significant) throws LexicalException {
    StringBuilder text = new StringBuilder();
    for (int index = 0; index < significant.size(); index++) {
      Token token = significant.get(index);
      if (!text.isEmpty()) {
        text.append(' ');
      }
      switch (token.type()) {
        case STRING, ESCAPE_STRING, DOLLAR_STRING -> text.append(literal(PgStringLiterals.value(token)));
        case NATIONAL_STRING -> text.append('N').append(nationalLiteral(token));
        case UNICODE_STRING, UNICODE_IDENTIFIER -> {
          char escape = '\\';
          if (index + 2 < significant.size() && significant.get(index + 1).isWord("uescape")) {
            escape = PgStringLiterals.uescapeCharacter(significant.get(index + 2));
            index += 2;
          }
          text.append(token.type() == TokenType.UNICODE_STRING
              ? literal(PgStringLiterals.unicodeValue(token, escape))
              : PgIdentifiers.quote(PgStringLiterals.identifier(token, escape)));
        }
        case WORD, QUOTED_IDENTIFIER, BIT_STRING, HEX_STRING, NUMBER, PARAMETER, OPERATOR, OPEN_PAREN,
            CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA, SEMICOLON, DOT, COLON, TYPECAST, OTHER ->
            text.append(token.text());
        case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT -> throw new IllegalArgumentException(
            "not a significant token: " + token.type());
      }
    }
    return text.toString();
  }

  /**
   * {@code value} as a literal PostgreSQL reads the same whatever {@code
   * standard_conforming_strings} says: a plain string when it has no backslash, else an
   * escape string with the backslashes doubled.
   */
  static String literal(String value) {
    String quoted = value.replace("'", "''");
    return value.indexOf('\\') < 0 ? "'" + quoted + "'" : "E'" + quoted.replace("\\", "\\\\") + "'";
  }

  /** N'...' has no escape form: a backslash in it is refused rather than left to the backend's reading. */
  private static String nationalLiteral(Token token) throws LexicalException {
    String value = PgStringLiterals.value(token);
    if (value.indexOf('\\') >= 0) {
      throw new LexicalException("a backslash in an N'...' string is not accepted here; write it as"
          + " an E'...' string", token.start());
    }
    return literal(value);
  }
}
