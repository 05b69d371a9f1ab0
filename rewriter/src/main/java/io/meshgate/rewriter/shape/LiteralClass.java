package io.meshgate.rewriter.shape;

import io.meshgate.rewriter.lexer.Token;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The type PostgreSQL gives a bare literal, which a shape keeps: {@code 42}, {@code 5000000000}
 * and {@code 4.2} are integer, bigint and numeric, so statements differing in such a literal's
 * type are different shapes (analysis and predicate pushdown look at the type, never the value).
 */
public enum LiteralClass {
  INTEGER,
  BIGINT,
  NUMERIC,
  /** A plain {@code '...'} string: type unknown, resolved by its context. */
  STRING;

  private static final BigInteger INTEGER_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger BIGINT_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** The class of a literal token a shape may lift, or empty for any other token. */
  static Optional<LiteralClass> of(Token token) {
    return switch (token.type()) {
      case NUMBER -> Optional.of(ofNumber(token.text()));
      case STRING -> Optional.of(STRING);
      // Escape, Unicode, national, bit, hex and dollar strings, and everything else, stay in
      // the key verbatim.
      case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, WORD, QUOTED_IDENTIFIER, UNICODE_IDENTIFIER,
          ESCAPE_STRING, UNICODE_STRING, NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING,
          PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA,
          SEMICOLON, DOT, COLON, TYPECAST, OTHER -> Optional.empty();
    };
  }

  private static LiteralClass ofNumber(String text) {
    for (int index = 0; index < text.length(); index++) {
      char character = text.charAt(index);
      if (character < '0' || character > '9') {
        // A decimal point, an exponent, or PostgreSQL 16's 0x/0o/0b and underscores (which 15
        // does not read as one number): numeric, or not a plain integer; either way its own
        // class, never mixed with integers.
        return NUMERIC;
      }
    }
    BigInteger value = new BigInteger(text);
    if (value.compareTo(INTEGER_MAX) <= 0) {
      return INTEGER;
    }
    return value.compareTo(BIGINT_MAX) <= 0 ? BIGINT : NUMERIC;
  }
}
