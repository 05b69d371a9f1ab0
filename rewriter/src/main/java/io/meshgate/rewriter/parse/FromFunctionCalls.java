package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;
import java.util.Set;

/**
 * Finds a set-returning function call standing as a FROM item right after {@code LATERAL} or
 * {@code JOIN}, from the tokens. Calcite's Babel parser reads a function in FROM only in some
 * shapes: not after {@code LATERAL} (except {@code unnest}), and not when its first argument
 * is itself a call ({@code jsonb_array_elements(jsonb_extract_path(d, 'k'))}, which it takes
 * for a table with a column list). Spelled {@code TABLE(f(...))} it reads every shape, as the
 * same tree, so the normalizer writes that around the calls found here.
 */
final class FromFunctionCalls {
  /**
   * Words that, followed by a parenthesis after LATERAL or JOIN, are not a function: PostgreSQL
   * reserves them, and Calcite reads {@code unnest} there itself.
   */
  private static final Set<String> NOT_FUNCTIONS =
      Set.of("only", "lateral", "rows", "table", "select", "values", "with", "unnest");

  private FromFunctionCalls() {}

  /**
   * The index of the last token of the function item starting at {@code nameStart} (its
   * closing parenthesis, or {@code ORDINALITY} of a following {@code WITH ORDINALITY}), or -1
   * when the tokens there are not {@code name [. name ...] ( ... )}.
   */
  static int itemEnd(List<Token> tokens, int nameStart) {
    int cursor = nameStart;
    if (cursor < 0 || !SignificantTokens.isName(tokens.get(cursor))
        || tokens.get(cursor).type() == TokenType.WORD
            && NOT_FUNCTIONS.contains(tokens.get(cursor).foldedWord())) {
      return -1;
    }
    while (true) {
      int next = SignificantTokens.next(tokens, cursor);
      if (next < 0) {
        return -1;
      }
      if (tokens.get(next).type() == TokenType.OPEN_PAREN) {
        cursor = next;
        break;
      }
      if (tokens.get(next).type() != TokenType.DOT) {
        return -1;
      }
      cursor = SignificantTokens.next(tokens, next);
      if (cursor < 0 || !SignificantTokens.isName(tokens.get(cursor))) {
        return -1;
      }
    }
    int close = Parentheses.matchingClose(tokens, cursor);
    if (close < 0) {
      return -1;
    }
    int with = SignificantTokens.next(tokens, close);
    int ordinality = with < 0 ? -1 : SignificantTokens.next(tokens, with);
    if (with >= 0 && tokens.get(with).isWord("with")
        && ordinality >= 0 && tokens.get(ordinality).isWord("ordinality")) {
      return ordinality;
    }
    return close;
  }

  /** {@code ROWS FROM (} at {@code start}. */
  static boolean isRowsFrom(List<Token> tokens, int start) {
    if (start < 0 || !tokens.get(start).isWord("rows")) {
      return false;
    }
    int from = SignificantTokens.next(tokens, start);
    int open = from < 0 ? -1 : SignificantTokens.next(tokens, from);
    return from >= 0 && tokens.get(from).isWord("from")
        && open >= 0 && tokens.get(open).type() == TokenType.OPEN_PAREN;
  }
}
