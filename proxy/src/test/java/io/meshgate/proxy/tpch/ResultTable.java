package io.meshgate.proxy.tpch;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A query's whole result in order, every value as PostgreSQL's text form (numeric exactly as
 * written, char(n) with its padding), so two results compare with {@code equals}.
 */
record ResultTable(List<String> columns, List<List<String>> rows) {
  ResultTable {
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    rows = List.copyOf(requireNonNull(rows, "rows is null"));
  }

  static ResultTable of(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData metadata = result.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int column = 1; column <= metadata.getColumnCount(); column++) {
        columns.add(metadata.getColumnLabel(column) + " " + metadata.getColumnTypeName(column));
      }
      List<List<String>> rows = new ArrayList<>();
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int column = 1; column <= columns.size(); column++) {
          row.add(result.getString(column));
        }
        rows.add(Collections.unmodifiableList(row));
      }
      return new ResultTable(columns, rows);
    }
  }

  /** Where two results part, for a failure message: the columns or the first row that differs. */
  String firstDifference(ResultTable other) {
    if (!columns.equals(other.columns)) {
      return "columns " + columns + " versus " + other.columns;
    }
    for (int row = 0; row < Math.min(rows.size(), other.rows.size()); row++) {
      if (!rows.get(row).equals(other.rows.get(row))) {
        return "row " + (row + 1) + ": " + rows.get(row) + " versus " + other.rows.get(row);
      }
    }
    return rows.size() + " rows versus " + other.rows.size();
  }
}
