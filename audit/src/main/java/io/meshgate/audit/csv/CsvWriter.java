package io.meshgate.audit.csv;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.List;

/**
 * Writes records as RFC 4180 CSV: fields separated by commas, records ended by CRLF, and a
 * field quoted (with each {@code "} doubled) exactly when it holds a comma, a double quote, a CR
 * or an LF, so SQL text spanning lines stays one field. Nothing else is changed: in particular
 * a field starting with {@code =}, {@code +}, {@code -} or {@code @} is written as it is, because
 * an audit export must show the SQL as sent; spreadsheet users should import, not open, it.
 */
public final class CsvWriter {

  private final Appendable output;

  public CsvWriter(Appendable output) {
    this.output = requireNonNull(output, "output is null");
  }

  public void writeRecord(List<String> fields) throws IOException {
    requireNonNull(fields, "fields is null");
    for (int index = 0; index < fields.size(); index++) {
      if (index > 0) {
        output.append(',');
      }
      writeField(requireNonNull(fields.get(index), "a field is null"));
    }
    output.append("\r\n");
  }

  private void writeField(String field) throws IOException {
    if (!needsQuotes(field)) {
      output.append(field);
      return;
    }
    output.append('"');
    for (int index = 0; index < field.length(); index++) {
      char character = field.charAt(index);
      if (character == '"') {
        output.append('"');
      }
      output.append(character);
    }
    output.append('"');
  }

  private static boolean needsQuotes(String field) {
    for (int index = 0; index < field.length(); index++) {
      char character = field.charAt(index);
      if (character == ',' || character == '"' || character == '\r' || character == '\n') {
        return true;
      }
    }
    return false;
  }
}
