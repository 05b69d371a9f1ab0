package io.meshgate.rewriter.copy;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.SourcePositions;
import java.util.List;

/**
 * Walks the significant tokens of one COPY statement (whitespace and comments are skipped)
 * and makes the refusals, which carry the statement's kind and point at the client's text.
 */
final class TokenCursor {
  private final StatementText statement;
  private final List<Token> tokens;
  private final StatementKind kind;
  private int index;

  TokenCursor(StatementText statement, StatementKind kind) {
    this.statement = statement;
    this.tokens = statement.tokens();
    this.kind = kind;
    this.index = skipInsignificant(0);
  }

  /** The index, among all tokens, of the current significant token ({@code size} at the end). */
  int index() {
    return index;
  }

  List<Token> tokens() {
    return tokens;
  }

  StatementText statement() {
    return statement;
  }

  boolean atEnd() {
    return index >= tokens.size();
  }

  Token current() {
    return atEnd() ? null : tokens.get(index);
  }

  void advance() {
    if (!atEnd()) {
      index = skipInsignificant(index + 1);
    }
  }

  /** Continues after the token at {@code tokenIndex}. */
  void moveAfter(int tokenIndex) {
    index = skipInsignificant(tokenIndex + 1);
  }

  boolean isWord(String word) {
    return !atEnd() && current().isWord(word);
  }

  boolean is(TokenType type) {
    return !atEnd() && current().type() == type;
  }

  boolean isCharacterString() {
    return !atEnd() && current().type().isCharacterString();
  }

  void expectWord(String word) throws SqlRefusal {
    if (!isWord(word)) {
      throw syntaxError("expected " + word.toUpperCase(java.util.Locale.ROOT));
    }
    advance();
  }

  /** A name part as PostgreSQL stores it: folded if unquoted, truncated to 63 bytes. */
  String name() throws SqlRefusal {
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
            throw notSupported("UESCAPE in a COPY statement");
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

  /** The value of the current character string literal. */
  String stringValue() throws SqlRefusal {
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

  SqlRefusal syntaxError(String problem) {
    int offset = atEnd() ? statement.query().length() : current().start();
    return new SqlRefusal(
        Reason.SYNTAX_ERROR,
        "syntax error at " + SourcePositions.describe(statement.query(), offset) + ": " + problem
            + "; Meshgate could not read this COPY statement, so it was not forwarded",
        kind);
  }

  SqlRefusal notSupported(String construct) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        construct + " is not supported by Meshgate yet; the statement was not forwarded",
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
