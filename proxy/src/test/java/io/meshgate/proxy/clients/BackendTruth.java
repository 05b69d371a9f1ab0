package io.meshgate.proxy.clients;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the demo data really holds, read from the backend as its superuser, bypassing Meshgate.
 * The expected answers of the client matrix come from here rather than from constants, so a
 * client that got ungoverned or wrong rows fails whatever the seed produced.
 */
final class BackendTruth implements AutoCloseable {
  private final Connection connection;

  BackendTruth(Connection connection) {
    this.connection = requireNonNull(connection, "connection is null");
  }

  long count(String sql, Object... parameters) throws SQLException {
    List<String> rows = rows(sql, parameters);
    if (rows.size() != 1) {
      throw new IllegalStateException("expected one row from " + sql + ", got " + rows);
    }
    return Long.parseLong(rows.getFirst());
  }

  Set<String> distinct(String sql, Object... parameters) throws SQLException {
    return new HashSet<>(rows(sql, parameters));
  }

  /** Each row as its columns' text joined with {@code |}, the form the client scripts print. */
  List<String> rows(String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int index = 0; index < parameters.length; index++) {
        statement.setObject(index + 1, parameters[index]);
      }
      List<String> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
          List<String> values = new ArrayList<>(columns);
          for (int column = 1; column <= columns; column++) {
            values.add(result.getString(column));
          }
          rows.add(String.join("|", values));
        }
      }
      return List.copyOf(rows);
    }
  }

  /** Runs a statement that returns no rows, such as the DDL a test needs beside the demo data. */
  void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
