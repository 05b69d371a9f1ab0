package io.meshgate.proxy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Every row of a result as text, column by column: what governed and expected answers compare. */
public final class ResultRows {
  private ResultRows() {}

  /** The rows {@code sql} returns on {@code connection}. */
  public static List<List<String>> of(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return of(statement.executeQuery(sql));
    }
  }

  /** The rows of {@code results}, which this closes. */
  public static List<List<String>> of(ResultSet results) throws SQLException {
    try (results) {
      int columns = results.getMetaData().getColumnCount();
      List<List<String>> rows = new ArrayList<>();
      while (results.next()) {
        List<String> row = new ArrayList<>();
        for (int column = 1; column <= columns; column++) {
          row.add(results.getString(column));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
