package io.meshgate.rewriter.parse;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;
import java.util.Set;

/**
 * Walks the significant tokens of one statement that Meshgate reads from its tokens rather
 * than through Calcite (COPY, PREPARE, DECLARE, EXPLAIN, EXECUTE; whitespace and comments are
 * skipped) and makes the refusals, which carry the statement's kind and point at the client's
 * text.
 */
public final class TokenCursor {
  private final StatementText statement;
  private final List<Token> tokens;
  private final String construct;
  private final StatementKind kind;
  private int index;

  /**
   * @param construct what the statement is, for messages ("COPY", "PREPARE")
   */
  public TokenCursor(StatementText statement, String construct, StatementKind kind) {
    this.statement = statement;
    this.tokens = statement.tokens();
    this.construct = construct;
    this.kind = kind;
    this.index = skipInsignificant(0);
  }

  /** The index, among all tokens, of the current significant token ({@code size} at the end). */
  public int index() {
    return index;
  }

  public List<Token> tokens() {
    return tokens;
  }

  public StatementText statement() {
    return statement;
  }

  public boolean atEnd() {
    return index >= tokens.size();
  }

  public Token current() {
    return atEnd() ? null : tokens.get(index);
  }

  public void advance() {
    if (!atEnd()) {
      index = skipInsignificant(index + 1);
    }
  }

  /** Continues after the token at {@code tokenIndex}. */
  public void moveAfter(int tokenIndex) {
    index = skipInsignificant(tokenIndex + 1);
  }

  public boolean isWord(String word) {
    return !atEnd() && current().isWord(word);
  }

  public boolean is(TokenType type) {
    return !atEnd() && current().type() == type;
  }

  public boolean isCharacterString() {
    return !atEnd() && current().type().isCharacterString();
  }

  public void expectWord(String word) throws SqlRefusal {
    if (!isWord(word)) {
      throw syntaxError("expected " + word.toUpperCase(java.util.Locale.ROOT));
    }
    advance();
  }

  /** A name part as PostgreSQL stores it: folded if unquoted, truncated to 63 bytes. */
  public String name() throws SqlRefusal {
    Token token = current();
    if (token == null) {
      throw syntaxError("expected a name");
    }
    String name;
    try {
      name = switch (token.type()) {
        case WORD -> token.foldedWord();
        case QUOTED_IDENTIFIER -> PgStringLiterals.identifier(token, '\\');
        case UNICODE_IDENTIFIER -> {
          int next = skipInsignificant(index + 1);
          if (next < tokens.size() && tokens.get(next).isWord("uescape")) {
            throw notSupported("UESCAPE in a " + construct + " statement");
          }
          yield PgStringLiterals.identifier(token, '\\');
        }
        case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, STRING, ESCAPE_STRING, UNICODE_STRING,
            NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, NUMBER, PARAMETER, OPERATOR,
            OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA, SEMICOLON, DOT, COLON,
            TYPECAST, OTHER -> throw syntaxError("expected a name");
      };
    } catch (LexicalException e) {
      throw syntaxError(e.getMessage());
    }
    advance();
    return PgIdentifiers.truncate(name);
  }

  /**
   * The text from the current token up to its matching close parenthesis (exclusive),
   * leaving the cursor after it; significant tokens of other types than {@code allowed} are
   * refused.
   */
  public String parenthesized(Set<TokenType> allowed) throws SqlRefusal {
    if (!is(TokenType.OPEN_PAREN)) {
      throw syntaxError("expected (");
    }
    int open = index;
    int depth = 0;
    for (int position = index; position < tokens.size(); position++) {
      TokenType type = tokens.get(position).type();
      if (type.isSignificant() && !allowed.contains(type)) {
        index = position;
        throw syntaxError("unexpected " + tokens.get(position).text());
      }
      if (type == TokenType.OPEN_PAREN) {
        depth++;
      } else if (type == TokenType.CLOSE_PAREN && --depth == 0) {
        index = skipInsignificant(position + 1);
        return statement.query().substring(tokens.get(open).end(), tokens.get(position).start());
      }
    }
    throw syntaxError("unbalanced parentheses");
  }

  /** The rest of the statement, from the current token, as a statement of its own. */
  public StatementText rest() throws SqlRefusal {
    if (atEnd()) {
      throw syntaxError("the statement ends too early");
    }
    return new StatementText(statement.query(), tokens.subList(index, tokens.size()));
  }

  /** The value of the current character string literal. */
  public String stringValue() throws SqlRefusal {
    if (!isCharacterString()) {
      throw syntaxError("expected a string literal");
    }
    try {
      String value = PgStringLiterals.value(current());
      advance();
      return value;
    } catch (LexicalException e) {
      throw syntaxError(e.getMessage());
    }
  }

  public SqlRefusal syntaxError(String problem) {
    int offset = atEnd() ? statement.query().length() : current().start();
    return new SqlRefusal(
        Reason.SYNTAX_ERROR,
        "syntax error at " + SourcePositions.describe(statement.query(), offset) + ": " + problem
            + "; Meshgate could not read this " + construct + " statement, so it was not forwarded",
        kind);
  }

  public SqlRefusal notSupported(String what) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        what + " is not supported by Meshgate yet; the statement was not forwarded",
        kind);
  }

  private int skipInsignificant(int from) {
    int position = from;
    while (position < tokens.size() && !tokens.get(position).type().isSignificant()) {
      position++;
    }
    return position;
  }
}
