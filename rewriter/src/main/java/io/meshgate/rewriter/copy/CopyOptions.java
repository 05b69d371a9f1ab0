package io.meshgate.rewriter.copy;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.TokenCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The options of a COPY statement, in either of PostgreSQL's spellings: {@code WITH (FORMAT
 * csv, HEADER, DELIMITER ';')} or the older {@code WITH CSV HEADER DELIMITER ';'} that
 * psql's {@code \copy} users still write. Only formats and the options that shape the text
 * of the data are accepted: FORMAT (text, csv, binary), HEADER, DELIMITER, NULL, QUOTE,
 * ESCAPE, FORCE_QUOTE and ENCODING. Everything else (FREEZE, FORCE_NOT_NULL, FORCE_NULL, and
 * options of later PostgreSQL versions) is refused: each one is a behaviour Meshgate would
 * forward without having looked at it.
 *
 * @param clause the clause as the client wrote it, significant tokens only, or empty
 * @param forceQuoteColumns the columns FORCE_QUOTE names ({@code *} names none)
 */
record CopyOptions(String clause, List<String> forceQuoteColumns) {
  private static final Set<String> FORMATS = Set.of("text", "csv", "binary");
  private static final Set<String> ONE_STRING_OPTIONS =
      Set.of("delimiter", "null", "quote", "escape", "encoding");

  CopyOptions {
    requireNonNull(clause, "clause is null");
    forceQuoteColumns = List.copyOf(requireNonNull(forceQuoteColumns, "forceQuoteColumns is null"));
  }

  /** Reads options from the cursor up to the end of the statement or a WHERE. */
  static CopyOptions read(TokenCursor cursor) throws SqlRefusal {
    int start = cursor.index();
    if (cursor.isWord("with")) {
      cursor.advance();
    }
    List<String> forceQuoteColumns = new ArrayList<>();
    if (cursor.is(TokenType.OPEN_PAREN)) {
      cursor.advance();
      readGenericOptions(cursor, forceQuoteColumns);
    } else {
      while (!cursor.atEnd() && !cursor.isWord("where")) {
        readLegacyOption(cursor, forceQuoteColumns);
      }
    }
    return new CopyOptions(render(cursor.tokens().subList(start, cursor.index())), forceQuoteColumns);
  }

  // ---- WITH (name value, ...)

  private static void readGenericOptions(TokenCursor cursor, List<String> forceQuoteColumns)
      throws SqlRefusal {
    while (true) {
      Token nameToken = cursor.current();
      if (nameToken == null || !(nameToken.type() == TokenType.WORD
          || nameToken.type() == TokenType.QUOTED_IDENTIFIER)) {
        throw cursor.syntaxError("expected a COPY option name");
      }
      // PostgreSQL compares option names after folding; a quoted "FORMAT" is unknown to it
      String name = cursor.name();
      List<Token> argument = new ArrayList<>();
      int depth = 0;
      while (!cursor.atEnd()
          && !(depth == 0 && (cursor.is(TokenType.COMMA) || cursor.is(TokenType.CLOSE_PAREN)))) {
        if (cursor.is(TokenType.OPEN_PAREN)) {
          depth++;
        } else if (cursor.is(TokenType.CLOSE_PAREN)) {
          depth--;
        }
        argument.add(cursor.current());
        cursor.advance();
      }
      checkGenericOption(cursor, name, argument, forceQuoteColumns);
      if (cursor.is(TokenType.COMMA)) {
        cursor.advance();
      } else if (cursor.is(TokenType.CLOSE_PAREN)) {
        cursor.advance();
        return;
      } else {
        throw cursor.syntaxError("the option list is not closed");
      }
    }
  }

  private static void checkGenericOption(
      TokenCursor cursor, String name, List<Token> argument, List<String> forceQuoteColumns)
      throws SqlRefusal {
    switch (name) {
      case "format" -> {
        String format = argument.size() == 1 ? wordOrString(cursor, argument.get(0)) : null;
        if (format == null || !FORMATS.contains(format)) {
          throw cursor.notSupported("COPY FORMAT other than text, csv or binary");
        }
      }
      case "header" -> {
        if (argument.size() > 1 || (argument.size() == 1
            && wordOrString(cursor, argument.get(0)) == null
            && argument.get(0).type() != TokenType.NUMBER)) {
          throw cursor.syntaxError("HEADER takes at most one boolean or MATCH");
        }
      }
      case "force_quote" -> forceQuote(cursor, argument, forceQuoteColumns);
      default -> {
        if (!ONE_STRING_OPTIONS.contains(name)) {
          throw cursor.notSupported("the COPY option " + name);
        }
        if (argument.size() != 1 || wordOrString(cursor, argument.get(0)) == null) {
          throw cursor.syntaxError(name.toUpperCase(Locale.ROOT) + " takes one string");
        }
      }
    }
  }

