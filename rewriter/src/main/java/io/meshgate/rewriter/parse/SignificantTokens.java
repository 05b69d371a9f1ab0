package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;

/** Walking the lexer's tokens past whitespace and comments, as the pre-processing steps do. */
final class SignificantTokens {
  private SignificantTokens() {}

  /** The index of the first significant token after {@code from}, or -1 if there is none. */
  static int next(List<Token> tokens, int from) {
    for (int i = from + 1; i < tokens.size(); i++) {
      if (tokens.get(i).type().isSignificant()) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the last significant token before {@code before}, or -1 if there is none. */
  static int previous(List<Token> tokens, int before) {
    for (int i = before - 1; i >= 0; i--) {
      if (tokens.get(i).type().isSignificant()) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code token} can be a name: a word or a quoted identifier. */
  static boolean isName(Token token) {
    return token.type() == TokenType.WORD || token.type() == TokenType.QUOTED_IDENTIFIER
        || token.type() == TokenType.UNICODE_IDENTIFIER;
  }
}
