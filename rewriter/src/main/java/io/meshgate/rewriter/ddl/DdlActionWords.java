package io.meshgate.rewriter.ddl;

import io.meshgate.policy.DdlAction;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The action of a DDL statement as its leading words state it, for the audit event of a
 * statement refused while it is read (CASCADE, a clause that is not governed, a target that
 * does not exist, a malformed rest): an auditor who selects every {@code drop_table} must find
 * the refused {@code DROP TABLE t CASCADE} too. An action is named only where PostgreSQL's
 * grammar leaves no other reading of those words: {@code CREATE TABLE} creates a table whatever
 * follows (column definitions, {@code AS} a query, {@code PARTITION OF}), while {@code ALTER TABLE
 * t ADD} may add a column or a constraint and is {@code add_column} only when the next word
 * cannot start a constraint. What has no word in the contract ({@code CREATE VIEW}, {@code ALTER
 * TABLE ... ALTER COLUMN}, {@code GRANT}) or is uncertain has none. A statement allowed by the
 * reading has the action its analysis gives, which these words always agree with.
 */
final class DdlActionWords {
  /** Words that start a table constraint after {@code ALTER TABLE t ADD} (a column name cannot be one unquoted). */
  static final Set<String> CONSTRAINT_WORDS = Set.of("constraint", "primary", "unique", "check", "foreign",
      "exclude");
  private static final Set<TokenType> NAME_TYPES =
      Set.of(TokenType.WORD, TokenType.QUOTED_IDENTIFIER, TokenType.UNICODE_IDENTIFIER);

  private final List<Token> tokens;

  private DdlActionWords(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** @param significant the statement's significant tokens */
  static Optional<DdlAction> of(List<Token> significant) {
    return new DdlActionWords(List.copyOf(significant)).action();
  }

  private Optional<DdlAction> action() {
    if (isWord(0, "create")) {
      return create();
    }
    if (isWord(0, "drop")) {
      return isWord(1, "table") ? Optional.of(DdlAction.DROP_TABLE)
          : isWord(1, "index") ? Optional.of(DdlAction.DROP_INDEX) : Optional.empty();
    }
    if (isWord(0, "truncate")) {
      return Optional.of(DdlAction.TRUNCATE);
    }
    if (isWord(0, "comment")) {
      return isWord(1, "on") && (isWord(2, "table") || isWord(2, "column"))
          ? Optional.of(DdlAction.COMMENT) : Optional.empty();
    }
    if (isWord(0, "alter") && isWord(1, "table")) {
      return alterTable();
    }
    return Optional.empty();
  }

  /**
   * {@code CREATE [UNIQUE] INDEX}, and {@code CREATE [{GLOBAL | LOCAL} {TEMP | TEMPORARY} | TEMP |
   * TEMPORARY | UNLOGGED] TABLE}: a temporary or unlogged table is still a table created.
   */
  private Optional<DdlAction> create() {
    int position = 1;
    if (isWord(position, "unique")) {
      position++;
    }
    if (isWord(position, "index")) {
      return Optional.of(DdlAction.CREATE_INDEX);
    }
    position = 1;
    if (isWord(position, "global") || isWord(position, "local")) {
      position++;
      if (!isWord(position, "temp") && !isWord(position, "temporary")) {
        return Optional.empty();
      }
    }
    if (isWord(position, "temp") || isWord(position, "temporary") || isWord(position, "unlogged")) {
      position++;
    }
    return isWord(position, "table") ? Optional.of(DdlAction.CREATE_TABLE) : Optional.empty();
  }

  /**
   * {@code ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, ...]}: the action of every
   * comma-separated command, when they are all the same; a RENAME stands only alone.
   */
  private Optional<DdlAction> alterTable() {
    int position = 2;
    if (isWord(position, "if") && isWord(position + 1, "exists")) {
      position += 2;
    }
    if (isWord(position, "only")) {
      position++;
    }
    if (!isName(position)) {
      return Optional.empty();
    }
    position++;
    while (is(position, TokenType.DOT) && isName(position + 1)) {
      position += 2;
    }
    if (is(position, TokenType.OPERATOR) && tokens.get(position).text().equals("*")) {
      position++;
    }
    List<Integer> commands = commandStarts(position);
    Optional<DdlAction> first = alterCommand(commands.get(0));
    for (int command : commands.subList(1, commands.size())) {
      if (!alterCommand(command).equals(first)) {
        return Optional.empty();
      }
    }
    boolean rename = first.equals(Optional.of(DdlAction.RENAME_COLUMN))
        || first.equals(Optional.of(DdlAction.RENAME_TABLE));
    return rename && commands.size() > 1 ? Optional.empty() : first;
  }

  /** Where each command of an ALTER TABLE starts: after each comma outside parentheses and brackets. */
  private List<Integer> commandStarts(int from) {
    List<Integer> starts = new ArrayList<>(List.of(from));
    int depth = 0;
    for (int position = from; position < tokens.size(); position++) {
      switch (tokens.get(position).type()) {
        case OPEN_PAREN, OPEN_BRACKET -> depth++;
        case CLOSE_PAREN, CLOSE_BRACKET -> depth--;
        case COMMA -> {
          if (depth == 0) {
            starts.add(position + 1);
          }
        }
        default -> {
          // other tokens do not separate commands
        }
      }
    }
    return starts;
  }

  /**
   * One command of an ALTER TABLE: {@code ADD [COLUMN] [IF NOT EXISTS] column ...}, {@code DROP
   * [COLUMN] [IF EXISTS] column}, {@code RENAME [COLUMN] column TO new}, {@code RENAME TO new};
   * after ADD, DROP and RENAME only a constraint keyword or a column name can follow.
   */
  private Optional<DdlAction> alterCommand(int position) {
    int next = position + 1;
    if (isWord(position, "add")) {
      return isName(next) && !isOneOf(next, CONSTRAINT_WORDS) ? Optional.of(DdlAction.ADD_COLUMN) : Optional.empty();
    }
    if (isWord(position, "drop")) {
      return isName(next) && !isWord(next, "constraint") ? Optional.of(DdlAction.DROP_COLUMN) : Optional.empty();
    }
    if (isWord(position, "rename")) {
      if (isWord(next, "to")) {
        return Optional.of(DdlAction.RENAME_TABLE);
      }
      return isName(next) && !isWord(next, "constraint") ? Optional.of(DdlAction.RENAME_COLUMN) : Optional.empty();
    }
    return Optional.empty();
  }

  private boolean isWord(int position, String word) {
    return position < tokens.size() && tokens.get(position).isWord(word);
  }

  private boolean isOneOf(int position, Set<String> words) {
    return is(position, TokenType.WORD) && words.contains(tokens.get(position).foldedWord());
  }

  private boolean isName(int position) {
    return position < tokens.size() && NAME_TYPES.contains(tokens.get(position).type());
  }

  private boolean is(int position, TokenType type) {
    return position < tokens.size() && tokens.get(position).type() == type;
  }
}
