package io.meshgate.rewriter.lexer;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * One statement of a query string: its tokens (offsets relative to the whole query string),
 * without the terminating semicolon.
 */
public record StatementText(String query, List<Token> tokens) {
  public StatementText {
    requireNonNull(query, "query is null");
    tokens = List.copyOf(requireNonNull(tokens, "tokens is null"));
  }

  /** The tokens that matter to the grammar. */
  public List<Token> significantTokens() {
    return tokens.stream().filter(token -> token.type().isSignificant()).toList();
  }

  /** The statement's text as the client wrote it, comments and whitespace included. */
  public String text() {
    if (tokens.isEmpty()) {
      return "";
    }
    return query.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
  }

  /**
   * This statement as a query string of its own: its text from its first to its last
   * significant token (no comment or whitespace around it), with its tokens' offsets relative
   * to that text. What a multi-statement query's statement is governed as, without lexing it
   * again.
   */
  public StatementText alone() {
    int first = 0;
    while (first < tokens.size() && !tokens.get(first).type().isSignificant()) {
      first++;
    }
    int last = tokens.size() - 1;
    while (last >= first && !tokens.get(last).type().isSignificant()) {
      last--;
    }
    if (first > last) {
      return new StatementText("", List.of());
    }
    int offset = tokens.get(first).start();
    List<Token> rebased = new ArrayList<>(last - first + 1);
    for (int index = first; index <= last; index++) {
      Token token = tokens.get(index);
      rebased.add(new Token(token.type(), token.text(), token.start() - offset));
    }
    return new StatementText(query.substring(offset, tokens.get(last).end()), rebased);
  }

  /** Where the statement starts in the query string. */
  public int offset() {
    return tokens.isEmpty() ? 0 : tokens.get(0).start();
  }
}
