package io.meshgate.rewriter.lexer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the value of string literal and quoted identifier tokens with PostgreSQL's rules
 * (in a UTF8 database), so that a literal can be re-rendered in one plain form that means
 * the same string.
 */
public final class PgStringLiterals {
  private PgStringLiterals() {}

  /** The value of a character string token: STRING, ESCAPE_STRING, NATIONAL_STRING, DOLLAR_STRING. */
  public static String value(Token token) throws LexicalException {
    return switch (token.type()) {
      case STRING -> joinSegments(token, 0, false);
      case NATIONAL_STRING -> joinSegments(token, 1, false);
      case ESCAPE_STRING -> decodeEscapes(token, joinSegments(token, 1, true));
      case DOLLAR_STRING -> dollarBody(token);
      case UNICODE_STRING -> unicodeValue(token, '\\');
      case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, WORD, QUOTED_IDENTIFIER, UNICODE_IDENTIFIER,
          BIT_STRING, HEX_STRING, NUMBER, PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN,
          OPEN_BRACKET, CLOSE_BRACKET, COMMA, SEMICOLON, DOT, COLON, TYPECAST, OTHER ->
          throw new IllegalArgumentException("not a character string: " + token.type());
    };
  }

  /**
   * The escape character a {@code UESCAPE 'c'} clause names ({@code literal} is its string),
   * checked as PostgreSQL checks it.
   */
  public static char uescapeCharacter(Token literal) throws LexicalException {
    if (literal.type() != TokenType.STRING) {
      throw new LexicalException("UESCAPE must be followed by a simple string literal", literal.start());
    }
    String escape = value(literal);
    if (escape.length() != 1 || "0123456789abcdefABCDEF+'\" \t\n\r\f".indexOf(escape.charAt(0)) >= 0) {
      throw new LexicalException("invalid Unicode escape character", literal.start());
    }
    return escape.charAt(0);
  }

  /** The value of a {@code U&'...'} token with the given escape character. */
  public static String unicodeValue(Token token, char escape) throws LexicalException {
    if (token.type() != TokenType.UNICODE_STRING) {
      throw new IllegalArgumentException("not a Unicode string: " + token.type());
    }
    return decodeUnicodeEscapes(token, joinSegments(token, 2, false), escape);
  }

  /** The name a QUOTED_IDENTIFIER or UNICODE_IDENTIFIER token stands for, before truncation. */
  public static String identifier(Token token, char escape) throws LexicalException {
    String text = token.text();
    return switch (token.type()) {
      case QUOTED_IDENTIFIER -> text.substring(1, text.length() - 1).replace("\"\"", "\"");
      case UNICODE_IDENTIFIER ->
          decodeUnicodeEscapes(
              token, text.substring(3, text.length() - 1).replace("\"\"", "\""), escape);
      case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, WORD, STRING, ESCAPE_STRING, UNICODE_STRING,
          NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, NUMBER, PARAMETER, OPERATOR,
          OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA, SEMICOLON, DOT, COLON,
          TYPECAST, OTHER -> throw new IllegalArgumentException("not a quoted identifier");
    };
  }

  /**
   * The digits of a {@code B'...'} bit string, continuation segments joined, checked to be
   * binary digits as PostgreSQL checks them while scanning; so the digits can be written back
   * between quotes as they are.
   */
  public static String bitStringDigits(Token token) throws LexicalException {
    if (token.type() != TokenType.BIT_STRING) {
      throw new IllegalArgumentException("not a bit string: " + token.type());
    }
    String digits = joinSegments(token, 1, true);
    for (int i = 0; i < digits.length(); i++) {
      char digit = digits.charAt(i);
      if (digit != '0' && digit != '1') {
        throw new LexicalException("\"" + digit + "\" is not a valid binary digit", token.start());
      }
    }
    return digits;
  }

  /** Whether the token has continuation segments ({@code 'a'} newline {@code 'b'}). */
  public static boolean hasContinuation(Token token) {
    return segments(token.text(), prefixLength(token), token.type() == TokenType.ESCAPE_STRING)
            .size()
        > 1;
  }

  private static int prefixLength(Token token) {
    return switch (token.type()) {
      case STRING -> 0;
      case ESCAPE_STRING, NATIONAL_STRING, BIT_STRING, HEX_STRING -> 1;
      case UNICODE_STRING -> 2;
      case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, WORD, QUOTED_IDENTIFIER, UNICODE_IDENTIFIER,
          DOLLAR_STRING, NUMBER, PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET,
          CLOSE_BRACKET, COMMA, SEMICOLON, DOT, COLON, TYPECAST, OTHER -> 0;
    };
  }

