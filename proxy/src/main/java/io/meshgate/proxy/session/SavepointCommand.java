package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The savepoint a {@code SAVEPOINT}, {@code RELEASE [SAVEPOINT]} or {@code ROLLBACK [WORK |
 * TRANSACTION] TO [SAVEPOINT]} statement names, read from its words. Only statements whose
 * CommandComplete said they succeeded are read, so the grammar is PostgreSQL's and only the
 * name's spelling matters, and it must be read exactly as PostgreSQL's lexer reads it: a name
 * read differently can make a ROLLBACK TO seem to undo less than it did, and a write it undid be
 * logged as committed. So the words are split by {@link PgLexer} (block comments nest, white
 * space is PostgreSQL's six characters), an unquoted name folds A-Z only (PostgreSQL leaves other
 * letters alone in UTF8), and a name is cut to 63 bytes. A statement with anything else in it (a Unicode-escaped {@code U&"…"} name)
 * has no name Meshgate can tell: {@link #name} is empty, which the caller takes the cautious way.
 */
record SavepointCommand(Kind kind, Optional<String> name) {
  enum Kind { ROLLBACK_TO, OTHER }

  SavepointCommand {
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
  }

  static SavepointCommand of(String sql) {
    requireNonNull(sql, "sql is null");
    List<Token> tokens = tokens(sql);
    // a name Meshgate cannot read anywhere in the statement: it cannot tell which savepoint
    boolean readable = tokens.isEmpty() || !tokens.get(tokens.size() - 1).isUnreadable();
    boolean rollback = !tokens.isEmpty() && (tokens.get(0).isWord("rollback") || tokens.get(0).isWord("abort"));
    int to = -1;
    for (int index = 1; rollback && index < tokens.size() && to < 0; index++) {
      if (tokens.get(index).isWord("to")) {
        to = index;
      }
    }
    if (to > 0) {
      int name = to + 1;
      if (name < tokens.size() - 1 && tokens.get(name).isWord("savepoint")) {
        name++;
      }
      return new SavepointCommand(Kind.ROLLBACK_TO,
          readable && name < tokens.size() ? Optional.of(tokens.get(name).name()) : Optional.empty());
    }
    return new SavepointCommand(Kind.OTHER,
        readable && !tokens.isEmpty() ? Optional.of(tokens.get(tokens.size() - 1).name()) : Optional.empty());
  }

  /**
   * A word (folded) or a quoted identifier, its name cut as PostgreSQL cuts it; or, with a null
   * name, the point from which Meshgate could not read the statement.
   */
  private record Token(String name, boolean quoted) {
    static final Token UNREADABLE = new Token(null, false);

    boolean isWord(String keyword) {
      return !quoted && keyword.equals(name);
    }

    boolean isUnreadable() {
      return name == null;
    }
  }

  /**
   * The words and quoted identifiers of {@code sql} as PostgreSQL's lexer splits them ({@link
   * PgLexer}, which Meshgate splits statements with), up to anything else, which ends them with
   * {@link Token#UNREADABLE}.
   */
  private static List<Token> tokens(String sql) {
    List<io.meshgate.rewriter.lexer.Token> lexed;
    try {
      lexed = PgLexer.tokenize(sql);
    } catch (LexicalException unreadable) {
      // not reached for a statement the backend completed; nothing of it can be told then
      return List.of(Token.UNREADABLE);
    }
    List<Token> tokens = new ArrayList<>();
    for (io.meshgate.rewriter.lexer.Token token : lexed) {
      TokenType type = token.type();
      if (type == TokenType.WORD) {
        tokens.add(new Token(PgIdentifiers.truncate(PgIdentifiers.foldAsciiCase(token.text())), false));
      } else if (type == TokenType.QUOTED_IDENTIFIER) {
        String quoted = token.text();
        tokens.add(new Token(PgIdentifiers.truncate(quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"")), true));
      } else if (type != TokenType.WHITESPACE && type != TokenType.LINE_COMMENT
          && type != TokenType.BLOCK_COMMENT && type != TokenType.SEMICOLON) {
        // U&"…", UESCAPE '…' or anything else a savepoint command may not hold as a plain name
        tokens.add(Token.UNREADABLE);
        return List.copyOf(tokens);
      }
    }
    return List.copyOf(tokens);
  }
}
