package io.meshgate.rewriter.lock;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.SourcePositions;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the locking clauses of a SELECT from its tokens, because Calcite's parser does not know
 * them. PostgreSQL accepts one run of clauses after ORDER BY, before or after LIMIT / OFFSET /
 * FETCH; Meshgate takes that run only at the outermost level of the statement, cuts it out of
 * the text Calcite parses, and refuses a locking clause anywhere else (a subquery, a WITH query,
 * a parenthesised query) so that only locks it has accounted for reach the backend.
 */
public final class LockingClauseReader {
  private LockingClauseReader() {}

  /**
   * A statement without its outermost locking clauses, and those clauses.
   *
   * @param rest the statement with the clauses replaced by one space
   * @param clauses in the order written; empty when the statement has none
   */
  public record Split(StatementText rest, List<LockingClause> clauses) {
    public Split {
      requireNonNull(rest, "rest is null");
      clauses = List.copyOf(requireNonNull(clauses, "clauses is null"));
    }
  }

  /**
   * Cuts the locking clauses at the outermost level out of a SELECT.
   *
   * @throws SqlRefusal 0A000 for a locking clause anywhere else, 42601 for a clause that does
   *     not read as one (or names a table with its schema, as PostgreSQL refuses too)
   */
  public static Split split(StatementText statement) throws SqlRefusal {
    List<Token> tokens = statement.tokens();
    int depth = 0;
    for (int index = 0; index < tokens.size(); index++) {
      Token token = tokens.get(index);
      if (token.type() == TokenType.OPEN_PAREN) {
        depth++;
      } else if (token.type() == TokenType.CLOSE_PAREN) {
        depth--;
      } else if (depth == 0 && startsClause(tokens, index)) {
        Cursor cursor = new Cursor(statement, index);
        List<LockingClause> clauses = new ArrayList<>();
        do {
          clauses.add(cursor.clause());
        } while (startsClause(tokens, nextSignificant(tokens, cursor.index)));
        cursor.refuseUnlessLimitFollows();
        List<Token> rest = new ArrayList<>(tokens.subList(0, index));
        rest.add(new Token(TokenType.WHITESPACE, " ", token.start()));
        rest.addAll(tokens.subList(cursor.index, tokens.size()));
        StatementText remaining = new StatementText(statement.query(), rest);
        refuseAnywhere(remaining);
        return new Split(remaining, clauses);
      }
    }
    refuseAnywhere(statement);
    return new Split(statement, List.of());
  }

  /**
   * Refuses (0A000) a statement with a locking clause anywhere: for the statements whose
   * locks Meshgate does not govern (writes, the query of a COPY) and what is left of a SELECT
   * once its outermost clauses are cut out.
   */
  public static void refuseAnywhere(StatementText statement) throws SqlRefusal {
    List<Token> tokens = statement.tokens();
    for (int index = 0; index < tokens.size(); index++) {
      if (startsClause(tokens, index)) {
        throw new SqlRefusal(
            Reason.NOT_GOVERNED,
            "the locking clause at " + SourcePositions.describe(statement.query(), tokens.get(index).start())
                + " is not governed by Meshgate: row locks (FOR UPDATE, FOR SHARE, ...) are governed"
                + " only at the end of the outermost SELECT, not in a subquery, a WITH query or"
                + " another statement; lock the rows with an outermost SELECT ... FOR UPDATE first;"
                + " the statement was not forwarded");
      }
    }
  }

  /** Whether {@code FOR UPDATE}, {@code FOR NO KEY UPDATE}, {@code FOR SHARE} or {@code FOR KEY SHARE} starts here. */
  private static boolean startsClause(List<Token> tokens, int index) {
    if (index < 0 || index >= tokens.size() || !tokens.get(index).isWord("for")) {
      return false;
    }
    int next = nextSignificant(tokens, index + 1);
    if (next < 0) {
      return false;
    }
    Token word = tokens.get(next);
    if (word.isWord("update") || word.isWord("share")) {
      return true;
    }
    int after = nextSignificant(tokens, next + 1);
    return after >= 0
        && ((word.isWord("no") && tokens.get(after).isWord("key"))
            || (word.isWord("key") && tokens.get(after).isWord("share")));
  }

  private static int nextSignificant(List<Token> tokens, int from) {
    for (int index = from; index < tokens.size(); index++) {
      if (tokens.get(index).type().isSignificant()) {
        return index;
      }
    }
    return -1;
  }

