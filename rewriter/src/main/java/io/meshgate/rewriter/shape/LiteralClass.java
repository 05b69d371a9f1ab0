package io.meshgate.rewriter.shape;

import io.meshgate.rewriter.lexer.Token;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The type PostgreSQL gives a bare literal, which a shape keeps: {@code 42}, {@code 5000000000}
 * and {@code 4.2} are integer, bigint and numeric, so statements differing in such a literal's
 * type are different shapes (analysis and predicate pushdown look at the type, never the value).
 *
 * <p>Only spellings whose class says everything the rewriter looks at are lifted: an integer
 * beyond bigint is numeric to PostgreSQL but an integer to predicate pushdown (which copies
 * integer literals, never decimals), and {@code 1e5} is read by Calcite as an approximate
 * number; both stay in the key verbatim.
 */
public enum LiteralClass {
  INTEGER,
  BIGINT,
  /** A plain decimal, {@code 4.2} or {@code .2} ({@code 4.} stays in the key). */
  NUMERIC,
  /** A plain {@code '...'} string: type unknown, resolved by its context. */
  STRING;

  private static final BigInteger INTEGER_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger BIGINT_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** The class of a literal token a shape may lift, or empty for any other token. */
  static Optional<LiteralClass> of(Token token) {
    return switch (token.type()) {
      case NUMBER -> ofNumber(token.text());
      case STRING -> Optional.of(STRING);
      // Escape, Unicode, national, bit, hex and dollar strings, and everything else, stay in
      // the key verbatim.
      case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, WORD, QUOTED_IDENTIFIER, UNICODE_IDENTIFIER,
          ESCAPE_STRING, UNICODE_STRING, NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING,
          PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA,
          SEMICOLON, DOT, COLON, TYPECAST, OTHER -> Optional.empty();
    };
  }

  private static Optional<LiteralClass> ofNumber(String text) {
    // A hand-written scan, not a regular expression: this runs for every literal of every
    // simple-protocol statement.
    int dot = -1;
    for (int index = 0; index < text.length(); index++) {
      char character = text.charAt(index);
      if (character == '.' && dot < 0) {
        dot = index;
      } else if (character < '0' || character > '9') {
        // An exponent, or PostgreSQL 16's 0x/0o/0b and underscores (which 15 does not read as
        // one number): kept verbatim.
        return Optional.empty();
      }
    }
    if (dot >= 0) {
      // 4.2 and .2 are plain decimals; 4. stays in the key.
      return dot == text.length() - 1 ? Optional.empty() : Optional.of(NUMERIC);
    }
    if (text.length() <= 9) {
      return Optional.of(INTEGER);
    }
    BigInteger value = new BigInteger(text);
    if (value.compareTo(INTEGER_MAX) <= 0) {
      return Optional.of(INTEGER);
    }
    return value.compareTo(BIGINT_MAX) <= 0 ? Optional.of(BIGINT) : Optional.empty();
  }
}
