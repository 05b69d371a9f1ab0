package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds PostgreSQL's array slices ({@code a[1:2]}, {@code a[2:]}, {@code a[:2]}, {@code
 * a[1:2][1]}) in the client's tokens. A chain of subscripts is planned as a whole from its first
 * bracket: PostgreSQL treats every subscript of a chain as a slice once one is, so the normalizer
 * writes the whole chain as one marker call (see {@code tree/ArraySliceOperator}). A chain
 * without a colon is left to Calcite, which reads single subscripts itself.
 */
final class ArraySlices {
  /** What a bracket or colon of a slice chain becomes in the marker call. */
  enum Part {
    /** The first {@code [} of the chain: opens the marker call around the array expression. */
    FIRST_OPEN,
    /** A later {@code [} with a colon inside. */
    OPEN,
    /** A {@code [n]} without a colon in the chain, which PostgreSQL reads as {@code [1:n]}. */
    OPEN_SINGLE,
    /** The first {@code [n]} of the chain, without a colon. */
    FIRST_OPEN_SINGLE,
    COLON,
    /** A {@code ]} with more subscripts after it. */
    CLOSE,
    /** The last {@code ]}: closes the marker call. */
    LAST_CLOSE
  }

  private ArraySlices() {}

  /**
   * The parts of the subscript chain whose first bracket is token {@code open}, by token index;
   * empty when no subscript of the chain is a slice.
   *
   * @throws IllegalArgumentException for a subscript with two colons or no closing bracket
   */
  static Map<Integer, Part> plan(List<Token> tokens, int open) {
    Map<Integer, Part> parts = new HashMap<>();
    boolean anySlice = false;
    int current = open;
    int lastClose = -1;
    while (current >= 0 && tokens.get(current).type() == TokenType.OPEN_BRACKET) {
      int depth = 0;
      int colon = -1;
      int close = -1;
      for (int i = current + 1; i < tokens.size() && close < 0; i++) {
        TokenType type = tokens.get(i).type();
        if (type == TokenType.OPEN_BRACKET || type == TokenType.OPEN_PAREN) {
          depth++;
        } else if ((type == TokenType.CLOSE_BRACKET || type == TokenType.CLOSE_PAREN) && depth > 0) {
          depth--;
        } else if (type == TokenType.CLOSE_BRACKET) {
          close = i;
        } else if (type == TokenType.COLON && depth == 0) {
          if (colon >= 0) {
            throw new IllegalArgumentException("an array subscript has one colon at most");
          }
          colon = i;
        }
      }
      if (close < 0) {
        throw new IllegalArgumentException("an array subscript needs its closing bracket");
      }
      boolean first = current == open;
      if (colon >= 0) {
        anySlice = true;
        parts.put(current, first ? Part.FIRST_OPEN : Part.OPEN);
        parts.put(colon, Part.COLON);
      } else {
        parts.put(current, first ? Part.FIRST_OPEN_SINGLE : Part.OPEN_SINGLE);
      }
      parts.put(close, Part.CLOSE);
      lastClose = close;
      current = SignificantTokens.next(tokens, close);
    }
    if (!anySlice) {
      return Map.of();
    }
    parts.put(lastClose, Part.LAST_CLOSE);
    return parts;
  }
}
