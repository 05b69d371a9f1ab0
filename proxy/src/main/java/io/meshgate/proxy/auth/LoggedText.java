package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

/**
 * Text a client controls (a startup user name, a token's claims and headers) made fit for one
 * line of the server log. The log is plain text, one event per line: a user name holding a line
 * break could otherwise write a line that looks like Meshgate's own, e.g. a forged success or
 * another client's address. Control characters and Unicode line separators are escaped (a
 * backslash, {@code u} and four hex digits), and very long values cut, so one client cannot
 * flood the log either.
 */
public final class LoggedText {
  /** Far above any real user name or reason; what is left out is counted, not written. */
  static final int MAXIMUM_LENGTH = 256;

  private LoggedText() {}

  /** {@code text} in double quotes, with quotes and backslashes escaped: where a name ends is never in doubt. */
  public static String quoted(String text) {
    requireNonNull(text, "text is null");
    StringBuilder line = new StringBuilder(Math.min(text.length(), MAXIMUM_LENGTH) + 2).append('"');
    appendEscaped(line, text, true);
    return line.append('"').toString();
  }

  /** {@code text} on one line: control characters and line separators escaped, quotes kept. */
  public static String oneLine(String text) {
    requireNonNull(text, "text is null");
    StringBuilder line = new StringBuilder(Math.min(text.length(), MAXIMUM_LENGTH));
    appendEscaped(line, text, false);
    return line.toString();
  }

  private static void appendEscaped(StringBuilder line, String text, boolean escapeQuotes) {
    int end = Math.min(text.length(), MAXIMUM_LENGTH);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    for (int index = 0; index < end; index++) {
      char character = text.charAt(index);
      if (escapeQuotes && (character == '"' || character == '\\')) {
        line.append('\\').append(character);
      } else if (Character.isISOControl(character) || character == '\u2028' || character == '\u2029') {
        line.append(String.format("\\u%04x", (int) character));
      } else {
        line.append(character);
      }
    }
    if (end < text.length()) {
      line.append("…(").append(text.length() - end).append(" more characters)");
    }
  }
}