  /**
   * The raw bodies of each quoted segment; {@code ''} is kept doubled here and undone by
   * the caller, because in E'' strings it must be undone together with backslashes.
   */
  private static List<String> segments(String text, int prefix, boolean backslashEscapes) {
    List<String> bodies = new ArrayList<>();
    int index = prefix;
    while (index < text.length() && text.charAt(index) == '\'') {
      int bodyStart = index + 1;
      int cursor = bodyStart;
      while (cursor < text.length()) {
        char c = text.charAt(cursor);
        if (backslashEscapes && c == '\\') {
          cursor += 2;
        } else if (c == '\'') {
          if (cursor + 1 < text.length() && text.charAt(cursor + 1) == '\'') {
            cursor += 2;
          } else {
            break;
          }
        } else {
          cursor++;
        }
      }
      bodies.add(text.substring(bodyStart, Math.min(cursor, text.length())));
      index = cursor + 1;
      // skip the whitespace and comments between segments
      while (index < text.length() && text.charAt(index) != '\'') {
        if (text.startsWith("--", index)) {
          while (index < text.length() && text.charAt(index) != '\n' && text.charAt(index) != '\r') {
            index++;
          }
        } else {
          index++;
        }
      }
    }
    return bodies;
  }

  private static String joinSegments(Token token, int prefix, boolean keepDoubledQuotes) {
    StringBuilder joined = new StringBuilder();
    for (String body : segments(token.text(), prefix, token.type() == TokenType.ESCAPE_STRING)) {
      joined.append(keepDoubledQuotes ? body : body.replace("''", "'"));
    }
    return joined.toString();
  }

  private static String dollarBody(Token token) {
    String text = token.text();
    int tagLength = text.indexOf('$', 1) + 1;
    return text.substring(tagLength, text.length() - tagLength);
  }

