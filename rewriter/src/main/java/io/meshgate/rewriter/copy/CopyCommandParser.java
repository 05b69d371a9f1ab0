package io.meshgate.rewriter.copy;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.copy.CopyCommand.Direction;
import io.meshgate.rewriter.copy.CopyCommand.Endpoint;
import io.meshgate.rewriter.copy.CopyCommand.Source;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.TokenCursor;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PostgreSQL's two forms of COPY from a statement's tokens:
 *
 * <pre>
 * COPY name [(column, ...)] {TO | FROM} {STDOUT | STDIN | 'file' | PROGRAM 'command'} [[WITH] options] [WHERE ...]
 * COPY (query) TO {STDOUT | 'file' | PROGRAM 'command'} [[WITH] options]
 * </pre>
 *
 * The query of the second form is handed on as tokens, to be parsed like any query. The
 * pre-7.3 spellings ({@code COPY BINARY name}, {@code USING DELIMITERS}) are refused.
 */
public final class CopyCommandParser {
  private CopyCommandParser() {}

  /**
   * The kind of a COPY statement from its first top-level TO or FROM, known even when the rest
   * cannot be read, so that refusals are audited with it.
   */
  public static StatementKind kindOf(List<Token> significant) {
    int depth = 0;
    for (Token token : significant.subList(1, significant.size())) {
      if (token.type() == TokenType.OPEN_PAREN) {
        depth++;
      } else if (token.type() == TokenType.CLOSE_PAREN) {
        depth--;
      } else if (depth == 0 && token.isWord("from")) {
        return StatementKind.COPY_IN;
      } else if (depth == 0 && token.isWord("to")) {
        return StatementKind.COPY_OUT;
      }
    }
    return StatementKind.COPY_OUT;
  }

  /**
   * @throws SqlRefusal 42601 when the statement is not a COPY PostgreSQL would read, 0A000 for
   *     options and spellings Meshgate does not forward
   */
  public static CopyCommand parse(StatementText statement) throws SqlRefusal {
    StatementKind kind = kindOf(statement.significantTokens());
    TokenCursor cursor = new TokenCursor(statement, "COPY", kind);
    cursor.expectWord("copy");
    if (cursor.isWord("binary")) {
      throw cursor.notSupported("COPY BINARY name (write WITH (FORMAT binary) at the end instead)");
    }
    Source source = cursor.is(TokenType.OPEN_PAREN) ? query(cursor) : table(cursor);
    Direction direction;
    if (cursor.isWord("to")) {
      direction = Direction.TO;
    } else if (cursor.isWord("from")) {
      direction = Direction.FROM;
    } else {
      throw cursor.syntaxError("expected TO or FROM");
    }
    cursor.advance();
    if (source instanceof Source.Query && direction == Direction.FROM) {
      throw cursor.syntaxError("COPY (query) can only copy TO");
    }
    Endpoint endpoint = endpoint(cursor, direction);
    if (endpoint != Endpoint.CLIENT) {
      // refused by the analyzer whatever the rest says
      return new CopyCommand(direction, source, endpoint, "", List.of(), false);
    }
    if (cursor.isWord("using") || cursor.isWord("delimiters")) {
      throw cursor.notSupported("USING DELIMITERS (write WITH (DELIMITER '...') instead)");
    }
    CopyOptions options = CopyOptions.read(cursor);
    boolean where = false;
    if (cursor.isWord("where")) {
      if (direction == Direction.TO) {
        throw cursor.syntaxError("COPY TO has no WHERE; copy a query instead");
      }
      where = true;
    } else if (!cursor.atEnd()) {
      throw cursor.syntaxError("unexpected text after the COPY options");
    }
    return new CopyCommand(
        direction, source, endpoint, options.clause(), options.forceQuoteColumns(), where);
  }

  private static Source query(TokenCursor cursor) throws SqlRefusal {
    List<Token> tokens = cursor.tokens();
    int open = cursor.index();
    int depth = 0;
    for (int index = open; index < tokens.size(); index++) {
      TokenType type = tokens.get(index).type();
      if (type == TokenType.OPEN_PAREN) {
        depth++;
      } else if (type == TokenType.CLOSE_PAREN && --depth == 0) {
        List<Token> inner = tokens.subList(open + 1, index);
        if (inner.stream().noneMatch(token -> token.type().isSignificant())) {
          throw cursor.syntaxError("COPY () needs a query");
        }
        cursor.moveAfter(index);
        return new Source.Query(new StatementText(cursor.statement().query(), inner));
      }
    }
    throw cursor.syntaxError("the query of COPY (query) is not closed");
  }

  private static Source table(TokenCursor cursor) throws SqlRefusal {
    List<String> name = new ArrayList<>();
    name.add(cursor.name());
    while (cursor.is(TokenType.DOT)) {
      cursor.advance();
      name.add(cursor.name());
    }
    List<String> columns = new ArrayList<>();
    if (cursor.is(TokenType.OPEN_PAREN)) {
      cursor.advance();
      columns.add(cursor.name());
      while (cursor.is(TokenType.COMMA)) {
        cursor.advance();
        columns.add(cursor.name());
      }
      if (!cursor.is(TokenType.CLOSE_PAREN)) {
        throw cursor.syntaxError("the column list is not closed");
      }
      cursor.advance();
    }
    return new Source.Table(name, columns);
  }

  private static Endpoint endpoint(TokenCursor cursor, Direction direction) throws SqlRefusal {
    if (cursor.isWord("program")) {
      cursor.advance();
      cursor.stringValue();
      return Endpoint.PROGRAM;
    }
    if (cursor.isCharacterString()) {
      cursor.stringValue();
      return Endpoint.FILE;
    }
    String client = direction == Direction.TO ? "stdout" : "stdin";
    if (!cursor.isWord(client)) {
      throw cursor.syntaxError("COPY " + direction + " needs " + client.toUpperCase(java.util.Locale.ROOT)
          + ", a file name or PROGRAM");
    }
    cursor.advance();
    return Endpoint.CLIENT;
  }
}
