package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.csv.CsvWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Usage of relations per UTC day, for domain owners, as {@link AuditUsage} computes it.
 *
 * @param rows one row per relation and day, ordered by relation, then day
 */
public record UsageReport(List<UsageRow> rows) {

  /** The column names of both renderings, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "relation", "day", "queries", "distinct_users", "denials", "median_ms", "p95_ms");

  public UsageReport {
    rows = List.copyOf(requireNonNull(rows, "rows is null"));
  }

  /**
   * A plain-text table for a terminal: a header line, then one line per row, columns separated
   * by two spaces, text left-aligned and numbers right-aligned, each line ended by {@code \n}.
   */
  public String renderText() {
    List<List<String>> table = new ArrayList<>();
    table.add(COLUMNS);
    rows.forEach(row -> table.add(cells(row)));
    int[] widths = new int[COLUMNS.size()];
    for (List<String> line : table) {
      for (int column = 0; column < widths.length; column++) {
        widths[column] = Math.max(widths[column], line.get(column).length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<String> line : table) {
      for (int column = 0; column < widths.length; column++) {
        String cell = line.get(column);
        String padding = " ".repeat(widths[column] - cell.length());
        boolean textColumn = column < 2;
        if (column > 0) {
          text.append("  ");
        }
        if (textColumn) {
          text.append(cell);
          if (column < widths.length - 1) {
            text.append(padding);
          }
        } else {
          text.append(padding).append(cell);
        }
      }
      text.append('\n');
    }
    return text.toString();
  }

  /** RFC 4180 CSV: a header row of {@link #COLUMNS}, then one row per usage row. */
  public String renderCsv() {
    StringBuilder text = new StringBuilder();
    CsvWriter csv = new CsvWriter(text);
    try {
      csv.writeRecord(COLUMNS);
      for (UsageRow row : rows) {
        csv.writeRecord(cells(row));
      }
    } catch (IOException impossible) {
      // A StringBuilder does not fail.
      throw new UncheckedIOException(impossible);
    }
    return text.toString();
  }

  private static List<String> cells(UsageRow row) {
    return List.of(
        row.relation(),
        row.day().toString(),
        Long.toString(row.queries()),
        Long.toString(row.distinctUsers()),
        Long.toString(row.denials()),
        row.medianDurationMillis().toPlainString(),
        row.p95DurationMillis().toPlainString());
  }
}
