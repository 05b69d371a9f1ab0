package io.meshgate.rewriter;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A result set as comparable values: the column labels, then each row's values as text. */
final class QueryResults {
  private QueryResults() {}

  static List<List<String>> read(ResultSet rows) throws SQLException {
    ResultSetMetaData metadata = rows.getMetaData();
    List<List<String>> result = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int column = 1; column <= metadata.getColumnCount(); column++) {
      labels.add(metadata.getColumnLabel(column));
    }
    result.add(labels);
    while (rows.next()) {
      List<String> row = new ArrayList<>();
      for (int column = 1; column <= metadata.getColumnCount(); column++) {
        row.add(rows.getString(column));
      }
      result.add(row);
    }
    return result;
  }
}
