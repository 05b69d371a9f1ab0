package io.meshgate.rewriter.virtual;

import java.util.List;

/**
 * PostgreSQL's text form of a {@code text[]} value, e.g. {@code {"sales_team","a \"b\""}}.
 * Every element is double-quoted with backslashes before {@code "} and {@code \}, so no element
 * can end the array or start another; the result is then written as an ordinary string literal.
 */
final class TextArrays {
  private TextArrays() {}

  static String literal(List<String> elements) {
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        text.append(',');
      }
      text.append('"');
      for (char character : elements.get(i).toCharArray()) {
        if (character == '"' || character == '\\') {
          text.append('\\');
        }
        text.append(character);
      }
      text.append('"');
    }
    return text.append('}').toString();
  }
}
