package io.meshgate.rewriter.lexer;

import java.util.ArrayList;
import java.util.List;

/**
 * A scanner that splits text into tokens exactly where PostgreSQL's own scanner would, for
 * the parts that decide statement boundaries and what is code versus data: quoted strings
 * of every style (standard with {@code ''}, {@code E''} with backslash escapes, {@code U&''},
 * dollar quotes), quoted identifiers, {@code --} comments and nested block comments.
 * It assumes standard_conforming_strings is on (Meshgate refuses to turn it off).
 */
public final class PgLexer {
  private static final String OPERATOR_CHARACTERS = "~!@#^&|`?+-*/%<>=";
  /** Operator characters no SQL-standard operator uses (PostgreSQL's scan.l). */
  private static final String NON_SQL_OPERATOR_CHARACTERS = "~!@#^&|`?%";

  private final String text;
  private final List<Token> tokens = new ArrayList<>();
  private int position;

  private PgLexer(String text) {
    this.text = text;
  }

  /** All tokens of {@code text}, whitespace and comments included; they cover it exactly. */
  public static List<Token> tokenize(String text) throws LexicalException {
    PgLexer lexer = new PgLexer(text);
    lexer.run();
    return List.copyOf(lexer.tokens);
  }

  private void run() throws LexicalException {
    while (position < text.length()) {
      int start = position;
      TokenType type = scanOne();
      tokens.add(new Token(type, text.substring(start, position), start));
    }
  }

  private TokenType scanOne() throws LexicalException {
    char c = text.charAt(position);
    char next = charAt(position + 1);
    if (isWhitespace(c)) {
      while (position < text.length() && isWhitespace(text.charAt(position))) {
        position++;
      }
      return TokenType.WHITESPACE;
    }
    if (c == '-' && next == '-') {
      skipLineComment();
      return TokenType.LINE_COMMENT;
    }
    if (c == '/' && next == '*') {
      skipBlockComment();
      return TokenType.BLOCK_COMMENT;
    }
    if (c == '\'') {
      scanQuoted(position, false);
      return TokenType.STRING;
    }
    if (next == '\'') {
      switch (c) {
        case 'e', 'E' -> {
          scanQuoted(position + 1, true);
          return TokenType.ESCAPE_STRING;
        }
        case 'n', 'N' -> {
          scanQuoted(position + 1, false);
          return TokenType.NATIONAL_STRING;
        }
        case 'b', 'B' -> {
          scanQuoted(position + 1, false);
          return TokenType.BIT_STRING;
        }
        case 'x', 'X' -> {
          scanQuoted(position + 1, false);
          return TokenType.HEX_STRING;
        }
        default -> {
          // an identifier that happens to be followed by a quote, handled below
        }
      }
    }
    if ((c == 'u' || c == 'U') && next == '&') {
      char third = charAt(position + 2);
      if (third == '\'') {
        scanQuoted(position + 2, false);
        return TokenType.UNICODE_STRING;
      }
      if (third == '"') {
        position += 2;
        scanQuotedIdentifier();
        return TokenType.UNICODE_IDENTIFIER;
      }
    }
    if (c == '"') {
      scanQuotedIdentifier();
      return TokenType.QUOTED_IDENTIFIER;
    }
    if (c == '$') {
      return scanDollar();
    }
    if (isIdentifierStart(c)) {
      position++;
      while (position < text.length() && isIdentifierContinuation(text.charAt(position))) {
        position++;
      }
      return TokenType.WORD;
    }
    if (c == '.' && next == '.') {
      position += 2; // PostgreSQL's ".." token (PL/pgSQL ranges); never valid SQL here
      return TokenType.OPERATOR;
    }
    if (isDigit(c) || (c == '.' && isDigit(next))) {
      scanNumber();
      return TokenType.NUMBER;
    }
    position++;
    switch (c) {
      case '(' -> {
        return TokenType.OPEN_PAREN;
      }
      case ')' -> {
        return TokenType.CLOSE_PAREN;
      }
      case '[' -> {
        return TokenType.OPEN_BRACKET;
      }
      case ']' -> {
        return TokenType.CLOSE_BRACKET;
      }
      case ',' -> {
        return TokenType.COMMA;
      }
      case ';' -> {
        return TokenType.SEMICOLON;
      }
      case '.' -> {
        return TokenType.DOT;
      }
      case ':' -> {
        if (next == ':') {
          position++;
          return TokenType.TYPECAST;
        }
        if (next == '=') {
          position++;
          return TokenType.OPERATOR;
        }
        return TokenType.COLON;
      }
      default -> {
        if (OPERATOR_CHARACTERS.indexOf(c) >= 0) {
          // An operator runs over operator characters but never into a comment start.
          int start = position - 1;
          while (position < text.length()
              && OPERATOR_CHARACTERS.indexOf(text.charAt(position)) >= 0
              && !startsComment(position)) {
            position++;
          }
          position = withoutTrailingSign(start, position);
          return TokenType.OPERATOR;
        }
        return TokenType.OTHER;
      }
    }
  }

  private void skipLineComment() {
    while (position < text.length()
        && text.charAt(position) != '\n'
        && text.charAt(position) != '\r') {
      position++;
    }
  }

  /** PostgreSQL block comments nest: each {@code /*} needs its own closing. */
  private void skipBlockComment() throws LexicalException {
    int start = position;
    int depth = 0;
    while (position < text.length()) {
      if (text.startsWith("/*", position)) {
        depth++;
        position += 2;
      } else if (text.startsWith("*/", position)) {
        depth--;
        position += 2;
        if (depth == 0) {
          return;
        }
      } else {
        position++;
      }
    }
    throw new LexicalException("unterminated /* comment", start);
  }

