package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
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
      "pgjdbc-get-primary-keys", "pgjdbc-get-index-info", "pgjdbc-get-imported-keys-02",
      "dbeaver-connect-07", "dbeaver-navigator-sales-01", "dbeaver-navigator-sales-03",
      "dbeaver-navigator-sales-04", "dbeaver-navigator-sales-05", "dbeaver-navigator-sales-07",
      "dbeaver-table-events-02", "pgadmin-tables-nodes", "pgadmin-tables-properties",
      "pgadmin-columns-properties", "npgsql-load-types", "npgsql-load-composite-types",
      "npgsql-load-enum-fields", "asyncpg-introspect-types-02", "metabase-describe-tables",
      "metabase-describe-fields", "metabase-describe-fks", "metabase-table-privileges",
      "grafana-tables", "grafana-columns-sales-stores", "psqlodbc-sqltables-sales",
      "psqlodbc-sqlcolumns-sales-stores", "psqlodbc-sqlprimarykeys-sales-stores");

  private static ThrowawayPostgres postgres;
  private static Connection connection;
  private static StatementAnalyzer analyzer;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = ThrowawayPostgres.withMeshDatabase();
    connection = postgres.connect("mesh");
    try (Statement statement = connection.createStatement()) {
      statement.execute(schemaScript());
    }
    analyzer = new StatementAnalyzer(ServerTables.of(connection), "mesh");
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
          return QueryResults.read(rows);
        }
      }
      // as the client sent it: a prepared statement with $n placeholders, then the values
      statement.execute("PREPARE fixture AS " + sql);
      try (ResultSet rows = statement.executeQuery(
          "EXECUTE fixture(" + String.join(", ", parameterLiterals) + ")")) {
        return QueryResults.read(rows);
      } finally {
        statement.execute("DEALLOCATE fixture");
      }
    }
  }

  private static String schemaScript() throws IOException {
    try (InputStream script = ClientQueriesIT.class.getResourceAsStream("/client-queries-schema.sql")) {
      return new String(script.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
