package io.meshgate.loadtests.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A GitHub-flavoured markdown table. Columns after the first {@code textColumns} are numbers and
 * aligned right; cell text is escaped so a pipe in a value cannot break the table.
 */
public final class MarkdownTable {
  private final List<String> headers;
  private final int textColumns;
  private final List<List<String>> rows = new ArrayList<>();

  public MarkdownTable(List<String> headers, int textColumns) {
    this.headers = List.copyOf(requireNonNull(headers, "headers is null"));
    if (textColumns < 0 || textColumns > headers.size()) {
      throw new IllegalArgumentException("textColumns must be 0-" + headers.size());
    }
    this.textColumns = textColumns;
  }

  public MarkdownTable row(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException("a row needs " + headers.size() + " cells, not " + cells.size());
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  public String render() {
    StringBuilder text = new StringBuilder();
    line(text, headers);
    List<String> alignment = new ArrayList<>();
    for (int column = 0; column < headers.size(); column++) {
      alignment.add(column < textColumns ? "---" : "---:");
    }
    line(text, alignment);
    for (List<String> row : rows) {
      line(text, row);
    }
    return text.toString();
  }

  private static void line(StringBuilder text, List<String> cells) {
    text.append('|');
    for (String cell : cells) {
      text.append(' ').append(escape(cell)).append(" |");
    }
    text.append('\n');
  }

  private static String escape(String cell) {
    return cell.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
  }
}
