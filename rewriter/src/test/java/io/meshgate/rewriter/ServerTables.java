package io.meshgate.rewriter;

import io.meshgate.policy.RelationName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Schema metadata read from a real server's catalog, as the proxy reads it. */
final class ServerTables {
  private ServerTables() {}

  /** The tables of database {@code mesh} on the server {@code connection} is connected to. */
  static SchemaCatalog of(Connection connection) {
    return (schema, table) -> table(connection, schema, table);
  }

  private static Optional<TableSchema> table(Connection connection, String schema, String table) {
    String sql = "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)"
        + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped"
        + " ORDER BY a.attnum";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, schema);
      statement.setString(2, table);
      List<ColumnSchema> columns = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new ColumnSchema(rows.getString(1), rows.getString(2)));
        }
      }
      return columns.isEmpty()
          ? Optional.empty()
          : Optional.of(new TableSchema(new RelationName("mesh", schema, table), columns));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
