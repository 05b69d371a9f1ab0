package io.meshgate.proxy.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simple-protocol statements governed by shape (their literals spliced into the template of
 * their shape) answer exactly as the same statements governed as text. The "shape cache off"
 * spelling of a statement puts each literal in parentheses: the shape lifts only a literal right
 * after a comparison, so {@code = (42)} is governed as text, and Calcite drops the parentheses,
 * so the rewrite is the same statement's. The shape counters prove which path each took.
 */
class StatementShapesIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final String SHAPE_HITS = "meshgate_statement_cache_shape_hits_total";
  private static final String SHAPE_MISSES = "meshgate_statement_cache_shape_misses_total";

  /** Statements with %s for each literal, and the literals to put there, one list per run. */
  private record Case(String template, List<List<String>> literals) {}

  private static final List<Case> CASES = List.of(
      new Case("SELECT store_id, zip_code, region FROM sales.stores WHERE store_id = %s",
          List.of(List.of("1"), List.of("2"), List.of("17"), List.of("59"), List.of("007"), List.of("100000"))),
      new Case("SELECT customer_id, name, email, phone, birth_date FROM customers.customers WHERE customer_id = %s",
          List.of(List.of("1"), List.of("2"), List.of("1234"), List.of("1999"))),
      new Case("SELECT count(*), sum(amount) FROM sales.store_transactions WHERE store_id = %s",
          List.of(List.of("3"), List.of("4"), List.of("5"), List.of("60"))),
      new Case("SELECT day, amount, customer_email FROM sales.store_transactions WHERE store_id = %s"
          + " ORDER BY transaction_id LIMIT 5", List.of(List.of("8"), List.of("9"), List.of("10"))),
      new Case("SELECT count(*) FROM sales.store_transactions WHERE amount > %s AND store_id <> %s",
          List.of(List.of("10.50", "1"), List.of(".5", "2"), List.of("250.00", "3"))),
      new Case("SELECT store_id, region FROM sales.stores WHERE region = %s OR zip_code = %s ORDER BY 1",
          List.of(List.of("'EU'", "'x'"), List.of("'US'", "''"), List.of("'APAC'", "'it''s'"),
              // Hostile values: each must be one value, matching nothing.
              List.of("'EU'' OR ''1''=''1'", "'$1'"), List.of("'-- x'", "'/* x'"),
              List.of("'; SELECT 1; --'", "'back\\slash\\'"), List.of("'E''x'''", "'a'\n'b'"))),
      new Case("SELECT zip_code, avg_temp FROM weather.daily_temperatures WHERE zip_code = %s AND day = %s"
          + " ORDER BY 1, 2", List.of(List.of("'1011'", "'2024-01-01'"), List.of("'10115'", "'2024-01-02'"))));

  @TempDir static Path work;
  private static TestClients clients;

  @BeforeAll
  static void installClients() throws IOException {
    clients = TestClients.ensure(RepositoryRoot.find().orElseThrow(), work);
  }

  @Test
  void pgjdbcSimpleModeAnswersTheSameWithAndWithoutShapes() throws SQLException {
    int withRows = 0;
    for (String user : List.of("alice", "bob", "carol", "dave")) {
      try (Connection connection = mesh.connect(user, "preferQueryMode", "simple");
          Statement statement = connection.createStatement()) {
        for (Case shapeCase : CASES) {
          for (List<String> literals : shapeCase.literals()) {
            String shaped = shapeCase.template().formatted(literals.toArray());
            String asText = shapeCase.template().formatted(literals.stream().map(value -> "(" + value + ")")
                .toArray());
            double hitsBefore = counter(SHAPE_HITS) + counter(SHAPE_MISSES);
            String expected = answer(statement, asText);
            assertEquals(hitsBefore, counter(SHAPE_HITS) + counter(SHAPE_MISSES),
                "governed as text, without a shape: " + asText);
            assertEquals(expected, answer(statement, shaped), user + ": " + shaped);
            if (!expected.startsWith("error") && !expected.isEmpty()) {
              withRows++;
            }
            if (!expected.startsWith("error")) {
              // (A refused statement is refused before any template is looked at.)
              assertTrue(counter(SHAPE_HITS) + counter(SHAPE_MISSES) > hitsBefore, "governed by shape: " + shaped);
            }
          }
        }
      }
    }
    assertTrue(withRows >= 20, "only " + withRows + " statements answered with rows; the comparison proves little");
    // Once each shape has its template, its statements are spliced.
    assertTrue(counter(SHAPE_HITS) > counter(SHAPE_MISSES),
        "hits " + counter(SHAPE_HITS) + ", misses " + counter(SHAPE_MISSES));
  }

  @Test
  void aHostileStringIsOneValue() throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", "simple");
        Statement statement = alice.createStatement()) {
      // Prime the shape, then the injection attempt: spliced, it must match no row.
      answer(statement, "SELECT count(*) FROM sales.stores WHERE zip_code = 'x'");
      assertEquals("0", answer(statement, "SELECT count(*) FROM sales.stores WHERE zip_code = 'x'' OR ''1''=''1'"));
      assertTrue(Integer.parseInt(answer(statement, "SELECT count(*) FROM sales.stores WHERE region = 'EU'")) > 0);
    }
  }

  @Test
  void psqlAnswersTheSameWithAndWithoutShapes() throws IOException {
    for (String user : List.of("alice", "bob")) {
      for (Case shapeCase : CASES) {
        for (List<String> literals : shapeCase.literals()) {
          String shaped = shapeCase.template().formatted(literals.toArray());
          String asText = shapeCase.template().formatted(literals.stream().map(value -> "(" + value + ")").toArray());
          ClientRun expected = psql(user, asText);
          ClientRun actual = psql(user, shaped);
          assertEquals(expected.exitCode(), actual.exitCode(), actual.describe());
          assertEquals(expected.stdout(), actual.stdout(), shaped);
          assertEquals(expected.stderr(), actual.stderr(), shaped);
        }
      }
    }
  }

  private static ClientRun psql(String user, String sql) throws IOException {
    return ClientRun.start(List.of(clients.psql().toString(), "--no-psqlrc", "--quiet", "--no-align",
        "--tuples-only", "-c", sql), Map.of(
            "PGHOST", "127.0.0.1",
            "PGPORT", String.valueOf(mesh.environment().meshgate().port()),
            "PGDATABASE", mesh.environment().backend().database(),
            "PGUSER", user,
            "PGPASSWORD", user,
            "PGSSLMODE", "disable",
            "LC_ALL", "C.UTF-8"), work, Duration.ofSeconds(60));
  }

  /** The rows as text, or the error's SQLSTATE and message: what the client sees. */
  private static String answer(Statement statement, String sql) {
    try (ResultSet rows = statement.executeQuery(sql)) {
      ResultSetMetaData metadata = rows.getMetaData();
      List<String> lines = new ArrayList<>();
      while (rows.next()) {
        List<String> cells = new ArrayList<>();
        for (int column = 1; column <= metadata.getColumnCount(); column++) {
          cells.add(rows.getString(column));
        }
        lines.add(String.join("|", cells));
      }
      return String.join("\n", lines);
    } catch (SQLException e) {
      return "error " + e.getSQLState() + ": " + e.getMessage();
    }
  }

  /**
   * A statement whose every answer is cached is governed on the event loop, with no hop to a
   * worker thread; the first of its shape, and a statement after a policy-relevant change, go
   * to a worker. Both kinds of message: a simple Query and an extended-protocol Parse.
   */
  @Test
  void repeatedStatementsAreGovernedOnTheEventLoopAndNewOnesOnAWorker() throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", "simple");
        Statement statement = alice.createStatement()) {
      double loopBefore = governed("event_loop");
      double workerBefore = governed("worker");
      answer(statement, "SELECT store_id, region FROM sales.stores WHERE store_id = 4101");
      assertEquals(1, governed("worker") - workerBefore, "a new shape: governed on a worker");
      for (int store = 4102; store < 4107; store++) {
        answer(statement, "SELECT store_id, region FROM sales.stores WHERE store_id = " + store);
      }
      assertEquals(5, governed("event_loop") - loopBefore, "the same shape again: from memory, on the loop");
      assertEquals(1, governed("worker") - workerBefore);
    }
    try (Connection alice = mesh.connect("alice", "preferQueryMode", "extended", "prepareThreshold", "0");
        Statement statement = alice.createStatement()) {
      String sql = "SELECT zip_code FROM sales.stores WHERE store_id = 4201";
      answer(statement, sql);
      double loopBefore = governed("event_loop");
      double workerBefore = governed("worker");
      for (int round = 0; round < 3; round++) {
        answer(statement, sql);
      }
      assertEquals(3, governed("event_loop") - loopBefore, "the same Parse again: from memory, on the loop");
      assertEquals(0, governed("worker") - workerBefore);
    }
  }

  private static double governed(String where) {
    Double value = mesh.environment().meshgate().metrics().registry()
        .getSampleValue("meshgate_governed_messages_total", new String[] {"where"}, new String[] {where});
    return value == null ? 0 : value;
  }

  private static double counter(String name) {
    Double value = mesh.environment().meshgate().metrics().registry().getSampleValue(name);
    return value == null ? 0 : value;
  }
}
