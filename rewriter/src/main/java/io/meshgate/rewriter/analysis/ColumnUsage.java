package io.meshgate.rewriter.analysis;

import io.meshgate.rewriter.TableSchema;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which columns of one governed relation a statement uses. {@code named} are the columns the
 * statement names explicitly (by name or by position in a column alias list); {@code
 * referenced} adds those reached through {@code *}, {@code alias.*} or a whole-row reference.
 * Both over-approximate: any identifier that may denote the column counts.
 */
public final class ColumnUsage {
  private final TableSchema table;
  private final Set<String> named = new HashSet<>();
  private final Set<String> referenced = new HashSet<>();

  ColumnUsage(TableSchema table) {
    this.table = table;
  }

  void markNamed(String column) {
    if (table.column(column).isPresent()) {
      named.add(column);
      referenced.add(column);
    }
  }

  void markAll() {
    referenced.addAll(table.columnNames());
  }

  boolean hasColumn(String column) {
    return table.column(column).isPresent();
  }

  /** Named columns in the table's column order. */
  public List<String> namedColumns() {
    return table.columnNames().stream().filter(named::contains).toList();
  }

  /** Referenced columns in the table's column order. */
  public List<String> referencedColumns() {
    return table.columnNames().stream().filter(referenced::contains).toList();
  }
}
