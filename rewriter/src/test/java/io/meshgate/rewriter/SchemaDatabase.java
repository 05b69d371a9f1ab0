package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Decision;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension for tests that compare a client's text with what Meshgate forwards for it:
 * a {@link ThrowawayPostgres} whose database {@code mesh} holds the test's schema, an analyzer
 * reading that server's tables, and a way to run SQL on it.
 */
final class SchemaDatabase implements BeforeAllCallback, AfterAllCallback {
  private final String schema;
  private ThrowawayPostgres postgres;
  private Connection connection;
  private StatementAnalyzer analyzer;

  SchemaDatabase(String schema) {
    this.schema = requireNonNull(schema, "schema is null");
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    postgres = ThrowawayPostgres.withMeshDatabase();
    connection = postgres.connect("mesh");
    try (Statement statement = connection.createStatement()) {
      statement.execute(schema);
    }
    analyzer = new StatementAnalyzer(ServerTables.of(connection), "mesh");
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    if (connection != null) {
      connection.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  StatementAnalyzer analyzer() {
    return analyzer;
  }

  /** The column labels, then each row's values as text, from the last statement. */
  List<List<String>> run(String... sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (int i = 0; i < sql.length - 1; i++) {
        statement.execute(sql[i]);
      }
      try (ResultSet rows = statement.executeQuery(sql[sql.length - 1])) {
        return QueryResults.read(rows);
      }
    }
  }

  /**
   * Runs {@code sql} in order on this database's one session and returns the messages of the
   * notices (NoticeResponse: NOTICE, LOG, DEBUG...), with their details, the backend sent the
   * client meanwhile.
   */
  List<String> notices(String... sql) throws SQLException {
    List<String> messages = new java.util.ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
        for (java.sql.SQLWarning warning = statement.getWarnings(); warning != null;
            warning = warning.getNextWarning()) {
          String detail = warning instanceof org.postgresql.util.PSQLWarning notice
              && notice.getServerErrorMessage() != null && notice.getServerErrorMessage().getDetail() != null
              ? "\n" + notice.getServerErrorMessage().getDetail() : "";
          messages.add(warning.getMessage() + detail);
        }
        statement.clearWarnings();
      }
    }
    return List.copyOf(messages);
  }

  /** What Meshgate forwards for {@code sql} with no policy, read against this database. */
  String forwarded(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, List.of("public")).rewrite(Decisions.allow().build());
  }

  /** What {@code sql} returns when Meshgate forwards it under {@code decision}. */
  List<List<String>> runGoverned(String sql, Decision decision) throws Exception {
    return run(analyzer.analyze(sql, List.of("public")).rewrite(decision));
  }

  /** The client's text and what Meshgate forwards for it return the same rows (some). */
  void assertForwardedReturnsTheSame(String sql) throws Exception {
    String rewritten = forwarded(sql);
    List<List<String>> expected = run(sql);
    assertTrue(expected.size() > 1, "the statement should find rows: " + expected);
    assertEquals(expected, run(rewritten), "forwarded: " + rewritten);
  }

  /** The client's text and what Meshgate forwards for it fail with the same error. */
  void assertForwardedFailsTheSame(String sql) throws Exception {
    String rewritten = forwarded(sql);
    SQLException client = assertThrows(SQLException.class, () -> run(sql));
    SQLException forwarded = assertThrows(SQLException.class, () -> run(rewritten), rewritten);
    assertEquals(client.getSQLState(), forwarded.getSQLState());
    assertEquals(firstLine(client.getMessage()), firstLine(forwarded.getMessage()));
  }

  private static String firstLine(String message) {
    return message.strip().lines().findFirst().orElse("");
  }
}
