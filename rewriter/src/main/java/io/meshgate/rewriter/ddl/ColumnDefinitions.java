package io.meshgate.rewriter.ddl;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.TokenCursor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the column definitions and table constraints of CREATE TABLE and ALTER TABLE ... ADD
 * COLUMN, and writes them back in one canonical form: names quoted, the type from its tokens,
 * expressions checked and unparsed. Only what is named here is read; any other clause (a foreign
 * key, an exclusion constraint, storage or inheritance options) is refused.
 */
final class ColumnDefinitions {
  /** Words that end a column's type or DEFAULT expression: the start of the next constraint. */
  private static final Set<String> CONSTRAINT_WORDS =
      Set.of("not", "null", "default", "check", "unique", "primary", "references", "constraint", "generated",
          "collate", "deferrable", "initially");

  /** Tokens an expression may hold; a parameter, a semicolon or a stray character never. */
  private static final Set<TokenType> EXPRESSION_TOKENS = EnumSet.complementOf(EnumSet.of(
      TokenType.PARAMETER, TokenType.SEMICOLON, TokenType.OTHER,
      TokenType.WHITESPACE, TokenType.LINE_COMMENT, TokenType.BLOCK_COMMENT));

  private final TokenCursor cursor;
  private final FunctionAllowlist functions;

  ColumnDefinitions(TokenCursor cursor, FunctionAllowlist functions) {
    this.cursor = requireNonNull(cursor, "cursor is null");
    this.functions = requireNonNull(functions, "functions is null");
  }

  /** One column definition or table constraint, as forwarded; adds a defined column's name to {@code columns}. */
  String element(List<String> columns) throws SqlRefusal {
    if (cursor.isWord("constraint") || cursor.isWord("primary") || cursor.isWord("unique") || cursor.isWord("check")) {
      return tableConstraint();
    }
    if (cursor.isWord("foreign") || cursor.isWord("exclude")) {
      throw RefusedDdl.notGoverned(word().toUpperCase(Locale.ROOT) + " constraints (they check rows of other tables"
          + " or with operators Meshgate does not govern)");
    }
    if (cursor.isWord("like")) {
      throw RefusedDdl.notGoverned("CREATE TABLE ... (LIKE another table)");
    }
    return column(columns);
  }

  /** {@code name type [constraints]}. */
  String column(List<String> columns) throws SqlRefusal {
    String name = cursor.name();
    columns.add(name);
    StringBuilder sql = new StringBuilder(PgIdentifiers.quote(name)).append(' ').append(type());
    while (!cursor.atEnd() && !cursor.is(TokenType.COMMA) && !cursor.is(TokenType.CLOSE_PAREN)) {
      sql.append(' ').append(columnConstraint(name));
    }
    return sql.toString();
  }

  private String columnConstraint(String column) throws SqlRefusal {
    String named = constraintName();
    String context = "definition of column " + column;
    if (cursor.isWord("not")) {
      cursor.advance();
      cursor.expectWord("null");
      return named + "NOT NULL";
    }
    if (cursor.isWord("null")) {
      cursor.advance();
      return named + "NULL";
    }
    if (cursor.isWord("default")) {
      cursor.advance();
      return named + "DEFAULT " + DdlExpressions.checked(expressionUntilConstraint(), functions, "DEFAULT of column " + column);
    }
    if (cursor.isWord("check")) {
      cursor.advance();
      return named + "CHECK " + DdlExpressions.checked(parenthesized(), functions, "CHECK of column " + column);
    }
    if (cursor.isWord("unique")) {
      cursor.advance();
      return named + "UNIQUE";
    }
    if (cursor.isWord("primary")) {
      cursor.advance();
      cursor.expectWord("key");
      return named + "PRIMARY KEY";
    }
    if (cursor.isWord("generated")) {
      cursor.advance();
      return named + generated(column);
    }
    if (cursor.isWord("collate") && named.isEmpty()) {
      cursor.advance();
      return "COLLATE " + qualifiedName();
    }
    if (cursor.isWord("references")) {
      throw RefusedDdl.notGoverned("REFERENCES (a foreign key checks rows of another table on every write, which"
          + " lets a writer test values the policy may hide there)");
    }
    throw cursor.syntaxError("a column constraint Meshgate governs (NOT NULL, NULL, DEFAULT, CHECK, UNIQUE,"
        + " PRIMARY KEY, GENERATED, COLLATE) in the " + context);
  }

