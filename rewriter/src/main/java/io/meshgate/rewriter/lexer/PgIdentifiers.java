package io.meshgate.rewriter.lexer;

import java.nio.charset.StandardCharsets;

/** How PostgreSQL treats identifier text: case folding, length limit and quoting. */
public final class PgIdentifiers {
  /** NAMEDATALEN - 1: PostgreSQL silently truncates longer identifiers to this many bytes. */
  public static final int MAXIMUM_BYTES = 63;

  private PgIdentifiers() {}

  /**
   * Folds an unquoted identifier as PostgreSQL does in a UTF8 database: only ASCII letters
   * are lowered; other letters keep their case.
   */
  public static String foldAsciiCase(String word) {
    StringBuilder folded = new StringBuilder(word.length());
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return folded.toString();
  }

  /** Truncates to at most {@link #MAXIMUM_BYTES} UTF-8 bytes without splitting a character. */
  public static String truncate(String name) {
    if (name.length() * 3 <= MAXIMUM_BYTES
        || name.getBytes(StandardCharsets.UTF_8).length <= MAXIMUM_BYTES) {
      return name;
    }
    int bytes = 0;
    int index = 0;
    while (index < name.length()) {
      int codePoint = name.codePointAt(index);
      int length = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + length > MAXIMUM_BYTES) {
        break;
      }
      bytes += length;
      index += Character.charCount(codePoint);
    }
    return name.substring(0, index);
  }

  /** The identifier as a double-quoted SQL identifier. */
  public static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** Whether the text is plain ASCII, so that PostgreSQL and Java fold its case alike. */
  public static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