  /**
   * Scans a quoted string whose opening quote is at {@code quote}, including continuation
   * segments: a quote that follows the closing quote after whitespace containing a newline
   * continues the same literal, as in the SQL standard.
   */
  private void scanQuoted(int quote, boolean backslashEscapes) throws LexicalException {
    int start = position;
    position = quote;
    while (true) {
      scanQuotedSegment(start, backslashEscapes);
      int continuation = continuationQuote(position);
      if (continuation < 0) {
        return;
      }
      position = continuation;
    }
  }

  private void scanQuotedSegment(int tokenStart, boolean backslashEscapes)
      throws LexicalException {
    position++; // opening quote
    while (position < text.length()) {
      char c = text.charAt(position);
      if (backslashEscapes && c == '\\') {
        position += 2;
      } else if (c == '\'') {
        if (charAt(position + 1) == '\'') {
          position += 2;
        } else {
          position++;
          return;
        }
      } else {
        position++;
      }
    }
    throw new LexicalException("unterminated quoted string", tokenStart);
  }

  /** The offset of a continuation quote after {@code from}, or -1 if the literal ends there. */
  int continuationQuote(int from) {
    int index = from;
    boolean sawNewline = false;
    while (index < text.length()) {
      char c = text.charAt(index);
      if (c == '\n' || c == '\r') {
        sawNewline = true;
        index++;
      } else if (isWhitespace(c)) {
        index++;
      } else if (c == '-' && charAt(index + 1) == '-') {
        // A -- comment is whitespace here before the newline too (scan.l's horiz_whitespace):
        // PostgreSQL continues the literal, E'' escapes and all, so Meshgate must as well.
        while (index < text.length() && text.charAt(index) != '\n' && text.charAt(index) != '\r') {
          index++;
        }
      } else {
        return sawNewline && c == '\'' ? index : -1;
      }
    }
    return -1;
  }

  private void scanQuotedIdentifier() throws LexicalException {
    int start = position;
    position++; // opening quote
    while (position < text.length()) {
      if (text.charAt(position) == '"') {
        if (charAt(position + 1) == '"') {
          position += 2;
        } else {
          position++;
          if (position - start == 2) {
            throw new LexicalException("zero-length delimited identifier", start);
          }
          return;
        }
      } else {
        position++;
      }
    }
    throw new LexicalException("unterminated quoted identifier", start);
  }

  private TokenType scanDollar() throws LexicalException {
    int start = position;
    if (isDigit(charAt(position + 1))) {
      position++;
      while (position < text.length() && isDigit(text.charAt(position))) {
        position++;
      }
      return TokenType.PARAMETER;
    }
    int tagEnd = position + 1;
    if (tagEnd < text.length() && isDollarTagStart(text.charAt(tagEnd))) {
      tagEnd++;
      while (tagEnd < text.length() && isDollarTagContinuation(text.charAt(tagEnd))) {
        tagEnd++;
      }
    }
    if (charAt(tagEnd) != '$') {
      position++;
      return TokenType.OTHER;
    }
    String tag = text.substring(start, tagEnd + 1);
    int close = text.indexOf(tag, tagEnd + 1);
    if (close < 0) {
      throw new LexicalException("unterminated dollar-quoted string", start);
    }
    position = close + tag.length();
    return TokenType.DOLLAR_STRING;
  }

  private void scanNumber() {
    while (position < text.length() && isDigit(text.charAt(position))) {
      position++;
    }
    // "1..2" is an integer followed by "..", not a decimal
    if (charAt(position) == '.' && charAt(position + 1) != '.') {
      position++;
      while (position < text.length() && isDigit(text.charAt(position))) {
        position++;
      }
    }
    char exponent = charAt(position);
    if (exponent == 'e' || exponent == 'E') {
      int digits = position + 1;
      if (charAt(digits) == '+' || charAt(digits) == '-') {
        digits++;
      }
      if (isDigit(charAt(digits))) {
        position = digits;
        while (position < text.length() && isDigit(text.charAt(position))) {
          position++;
        }
      }
    }
  }

  /**
   * PostgreSQL's rule: a multi-character operator ends in neither {@code +} nor {@code -} unless
   * it holds a character SQL's own operators do not use, so {@code =-1} is {@code =} then
   * {@code -1} and {@code ->>-1} is {@code ->>} then {@code -1}, while {@code @-} stays one.
   */
  private int withoutTrailingSign(int start, int end) {
    if (end - start < 2 || !isSign(text.charAt(end - 1))) {
      return end;
    }
    for (int i = start; i < end - 1; i++) {
      if (NON_SQL_OPERATOR_CHARACTERS.indexOf(text.charAt(i)) >= 0) {
        return end;
      }
    }
    int shortened = end;
    while (shortened - start > 1 && isSign(text.charAt(shortened - 1))) {
      shortened--;
    }
    return shortened;
  }

  private static boolean isSign(char c) {
    return c == '+' || c == '-';
  }

  private boolean startsComment(int index) {
    return text.startsWith("--", index) || text.startsWith("/*", index);
  }

  private char charAt(int index) {
    return index < text.length() ? text.charAt(index) : '\0';
  }

  static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** PostgreSQL treats every non-ASCII byte as an identifier character. */
  static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  static boolean isIdentifierContinuation(char c) {
    return isIdentifierStart(c) || isDigit(c) || c == '$';
  }

  private static boolean isDollarTagStart(char c) {
    return isIdentifierStart(c);
  }

  private static boolean isDollarTagContinuation(char c) {
    return isIdentifierStart(c) || isDigit(c);
  }
}
