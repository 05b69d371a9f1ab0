package io.meshgate.rewriter.parse;

/** Line and column of an offset in a text, counted as PostgreSQL clients expect (from 1). */
public final class SourcePositions {
  private SourcePositions() {}

  /** E.g. "line 2, column 7". */
  public static String describe(String text, int offset) {
    int line = 1;
    int column = 1;
    int end = Math.min(Math.max(offset, 0), text.length());
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        column = 1;
      } else if (c != '\r') {
        column++;
      }
    }
    return "line " + line + ", column " + column;
  }

  /** The offset of a 1-based line and column, clamped to the text. */
  public static int offsetOf(String text, int line, int column) {
    int currentLine = 1;
    int index = 0;
    while (currentLine < line && index < text.length()) {
      if (text.charAt(index) == '\n') {
        currentLine++;
      }
      index++;
    }
    return Math.min(index + Math.max(column - 1, 0), text.length());
  }
}
