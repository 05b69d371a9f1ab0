package io.meshgate.rewriter.session;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.analysis.UtilityStatements;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.StatementSplitter;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the search-path change a forwarded utility statement makes. Meshgate resolves
 * unqualified table names itself (and sends only qualified ones), so it must know the search
 * path the backend would use; PostgreSQL 15 does not report search_path changes, so the
 * session follows the statements that make them.
 */
public final class SearchPathStatements {
  private SearchPathStatements() {}

  /**
   * The change {@code statement} makes to the search path, if it is one statement that makes
   * one. Statements that do not scan make none (they fail at the backend too).
   */
  public static Optional<SearchPathChange> changeOf(String statement) {
    List<StatementText> statements;
    try {
      statements = StatementSplitter.split(statement);
    } catch (LexicalException e) {
      return Optional.empty();
    }
    if (statements.size() != 1) {
      return statements.isEmpty()
          ? Optional.empty()
          : Optional.of(new SearchPathChange.Unrecognised(statement));
    }
    return changeOf(statements.get(0).significantTokens(), statement);
  }

  /** {@link #changeOf(String)} of one statement already split. */
  public static Optional<SearchPathChange> changeOf(StatementText statement) {
    return changeOf(statement.significantTokens(), statement.text());
  }

  private static Optional<SearchPathChange> changeOf(List<Token> tokens, String statement) {
    String first = word(tokens, 0);
    return switch (first) {
      case "reset" -> {
        String what = name(tokens, 1);
        yield tokens.size() == 2 && (what.equals("search_path") || word(tokens, 1).equals("all"))
            ? Optional.of(new SearchPathChange.ResetToDefault(false))
            : Optional.empty();
      }
      case "discard" -> tokens.size() == 2 && word(tokens, 1).equals("all")
          ? Optional.of(new SearchPathChange.ResetToDefault(false))
          : Optional.empty();
      case "set" -> setStatement(tokens, statement);
      default -> Optional.empty();
    };
  }

  private static Optional<SearchPathChange> setStatement(List<Token> tokens, String statement) {
    int position = 1;
    boolean local = false;
    if (tokens.size() > 2 && (word(tokens, 1).equals("local") || word(tokens, 1).equals("session"))) {
      local = word(tokens, 1).equals("local");
      position = 2;
    }
    if (word(tokens, position).equals("schema")) {
      // SET SCHEMA 'name' is SET search_path TO 'name' (pgjdbc's Connection.setSchema)
      List<Token> value = tokens.subList(position + 1, tokens.size());
      return Optional.of(value.size() == 1 && value.get(0).type().isCharacterString()
          ? schemas(value, local, statement)
          : new SearchPathChange.Unrecognised(statement));
    }
    if (!name(tokens, position).equals("search_path")) {
      return Optional.empty();
    }
    position++;
    if (position < tokens.size()
        && (tokens.get(position).isWord("to") || tokens.get(position).text().equals("="))) {
      position++;
    } else {
      // SET search_path FROM CURRENT and the like
      return Optional.of(new SearchPathChange.Unrecognised(statement));
    }
    List<Token> value = tokens.subList(position, tokens.size());
    if (value.size() == 1 && value.get(0).isWord("default")) {
      return Optional.of(new SearchPathChange.ResetToDefault(local));
    }
    return Optional.of(schemas(value, local, statement));
  }

  /** A comma-separated list of names or string literals, each one schema. */
  private static SearchPathChange schemas(List<Token> value, boolean local, String statement) {
    List<String> schemas = new ArrayList<>();
    for (int index = 0; index < value.size(); index++) {
      Token token = value.get(index);
      if (index % 2 == 1) {
        if (token.type() != TokenType.COMMA) {
          return new SearchPathChange.Unrecognised(statement);
        }
        continue;
      }
      Optional<String> schema = schemaName(token);
      if (schema.isEmpty()) {
        return new SearchPathChange.Unrecognised(statement);
      }
      schemas.add(schema.get());
    }
    if (schemas.isEmpty() || value.size() % 2 == 0) {
      return new SearchPathChange.Unrecognised(statement);
    }
    return new SearchPathChange.SetTo(schemas, local);
  }

  private static Optional<String> schemaName(Token token) {
    try {
      return switch (token.type()) {
        // PostgreSQL truncates unquoted and quoted names alike to NAMEDATALEN - 1 bytes
        case WORD -> Optional.of(PgIdentifiers.truncate(token.foldedWord()));
        case QUOTED_IDENTIFIER, UNICODE_IDENTIFIER ->
            Optional.of(PgIdentifiers.truncate(PgStringLiterals.identifier(token, '\\')));
        case STRING, ESCAPE_STRING, UNICODE_STRING, NATIONAL_STRING, DOLLAR_STRING ->
            Optional.of(PgIdentifiers.truncate(PgStringLiterals.value(token)));
        case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, BIT_STRING, HEX_STRING, NUMBER, PARAMETER,
            OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA, SEMICOLON, DOT,
            COLON, TYPECAST, OTHER -> Optional.empty();
      };
    } catch (LexicalException e) {
      return Optional.empty();
    }
  }

  /** The unquoted word at a position in lower case, or "". */
  private static String word(List<Token> tokens, int position) {
    return position < tokens.size() && tokens.get(position).type() == TokenType.WORD
        ? tokens.get(position).foldedWord()
        : "";
  }

  /** The setting name at a position, as {@link UtilityStatements#nameAt} reads it, or "". */
  private static String name(List<Token> tokens, int position) {
    try {
      return UtilityStatements.nameAt(tokens, position);
    } catch (SqlRefusal e) {
      return "";
    }
  }

}
