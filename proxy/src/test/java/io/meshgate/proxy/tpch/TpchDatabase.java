package io.meshgate.proxy.tpch;

import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.LocalPostgres;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads TPC-H, generated in Java by {@code io.trino.tpch} (a port of dbgen), into schema
 * {@value #SCHEMA} of the demo database: tables from schema.sql, rows by COPY, keys after the
 * rows, and read access for Meshgate's service role.
 */
final class TpchDatabase {
  static final String SCHEMA = "tpch";
  /** About 87,000 rows in all (60,000 of them lineitem): small enough for CI, big enough for every query to return rows. */
  static final double SCALE_FACTOR = 0.01;

  private TpchDatabase() {}

  static void load(LocalPostgres postgres, DemoBackend backend) throws SQLException, IOException {
    try (Connection connection = postgres.connectAsSuperuser(backend.database())) {
      connection.setAutoCommit(false);
      List<String> schema = TpchFiles.schemaStatements();
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA " + SCHEMA);
        for (String ddl : schema) {
          if (ddl.startsWith("CREATE TABLE")) {
            statement.execute(ddl);
          }
        }
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        for (TpchTable<?> table : TpchTable.getTables()) {
          copy(copy, table);
        }
        for (String ddl : schema) {
          if (!ddl.startsWith("CREATE TABLE")) {
            statement.execute(ddl);
          }
        }
        statement.execute("GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + backend.serviceUser());
        statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + SCHEMA + " TO " + backend.serviceUser());
      }
      connection.commit();
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        for (TpchTable<?> table : TpchTable.getTables()) {
          statement.execute("ANALYZE " + SCHEMA + "." + table.getTableName());
        }
      }
    }
  }

  /** dbgen's lines are {@code a|b|c|}: COPY's text format with '|' once the last bar is cut. */
  private static <E extends TpchEntity> void copy(CopyManager copy, TpchTable<E> table)
      throws SQLException, IOException {
    StringBuilder rows = new StringBuilder();
    for (E row : table.createGenerator(SCALE_FACTOR, 1, 1)) {
      String line = row.toLine();
      if (line.indexOf('\\') >= 0) {
        throw new IllegalStateException("a backslash would be an escape in COPY's text format: " + line);
      }
      rows.append(line, 0, line.endsWith("|") ? line.length() - 1 : line.length()).append('\n');
    }
    copy.copyIn("COPY " + SCHEMA + "." + table.getTableName() + " FROM STDIN WITH (DELIMITER '|')",
        new StringReader(rows.toString()));
  }
}