  /** Reads clauses token by token; {@code index} is just past the last token read. */
  private static final class Cursor {
    private final StatementText statement;
    private final List<Token> tokens;
    private int index;

    Cursor(StatementText statement, int index) {
      this.statement = statement;
      this.tokens = statement.tokens();
      this.index = index;
    }

    LockingClause clause() throws SqlRefusal {
      expect("for");
      LockStrength strength;
      if (accept("update")) {
        strength = LockStrength.UPDATE;
      } else if (accept("share")) {
        strength = LockStrength.SHARE;
      } else if (accept("no")) {
        expect("key");
        expect("update");
        strength = LockStrength.NO_KEY_UPDATE;
      } else {
        expect("key");
        expect("share");
        strength = LockStrength.KEY_SHARE;
      }
      List<String> tables = new ArrayList<>();
      if (accept("of")) {
        do {
          tables.add(name(strength));
        } while (acceptComma());
      }
      LockWait wait = LockWait.WAIT;
      if (accept("nowait")) {
        wait = LockWait.NOWAIT;
      } else if (accept("skip")) {
        expect("locked");
        wait = LockWait.SKIP_LOCKED;
      }
      return new LockingClause(strength, tables, wait);
    }

    private String name(LockStrength strength) throws SqlRefusal {
      int at = nextSignificant(tokens, index);
      if (at < 0) {
        throw syntaxError(at);
      }
      Token token = tokens.get(at);
      String name = switch (token.type()) {
        case WORD -> token.foldedWord();
        case QUOTED_IDENTIFIER -> quotedName(token, at);
        case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, UNICODE_IDENTIFIER, STRING, ESCAPE_STRING,
            UNICODE_STRING, NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, NUMBER,
            PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA,
            SEMICOLON, DOT, COLON, TYPECAST, OTHER -> throw syntaxError(at);
      };
      index = at + 1;
      int next = nextSignificant(tokens, index);
      if (next >= 0 && tokens.get(next).type() == TokenType.DOT) {
        // PostgreSQL's own rule: OF names a FROM item, which has no schema
        throw new SqlRefusal(
            Reason.SYNTAX_ERROR,
            "FOR " + strength.sql() + " must specify unqualified relation names (at "
                + SourcePositions.describe(statement.query(), token.start())
                + "): name the table or its alias as the FROM clause exposes it, e.g. OF "
                + PgIdentifiers.quote(name) + "; the statement was not forwarded");
      }
      return PgIdentifiers.truncate(name);
    }

    /**
     * PostgreSQL takes LIMIT, OFFSET or FETCH after the clauses and nothing else; anything else
     * left there would otherwise be read by Calcite as part of the query (a word as an alias).
     */
    void refuseUnlessLimitFollows() throws SqlRefusal {
      int at = nextSignificant(tokens, index);
      if (at >= 0 && !(tokens.get(at).isWord("limit") || tokens.get(at).isWord("offset")
          || tokens.get(at).isWord("fetch"))) {
        throw syntaxError(at);
      }
    }

    private String quotedName(Token token, int at) throws SqlRefusal {
      try {
        return PgStringLiterals.identifier(token, '\\');
      } catch (LexicalException e) {
        throw syntaxError(at);
      }
    }

    private boolean accept(String word) {
      int at = nextSignificant(tokens, index);
      if (at >= 0 && tokens.get(at).isWord(word)) {
        index = at + 1;
        return true;
      }
      return false;
    }

    private boolean acceptComma() {
      int at = nextSignificant(tokens, index);
      if (at >= 0 && tokens.get(at).type() == TokenType.COMMA) {
        index = at + 1;
        return true;
      }
      return false;
    }

    private void expect(String word) throws SqlRefusal {
      if (!accept(word)) {
        throw syntaxError(nextSignificant(tokens, index));
      }
    }

    private SqlRefusal syntaxError(int at) {
      String where = at < 0
          ? "at end of input"
          : "at or near \"" + tokens.get(at).text() + "\" at "
              + SourcePositions.describe(statement.query(), tokens.get(at).start());
      return new SqlRefusal(
          Reason.SYNTAX_ERROR,
          "syntax error in a locking clause " + where
              + ": Meshgate could not parse this statement, so it was not forwarded");
    }
  }
}
