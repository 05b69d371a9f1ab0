package io.meshgate.rewriter.lexer;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One token: its kind, its exact source text and where it starts in the text that was
 * scanned. String tokens include their prefix, quotes and any continuation segments.
 */
public record Token(TokenType type, String text, int start) {
  public Token {
    requireNonNull(type, "type is null");
    requireNonNull(text, "text is null");
    if (start < 0) {
      throw new IllegalArgumentException("start must not be negative");
    }
  }

  public int end() {
    return start + text.length();
  }

  /** Whether this is the unquoted word {@code keyword} (compared as PostgreSQL folds case). */
  public boolean isWord(String keyword) {
    return type == TokenType.WORD && text.equalsIgnoreCase(keyword);
  }

  /** The unquoted word folded to lower case as PostgreSQL does (ASCII letters only). */
  public String foldedWord() {
    if (type != TokenType.WORD) {
      throw new IllegalStateException("not a word: " + type);
    }
    return PgIdentifiers.foldAsciiCase(text);
  }

  /** For diagnostics: the token text in lower case. */
  public String lowerText() {
    return text.toLowerCase(Locale.ROOT);
  }
}