  /** {@code GENERATED ALWAYS AS (expression) STORED} or {@code GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY}. */
  private String generated(String column) throws SqlRefusal {
    String when;
    if (cursor.isWord("always")) {
      cursor.advance();
      when = "ALWAYS";
    } else {
      cursor.expectWord("by");
      cursor.expectWord("default");
      when = "BY DEFAULT";
    }
    cursor.expectWord("as");
    if (cursor.isWord("identity")) {
      cursor.advance();
      if (cursor.is(TokenType.OPEN_PAREN)) {
        throw RefusedDdl.notGoverned("identity sequence options");
      }
      return "GENERATED " + when + " AS IDENTITY";
    }
    if (!when.equals("ALWAYS")) {
      throw cursor.syntaxError("expected IDENTITY");
    }
    String expression = DdlExpressions.checked(parenthesized(), functions, "generated column " + column);
    cursor.expectWord("stored");
    return "GENERATED ALWAYS AS " + expression + " STORED";
  }

  /** {@code [CONSTRAINT name] PRIMARY KEY (columns) | UNIQUE (columns) | CHECK (expression)}. */
  private String tableConstraint() throws SqlRefusal {
    String named = constraintName();
    if (cursor.isWord("primary")) {
      cursor.advance();
      cursor.expectWord("key");
      return named + "PRIMARY KEY " + columnList();
    }
    if (cursor.isWord("unique")) {
      cursor.advance();
      return named + "UNIQUE " + columnList();
    }
    if (cursor.isWord("check")) {
      cursor.advance();
      return named + "CHECK " + DdlExpressions.checked(parenthesized(), functions, "CHECK constraint");
    }
    if (cursor.isWord("foreign") || cursor.isWord("exclude")) {
      throw RefusedDdl.notGoverned(word().toUpperCase(Locale.ROOT) + " constraints");
    }
    throw cursor.syntaxError("expected PRIMARY KEY, UNIQUE or CHECK");
  }

  private String constraintName() throws SqlRefusal {
    if (!cursor.isWord("constraint")) {
      return "";
    }
    cursor.advance();
    return "CONSTRAINT " + PgIdentifiers.quote(cursor.name()) + " ";
  }

  /** {@code (column [, ...])}, quoted. */
  String columnList() throws SqlRefusal {
    return "(" + names().stream().map(PgIdentifiers::quote).collect(Collectors.joining(", ")) + ")";
  }

  /** The names of {@code (column [, ...])}. */
  List<String> names() throws SqlRefusal {
    if (!cursor.is(TokenType.OPEN_PAREN)) {
      throw cursor.syntaxError("expected (");
    }
    cursor.advance();
    List<String> names = new ArrayList<>();
    names.add(cursor.name());
    while (cursor.is(TokenType.COMMA)) {
      cursor.advance();
      names.add(cursor.name());
    }
    if (!cursor.is(TokenType.CLOSE_PAREN)) {
      throw cursor.syntaxError("expected , or ) in a list of column names");
    }
    cursor.advance();
    return names;
  }