  /** {@code FORCE_QUOTE *} or {@code FORCE_QUOTE (a, b)}. */
  private static void forceQuote(
      TokenCursor cursor, List<Token> argument, List<String> forceQuoteColumns) throws SqlRefusal {
    if (argument.size() == 1 && argument.get(0).type() == TokenType.OPERATOR
        && argument.get(0).text().equals("*")) {
      return;
    }
    boolean list = argument.size() >= 3
        && argument.get(0).type() == TokenType.OPEN_PAREN
        && argument.get(argument.size() - 1).type() == TokenType.CLOSE_PAREN;
    for (int i = 1; list && i < argument.size() - 1; i++) {
      Token token = argument.get(i);
      boolean expectName = i % 2 == 1;
      if (expectName) {
        String column = columnName(token);
        if (column == null) {
          list = false;
        } else {
          forceQuoteColumns.add(column);
        }
      } else if (token.type() != TokenType.COMMA) {
        list = false;
      }
    }
    if (!list || argument.size() % 2 == 0) {
      throw cursor.syntaxError("FORCE_QUOTE takes * or a parenthesized list of columns");
    }
  }

  // ---- the older spelling: WITH CSV HEADER DELIMITER AS ';' ...

  private static void readLegacyOption(TokenCursor cursor, List<String> forceQuoteColumns)
      throws SqlRefusal {
    if (!cursor.is(TokenType.WORD)) {
      throw cursor.syntaxError("expected a COPY option");
    }
    String option = cursor.current().foldedWord();
    switch (option) {
      case "binary", "csv", "header" -> cursor.advance();
      case "delimiter", "null", "quote", "escape" -> {
        cursor.advance();
        if (cursor.isWord("as")) {
          cursor.advance();
        }
        cursor.stringValue();
      }
      case "encoding" -> {
        cursor.advance();
        cursor.stringValue();
      }
      case "force" -> {
        cursor.advance();
        if (!cursor.isWord("quote")) {
          throw cursor.notSupported("the COPY options FORCE NOT NULL and FORCE NULL");
        }
        cursor.advance();
        if (cursor.is(TokenType.OPERATOR) && cursor.current().text().equals("*")) {
          cursor.advance();
          return;
        }
        forceQuoteColumns.add(cursor.name());
        while (cursor.is(TokenType.COMMA)) {
          cursor.advance();
          forceQuoteColumns.add(cursor.name());
        }
      }
      default -> throw cursor.notSupported("the COPY option " + option);
    }
  }

  // ---- helpers

  /** The value of a word (folded) or string argument, or null for anything else. */
  private static String wordOrString(TokenCursor cursor, Token token) throws SqlRefusal {
    if (token.type() == TokenType.WORD) {
      return token.foldedWord();
    }
    if (!token.type().isCharacterString()) {
      return null;
    }
    try {
      return PgStringLiterals.value(token);
    } catch (LexicalException e) {
      throw cursor.syntaxError(e.getMessage());
    }
  }

  private static String columnName(Token token) {
    try {
      return switch (token.type()) {
        case WORD -> PgIdentifiers.truncate(token.foldedWord());
        case QUOTED_IDENTIFIER -> PgIdentifiers.truncate(
            PgStringLiterals.identifier(token, '\\'));
        case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, UNICODE_IDENTIFIER, STRING, ESCAPE_STRING,
            UNICODE_STRING, NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, NUMBER,
            PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA,
            SEMICOLON, DOT, COLON, TYPECAST, OTHER -> null;
      };
    } catch (LexicalException e) {
      return null;
    }
  }

  /**
   * The significant tokens as written, one space apart except inside parentheses and before
   * commas: {@code WITH (FORMAT csv, HEADER)}. Every token was checked above, and a string
   * means the same wherever it stands because standard_conforming_strings stays on.
   */
  private static String render(List<Token> tokens) {
    StringBuilder text = new StringBuilder();
    TokenType previous = null;
    for (Token token : tokens) {
      if (!token.type().isSignificant()) {
        continue;
      }
      boolean space = previous != null
          && previous != TokenType.OPEN_PAREN
          && token.type() != TokenType.CLOSE_PAREN
          && token.type() != TokenType.COMMA;
      if (space) {
        text.append(' ');
      }
      text.append(token.text());
      previous = token.type();
    }
    return text.toString();
  }
}
