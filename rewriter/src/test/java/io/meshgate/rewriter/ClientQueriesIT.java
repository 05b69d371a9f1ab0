package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.policy.RelationName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On a real PostgreSQL 15 built like the one the fixtures were captured on, what Meshgate
 * forwards for each client catalog query returns exactly what the client's own text returns:
 * the same column names and the same rows in the same order. The schema metadata comes from
 * that server too, as the proxy's would.
 */
class ClientQueriesIT {
  /** Fixtures that must find rows, which shows the OIDs psql wrote into them still match. */
  private static final Set<String> MUST_RETURN_ROWS = Set.of(
      "psql15-dt-sales", "psql15-d-sales-store-transactions-01",
      "psql15-d-sales-store-transactions-03", "psql15-d-sales-store-transactions-04",
      "psql15-d-sales-events-2024-10", "psql15-df-sales", "psql15-dn", "psql15-l", "psql15-du",
      "pgjdbc-get-tables-sales", "pgjdbc-get-columns-02", "pgjdbc-get-schemas",
      "pgjdbc-get-primary-keys", "pgjdbc-get-index-info", "pgjdbc-get-imported-keys-02");

  private static ThrowawayPostgres postgres;
  private static Connection connection;
  private static StatementAnalyzer analyzer;

  @BeforeAll
  static void startPostgres() throws Exception {
    Optional<Path> binaries = ThrowawayPostgres.binaries();
    assumeTrue(binaries.isPresent(), "no PostgreSQL 15 server binaries (set MESHGATE_PG_BIN)");
    postgres = ThrowawayPostgres.start(binaries.get());
    try (Connection admin = postgres.connect("postgres"); Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE mesh");
    }
    connection = postgres.connect("mesh");
    try (Statement statement = connection.createStatement()) {
      statement.execute(schemaScript());
    }
    analyzer = new StatementAnalyzer(ClientQueriesIT::table, "mesh");
  }

  @AfterAll
  static void stopPostgres() throws SQLException {
    if (connection != null) {
      connection.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  static List<ClientQueryFixture> fixtures() {
    return ClientQueryFixture.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void forwardedSqlReturnsWhatTheClientsTextReturns(ClientQueryFixture fixture) throws Exception {
    AnalyzedStatement statement = analyzer.analyze(fixture.sql(), List.of("$user", "public"));
    assertFalse(statement.requiresDecision());
    List<List<String>> expected = run(fixture.sql(), fixture.parameterLiterals());
    List<List<String>> actual = run(statement.passthroughSql(), fixture.parameterLiterals());
    assertEquals(expected, actual, "forwarded: " + statement.passthroughSql());
    if (MUST_RETURN_ROWS.contains(fixture.name())) {
      assertTrue(expected.size() > 1, fixture.name() + " found no rows");
    }
  }

  /** The column labels, then each row's values as text. */
  private static List<List<String>> run(String sql, List<String> parameterLiterals)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (parameterLiterals.isEmpty()) {
        try (ResultSet rows = statement.executeQuery(sql)) {
          return read(rows);
        }
      }
      // as the client sent it: a prepared statement with $n placeholders, then the values
      statement.execute("PREPARE fixture AS " + sql);
      try (ResultSet rows = statement.executeQuery(
          "EXECUTE fixture(" + String.join(", ", parameterLiterals) + ")")) {
        return read(rows);
      } finally {
        statement.execute("DEALLOCATE fixture");
      }
    }
  }

  private static List<List<String>> read(ResultSet rows) throws SQLException {
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

  /** Schema metadata from the server, as the proxy reads it. */
  private static Optional<TableSchema> table(String schema, String table) {
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

  private static String schemaScript() throws IOException {
    try (InputStream script = ClientQueriesIT.class.getResourceAsStream("/client-queries-schema.sql")) {
      return new String(script.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