  /**
   * A type as its tokens: words, quoted names, dots, brackets and numeric modifiers in
   * parentheses ({@code numeric(12, 2)}, {@code timestamp with time zone}, {@code text[]}).
   */
  private String type() throws SqlRefusal {
    StringBuilder type = new StringBuilder();
    int depth = 0;
    Token previous = null;
    while (!cursor.atEnd()) {
      Token token = cursor.current();
      TokenType tokenType = token.type();
      if (depth == 0 && (tokenType == TokenType.COMMA || tokenType == TokenType.CLOSE_PAREN
          || (tokenType == TokenType.WORD && CONSTRAINT_WORDS.contains(token.foldedWord())))) {
        break;
      }
      switch (tokenType) {
        case OPEN_PAREN -> depth++;
        case CLOSE_PAREN -> depth--;
        case NUMBER, COMMA -> {
          if (depth == 0 && tokenType == TokenType.COMMA) {
            throw cursor.syntaxError("unexpected , in a column type");
          }
        }
        case WORD, QUOTED_IDENTIFIER, DOT, OPEN_BRACKET, CLOSE_BRACKET -> {
          if (depth > 0 && tokenType != TokenType.DOT) {
            // only numbers are type modifiers: a name there would be handed to a type's own modifier function
            throw cursor.syntaxError("only numbers may stand in a type's parentheses");
          }
        }
        default -> throw cursor.syntaxError("unexpected " + token.text() + " in a column type");
      }
      boolean joined = previous == null
          || previous.type() == TokenType.DOT || previous.type() == TokenType.OPEN_PAREN
          || previous.type() == TokenType.OPEN_BRACKET
          || tokenType == TokenType.DOT || tokenType == TokenType.OPEN_PAREN || tokenType == TokenType.CLOSE_PAREN
          || tokenType == TokenType.OPEN_BRACKET || tokenType == TokenType.CLOSE_BRACKET
          || tokenType == TokenType.COMMA;
      type.append(joined ? "" : " ").append(token.text());
      previous = token;
      cursor.advance();
    }
    if (type.isEmpty() || depth != 0) {
      throw cursor.syntaxError("expected a column type");
    }
    return type.toString();
  }

  /** {@code name[.name]} quoted, for a collation. */
  private String qualifiedName() throws SqlRefusal {
    StringBuilder name = new StringBuilder(PgIdentifiers.quote(cursor.name()));
    while (cursor.is(TokenType.DOT)) {
      cursor.advance();
      name.append('.').append(PgIdentifiers.quote(cursor.name()));
    }
    return name.toString();
  }

  /** The text inside the parentheses at the cursor (an expression), leaving the cursor after them. */
  String parenthesized() throws SqlRefusal {
    return cursor.parenthesized(EXPRESSION_TOKENS);
  }

  /**
   * A DEFAULT expression: its tokens up to a comma or closing parenthesis outside parentheses,
   * or the word that starts the next constraint ({@code NULL} only counts after the first token,
   * since {@code DEFAULT NULL} is an expression).
   */
  private String expressionUntilConstraint() throws SqlRefusal {
    List<Token> tokens = cursor.tokens();
    int first = cursor.index();
    int last = -1;
    int depth = 0;
    while (!cursor.atEnd()) {
      Token token = cursor.current();
      TokenType type = token.type();
      if (depth == 0 && (type == TokenType.COMMA || type == TokenType.CLOSE_PAREN)) {
        break;
      }
      if (depth == 0 && type == TokenType.WORD && CONSTRAINT_WORDS.contains(token.foldedWord())
          && !(cursor.index() == first && token.isWord("null"))) {
        break;
      }
      if (!EXPRESSION_TOKENS.contains(type)) {
        throw cursor.syntaxError("unexpected " + token.text() + " in a DEFAULT expression");
      }
      if (type == TokenType.OPEN_PAREN || type == TokenType.OPEN_BRACKET) {
        depth++;
      } else if (type == TokenType.CLOSE_PAREN || type == TokenType.CLOSE_BRACKET) {
        depth--;
      }
      last = cursor.index();
      cursor.advance();
    }
    if (last < 0) {
      throw cursor.syntaxError("expected an expression after DEFAULT");
    }
    return cursor.statement().query().substring(tokens.get(first).start(), tokens.get(last).end());
  }

  private String word() {
    return cursor.current().foldedWord();
  }
}
