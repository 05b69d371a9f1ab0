package io.meshgate.rewriter.later;

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
import java.util.Set;

/** A cursor over the significant tokens of one statement, for the heads read here. */
final class Tokens {
  private final StatementText statement;
  private final List<Token> all;
  private final String construct;
  private int index;

  Tokens(StatementText statement, String construct) {
    this.statement = statement;
    this.all = statement.tokens();
    this.construct = construct;
    this.index = skipInsignificant(0);
  }

  boolean atEnd() {
    return index >= all.size();
  }

  Token current() {
    return atEnd() ? null : all.get(index);
  }

  void advance() {
    if (!atEnd()) {
      index = skipInsignificant(index + 1);
    }
  }

  boolean isWord(String word) {
    return !atEnd() && current().isWord(word);
  }

  boolean is(TokenType type) {
    return !atEnd() && current().type() == type;
  }

  void expectWord(String word) throws SqlRefusal {
    if (!isWord(word)) {
      throw syntaxError("expected " + word.toUpperCase(java.util.Locale.ROOT));
    }
    advance();
  }

  /** A name as PostgreSQL stores it: folded if unquoted, truncated to 63 bytes. */
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
        case UNICODE_IDENTIFIER, WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, STRING, ESCAPE_STRING,
            UNICODE_STRING, NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, NUMBER,
            PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA,
            SEMICOLON, DOT, COLON, TYPECAST, OTHER -> throw syntaxError("expected a name");
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
  String parenthesized(Set<TokenType> allowed) throws SqlRefusal {
    if (!is(TokenType.OPEN_PAREN)) {
      throw syntaxError("expected (");
    }
    int open = index;
    int depth = 0;
    for (int position = index; position < all.size(); position++) {
      TokenType type = all.get(position).type();
      if (type.isSignificant() && !allowed.contains(type)) {
        index = position;
        throw syntaxError("unexpected " + all.get(position).text());
      }
      if (type == TokenType.OPEN_PAREN) {
        depth++;
      } else if (type == TokenType.CLOSE_PAREN && --depth == 0) {
        index = skipInsignificant(position + 1);
        return statement.query().substring(all.get(open).end(), all.get(position).start());
      }
    }
    throw syntaxError("unbalanced parentheses");
  }

  /** The rest of the statement, from the current token, as a statement of its own. */
  StatementText rest() throws SqlRefusal {
    if (atEnd()) {
      throw syntaxError("the statement ends too early");
    }
    return new StatementText(statement.query(), all.subList(index, all.size()));
  }

  SqlRefusal syntaxError(String problem) {
    int offset = atEnd() ? statement.query().length() : current().start();
    return new SqlRefusal(
        Reason.SYNTAX_ERROR,
        "syntax error at " + SourcePositions.describe(statement.query(), offset) + ": " + problem
            + "; Meshgate could not read this " + construct + " statement, so it was not forwarded",
        StatementKind.UTILITY);
  }

  private int skipInsignificant(int from) {
    int position = from;
    while (position < all.size() && !all.get(position).type().isSignificant()) {
      position++;
    }
    return position;
  }
}
