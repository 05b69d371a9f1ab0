package io.meshgate.rewriter.lexer;

import java.util.ArrayList;
import java.util.List;

/** Splits a query string into statements on semicolons that are code (not in strings or comments). */
public final class StatementSplitter {
  private StatementSplitter() {}

  /** The non-empty statements of {@code query}; a statement of only comments is empty. */
  public static List<StatementText> split(String query) throws LexicalException {
    return split(query, PgLexer.tokenize(query));
  }

  /**
   * Like {@link #split(String)}, from {@code tokens}, all of {@code query}'s tokens as {@link
   * PgLexer#tokenize} gives them: for a caller that needs the tokens too and lexes only once.
   */
  public static List<StatementText> split(String query, List<Token> tokens) {
    List<StatementText> statements = new ArrayList<>();
    List<Token> current = new ArrayList<>();
    for (Token token : tokens) {
      if (token.type() == TokenType.SEMICOLON) {
        addIfNotEmpty(query, current, statements);
        current = new ArrayList<>();
      } else {
        current.add(token);
      }
    }
    addIfNotEmpty(query, current, statements);
    return List.copyOf(statements);
  }

  private static void addIfNotEmpty(
      String query, List<Token> tokens, List<StatementText> statements) {
    if (tokens.stream().anyMatch(token -> token.type().isSignificant())) {
      statements.add(new StatementText(query, tokens));
    }
  }
}