  /**
   * E'' escapes: {@code \b \f \n \r \t}, octal {@code \ooo}, hex {@code \xhh}, {@code \\uXXXX},
   * {@code \\UXXXXXXXX}, any other {@code \c} is {@code c}, and {@code ''} is a quote. Octal
   * and hex escapes give bytes, so the result is checked to be valid UTF-8 as PostgreSQL does.
   */
  private static String decodeEscapes(Token token, String body) throws LexicalException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length());
    int index = 0;
    int pendingHighSurrogate = -1;
    while (index < body.length()) {
      char c = body.charAt(index);
      if (c == '\'' ) {
        // a doubled quote inside the body
        appendCodePoint(bytes, '\'');
        index += 2;
        continue;
      }
      if (c != '\\') {
        int codePoint = body.codePointAt(index);
        appendCodePoint(bytes, codePoint);
        index += Character.charCount(codePoint);
        continue;
      }
      if (index + 1 >= body.length()) {
        throw new LexicalException("unterminated escape in string literal", token.start());
      }
      char escaped = body.charAt(index + 1);
      index += 2;
      if (pendingHighSurrogate >= 0 && escaped != 'u' && escaped != 'U') {
        throw invalidUnicode(token);
      }
      switch (escaped) {
        case 'b' -> bytes.write('\b');
        case 'f' -> bytes.write('\f');
        case 'n' -> bytes.write('\n');
        case 'r' -> bytes.write('\r');
        case 't' -> bytes.write('\t');
        case 'x' -> {
          int end = index;
          while (end < body.length() && end < index + 2 && isHex(body.charAt(end))) {
            end++;
          }
          if (end == index) {
            bytes.write('x');
          } else {
            bytes.write(Integer.parseInt(body.substring(index, end), 16));
            index = end;
          }
        }
        case 'u', 'U' -> {
          int digits = escaped == 'u' ? 4 : 8;
          if (index + digits > body.length() || !allHex(body, index, index + digits)) {
            throw invalidUnicode(token);
          }
          int value = (int) Long.parseLong(body.substring(index, index + digits), 16);
          index += digits;
          if (Character.isHighSurrogate((char) value) && value <= 0xFFFF) {
            if (pendingHighSurrogate >= 0) {
              throw invalidUnicode(token);
            }
            pendingHighSurrogate = value;
            continue;
          }
          if (pendingHighSurrogate >= 0) {
            if (!Character.isLowSurrogate((char) value) || value > 0xFFFF) {
              throw invalidUnicode(token);
            }
            value = Character.toCodePoint((char) pendingHighSurrogate, (char) value);
            pendingHighSurrogate = -1;
          } else if (value > 0xFFFF ? value > Character.MAX_CODE_POINT
              : Character.isSurrogate((char) value)) {
            throw invalidUnicode(token);
          }
          if (value == 0) {
            throw nullCharacter(token);
          }
          appendCodePoint(bytes, value);
        }
        default -> {
          if (escaped >= '0' && escaped <= '7') {
            int value = escaped - '0';
            int end = index;
            while (end < body.length() && end < index + 2 && body.charAt(end) >= '0'
                && body.charAt(end) <= '7') {
              value = value * 8 + (body.charAt(end) - '0');
              end++;
            }
            index = end;
            bytes.write(value & 0xFF);
          } else {
            int codePoint = body.codePointAt(index - 1);
            appendCodePoint(bytes, codePoint);
            index += Character.charCount(codePoint) - 1;
          }
        }
      }
    }
    if (pendingHighSurrogate >= 0) {
      throw invalidUnicode(token);
    }
    return strictUtf8(token, bytes.toByteArray());
  }

  /** U&'' escapes: {@code \XXXX}, {@code \+XXXXXX} and a doubled escape character. */
  private static String decodeUnicodeEscapes(Token token, String body, char escape)
      throws LexicalException {
    StringBuilder value = new StringBuilder(body.length());
    int index = 0;
    int pendingHighSurrogate = -1;
    while (index < body.length()) {
      char c = body.charAt(index);
      if (c != escape) {
        if (pendingHighSurrogate >= 0) {
          throw invalidUnicode(token);
        }
        value.append(c);
        index++;
        continue;
      }
      if (index + 1 < body.length() && body.charAt(index + 1) == escape) {
        if (pendingHighSurrogate >= 0) {
          throw invalidUnicode(token);
        }
        value.append(escape);
        index += 2;
        continue;
      }
      int digitsStart = index + 1;
      int digits = 4;
      if (digitsStart < body.length() && body.charAt(digitsStart) == '+') {
        digitsStart++;
        digits = 6;
      }
      if (digitsStart + digits > body.length() || !allHex(body, digitsStart, digitsStart + digits)) {
        throw invalidUnicode(token);
      }
      int codePoint = Integer.parseInt(body.substring(digitsStart, digitsStart + digits), 16);
      index = digitsStart + digits;
      if (codePoint <= 0xFFFF && Character.isHighSurrogate((char) codePoint)) {
        if (pendingHighSurrogate >= 0) {
          throw invalidUnicode(token);
        }
        pendingHighSurrogate = codePoint;
        continue;
      }
      if (pendingHighSurrogate >= 0) {
        if (codePoint > 0xFFFF || !Character.isLowSurrogate((char) codePoint)) {
          throw invalidUnicode(token);
        }
        codePoint = Character.toCodePoint((char) pendingHighSurrogate, (char) codePoint);
        pendingHighSurrogate = -1;
      } else if (codePoint > Character.MAX_CODE_POINT
          || (codePoint <= 0xFFFF && Character.isSurrogate((char) codePoint))) {
        throw invalidUnicode(token);
      }
      if (codePoint == 0) {
        throw nullCharacter(token);
      }
      value.appendCodePoint(codePoint);
    }
    if (pendingHighSurrogate >= 0) {
      throw invalidUnicode(token);
    }
    return value.toString();
  }

  private static String strictUtf8(Token token, byte[] bytes) throws LexicalException {
    for (byte b : bytes) {
      if (b == 0) {
        throw nullCharacter(token);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new LexicalException("invalid byte sequence for encoding \"UTF8\" in string literal",
          token.start());
    }
  }

  private static void appendCodePoint(ByteArrayOutputStream bytes, int codePoint) {
    byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
    bytes.write(encoded, 0, encoded.length);
  }

  private static boolean allHex(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isHex(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static LexicalException invalidUnicode(Token token) {
    return new LexicalException("invalid Unicode escape in string literal", token.start());
  }

  private static LexicalException nullCharacter(Token token) {
    return new LexicalException("a string literal must not contain a null character",
        token.start());
  }
}
