package io.meshgate.rewriter.lexer;

/** Kinds of PostgreSQL lexical tokens, as PostgreSQL's own scanner tells them apart. */
public enum TokenType {
  WHITESPACE,
  LINE_COMMENT,
  BLOCK_COMMENT,
  /** An unquoted identifier or keyword. */
  WORD,
  QUOTED_IDENTIFIER,
  /** {@code U&"..."}, possibly followed by a separate {@code UESCAPE '.'} clause. */
  UNICODE_IDENTIFIER,
  /** {@code '...'}; with standard_conforming_strings on, backslash is an ordinary character. */
  STRING,
  /** {@code E'...'} with backslash escapes. */
  ESCAPE_STRING,
  /** {@code U&'...'}, possibly followed by a separate {@code UESCAPE '.'} clause. */
  UNICODE_STRING,
  /** {@code N'...'}. */
  NATIONAL_STRING,
  /** {@code B'...'}. */
  BIT_STRING,
  /** {@code X'...'}. */
  HEX_STRING,
  /** {@code $tag$...$tag$}. */
  DOLLAR_STRING,
  NUMBER,
  /** {@code $1}, {@code $2}, ... */
  PARAMETER,
  OPERATOR,
  OPEN_PAREN,
  CLOSE_PAREN,
  OPEN_BRACKET,
  CLOSE_BRACKET,
  COMMA,
  SEMICOLON,
  DOT,
  COLON,
  /** {@code ::}. */
  TYPECAST,
  /** A character PostgreSQL's scanner does not accept outside strings, such as a backslash. */
  OTHER;

  /** Whether the token matters to the grammar (everything but whitespace and comments). */
  public boolean isSignificant() {
    return switch (this) {
      case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT -> false;
      case WORD, QUOTED_IDENTIFIER, UNICODE_IDENTIFIER, STRING, ESCAPE_STRING, UNICODE_STRING,
          NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, NUMBER, PARAMETER, OPERATOR,
          OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA, SEMICOLON, DOT, COLON,
          TYPECAST, OTHER -> true;
    };
  }

  /** Whether the token is a character string literal of any quoting style. */
  public boolean isCharacterString() {
    return switch (this) {
      case STRING, ESCAPE_STRING, UNICODE_STRING, NATIONAL_STRING, DOLLAR_STRING -> true;
      case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, WORD, QUOTED_IDENTIFIER, UNICODE_IDENTIFIER,
          BIT_STRING, HEX_STRING, NUMBER, PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN,
          OPEN_BRACKET, CLOSE_BRACKET, COMMA, SEMICOLON, DOT, COLON, TYPECAST, OTHER -> false;
    };
  }
}
