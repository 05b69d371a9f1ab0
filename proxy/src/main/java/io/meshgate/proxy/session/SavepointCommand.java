package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.PgIdentifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The savepoint a {@code SAVEPOINT}, {@code RELEASE [SAVEPOINT]} or {@code ROLLBACK [WORK |
 * TRANSACTION] TO [SAVEPOINT]} statement names, read from its words. Only statements whose
 * CommandComplete said they succeeded are read, so the grammar is PostgreSQL's and only the
 * name's spelling matters, and it must be read exactly as PostgreSQL's lexer reads it: a name
 * read differently can make a ROLLBACK TO seem to undo less than it did, and a write it undid be
 * logged as committed. So block comments nest, white space is PostgreSQL's six characters, an
 * unquoted name folds A-Z only (PostgreSQL leaves other letters alone in UTF8), and a name is
 * cut to 63 bytes. A statement with anything else in it (a Unicode-escaped {@code U&"…"} name)
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
   * The words and quoted identifiers of {@code sql} as PostgreSQL's lexer splits them, up to
   * anything else, which ends them with {@link Token#UNREADABLE}.
   */
  private static List<Token> tokens(String sql) {
    List<Token> tokens = new ArrayList<>();
    int index = 0;
    while (index < sql.length()) {
      char character = sql.charAt(index);
      if (isSpace(character) || character == ';') {
        index++;
      } else if (sql.startsWith("--", index)) {
        while (index < sql.length() && sql.charAt(index) != '\n' && sql.charAt(index) != '\r') {
          index++;
        }
      } else if (sql.startsWith("/*", index)) {
        int depth = 0;
        do {
          if (sql.startsWith("/*", index)) {
            depth++;
            index += 2;
          } else if (sql.startsWith("*/", index)) {
            depth--;
            index += 2;
          } else {
            index++;
          }
        } while (depth > 0 && index < sql.length());
      } else if (character == '"') {
        StringBuilder quoted = new StringBuilder();
        index++;
        while (true) {
          if (index >= sql.length()) {
            tokens.add(Token.UNREADABLE);
            return List.copyOf(tokens);
          }
          if (sql.charAt(index) == '"') {
            if (index + 1 < sql.length() && sql.charAt(index + 1) == '"') {
              quoted.append('"');
              index += 2;
              continue;
            }
            index++;
            break;
          }
          quoted.append(sql.charAt(index++));
        }
        tokens.add(new Token(PgIdentifiers.truncate(quoted.toString()), true));
      } else if (isIdentifierCharacter(character)) {
        int start = index;
        while (index < sql.length() && isIdentifierCharacter(sql.charAt(index))) {
          index++;
        }
        tokens.add(new Token(PgIdentifiers.truncate(PgIdentifiers.foldAsciiCase(sql.substring(start, index))), false));
      } else {
        // U&"…", UESCAPE '…' or anything else a savepoint command may not hold as a plain name
        tokens.add(Token.UNREADABLE);
        return List.copyOf(tokens);
      }
    }
    return List.copyOf(tokens);
  }

  /** PostgreSQL's white space (scan.l: space, tab, newline, carriage return, form feed, vertical tab). */
  private static boolean isSpace(char character) {
    return character == ' ' || character == '\t' || character == '\n' || character == '\r'
        || character == '\f' || character == '\u000b';
  }

  /** scan.l's ident_cont: ASCII letters, digits, '_', '$' and every non-ASCII character. */
  private static boolean isIdentifierCharacter(char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z')
        || (character >= '0' && character <= '9') || character == '_' || character == '$' || character >= 0x80;
  }
}
