package io.meshgate.rewriter.lexer;

import static java.util.Objects.requireNonNull;

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

  /** Where the statement starts in the query string. */
  public int offset() {
    return tokens.isEmpty() ? 0 : tokens.get(0).start();
  }
}
