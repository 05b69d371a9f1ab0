package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;

/** Matching parentheses among the lexer's tokens (strings and comments are single tokens). */
final class Parentheses {
  private Parentheses() {}

  /** The index of the parenthesis closing the one at {@code open}, or -1 if none does. */
  static int matchingClose(List<Token> tokens, int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      TokenType type = tokens.get(i).type();
      if (type == TokenType.OPEN_PAREN) {
        depth++;
      } else if (type == TokenType.CLOSE_PAREN) {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }
}
