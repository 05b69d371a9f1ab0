package io.meshgate.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader for tests, written from the RFC rather than from the writer under
 * test: records end in CRLF, a quoted field may hold anything with {@code "} doubled.
 */
final class Rfc4180 {

  private Rfc4180() {}

  static List<List<String>> parse(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int index = 0;
    while (index < text.length()) {
      if (text.charAt(index) == '"') {
        index++;
        while (true) {
          if (index >= text.length()) {
            throw new IllegalArgumentException("unterminated quoted field");
          }
          char character = text.charAt(index++);
          if (character == '"') {
            if (index < text.length() && text.charAt(index) == '"') {
              field.append('"');
              index++;
            } else {
              break;
            }
          } else {
            field.append(character);
          }
        }
      } else {
        while (index < text.length() && text.charAt(index) != ',' && text.charAt(index) != '\r') {
          char character = text.charAt(index++);
          if (character == '"' || character == '\n') {
            throw new IllegalArgumentException("unquoted field holds " + character);
          }
          field.append(character);
        }
      }
      record.add(field.toString());
      field.setLength(0);
      if (index >= text.length()) {
        throw new IllegalArgumentException("the last record does not end in CRLF");
      }
      if (text.charAt(index) == ',') {
        index++;
      } else if (text.startsWith("\r\n", index)) {
        index += 2;
        records.add(record);
        record = new ArrayList<>();
      } else {
        throw new IllegalArgumentException("unexpected character after a field at " + index);
      }
    }
    return records;
  }
}
