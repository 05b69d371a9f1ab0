package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;
import java.util.Set;

/**
 * Whether a token stands where a FROM item starts, from the tokens before it: right after
 * {@code FROM}, {@code JOIN}, {@code LATERAL} or DELETE's {@code USING}, or after a comma of a
 * FROM list. A comma is
 * ambiguous by itself ({@code SELECT a, unnest(x)} against {@code FROM t, unnest(t.x)}), so
 * the words before it, at its own parenthesis depth, decide which clause it is in.
 */
final class FromItemPositions {
  /** Words that start or continue a FROM list: a comma after them separates FROM items. */
  private static final Set<String> FROM_LIST_WORDS = Set.of("from", "join", "on", "using", "lateral");
  /** Words that start a clause of expressions: a comma after them separates expressions. */
  private static final Set<String> EXPRESSION_LIST_WORDS = Set.of("select", "where", "group", "having", "order",
      "returning", "set", "values", "limit", "offset", "window", "fetch", "for", "by", "distinct", "all");

  private FromItemPositions() {}

  /** Whether the token at {@code index} starts a FROM item. */
  static boolean startsFromItem(List<Token> tokens, int index) {
    int previous = SignificantTokens.previous(tokens, index);
    if (previous < 0) {
      return false;
    }
    Token token = tokens.get(previous);
    if (token.isWord("from") && followsDistinct(tokens, previous)) {
      return false; // a IS [NOT] DISTINCT FROM f(g(b)): an operand (SELECT DISTINCT needs a select list)
    }
    if (token.isWord("from") || token.isWord("join") || token.isWord("lateral") || token.isWord("using")) {
      // USING before a name is DELETE's FROM list (JOIN ... USING is followed by a parenthesis)
      return true;
    }
    if (token.type() == TokenType.OPEN_PAREN) {
      // FROM (unnest(a) AS x JOIN ...): a parenthesized join starts where a FROM item may.
      return startsFromItem(tokens, previous);
    }
    return token.type() == TokenType.COMMA && commaSeparatesFromItems(tokens, previous);
  }

  private static boolean commaSeparatesFromItems(List<Token> tokens, int comma) {
    int depth = 0;
    for (int i = comma - 1; i >= 0; i--) {
      Token token = tokens.get(i);
      if (token.type() == TokenType.CLOSE_PAREN) {
        depth++;
      } else if (token.type() == TokenType.OPEN_PAREN) {
        if (depth == 0) {
          return false; // the comma separates a call's arguments or a list in parentheses
        }
        depth--;
      } else if (depth == 0 && token.type() == TokenType.WORD) {
        String word = token.foldedWord();
        if (word.equals("on") && followsDistinct(tokens, i)) {
          return false;
        }
        if (word.equals("from") && followsDistinct(tokens, i)) {
          continue; // IS DISTINCT FROM, an operator within an expression list
        }
        if (FROM_LIST_WORDS.contains(word)) {
          return true;
        }
        if (EXPRESSION_LIST_WORDS.contains(word)) {
          return false;
        }
      }
    }
    return false;
  }

  /** Whether the word at {@code index} follows DISTINCT: DISTINCT ON, IS DISTINCT FROM. */
  private static boolean followsDistinct(List<Token> tokens, int index) {
    int previous = SignificantTokens.previous(tokens, index);
    return previous >= 0 && tokens.get(previous).isWord("distinct");
  }
}
