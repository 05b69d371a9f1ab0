package io.meshgate.proxy.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.proxy.DemoMesh;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several statements in one simple Query (pgjdbc with preferQueryMode=simple sends them as
 * one message): every statement is governed, each is audited on its own, and a message with
 * one refused statement runs nothing at all.
 */
class MultiStatementIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Connection simple(String user) throws SQLException {
    return mesh.connect(user, "preferQueryMode", "simple");
  }

  private static long backendCount(String sql) throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }


  /** Every result set of one execute, each as its rows' first column. */
  private static List<List<String>> results(Statement statement, String sql) throws SQLException {
    List<List<String>> results = new ArrayList<>();
    boolean isResultSet = statement.execute(sql);
    while (true) {
      if (isResultSet) {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.getResultSet()) {
          while (result.next()) {
            rows.add(result.getString(1));
          }
        }
        results.add(rows);
      } else if (statement.getUpdateCount() == -1) {
        return results;
      }
      isResultSet = statement.getMoreResults();
    }
  }

  private static List<JsonNode> auditEvents(String marker) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.environment().auditFile())) {
      JsonNode event = JSON.readTree(line);
      if (event.path("sql").asText().contains(marker)) {
        events.add(event);
      }
    }
    return events;
  }

  @Test
  void filtersAndMasksHoldInEveryStatement() throws SQLException, IOException {
    String marker = "m" + UUID.randomUUID().toString().replace("-", "");
    Set<String> rawEmails = new HashSet<>(mesh.backendColumn("SELECT customer_email FROM sales.store_transactions"));
    try (Connection alice = simple("alice"); Statement statement = alice.createStatement()) {
      List<List<String>> results = results(statement,
          "SELECT count(*) AS " + marker + " FROM sales.store_transactions;"
              + " SELECT customer_email AS " + marker + " FROM sales.store_transactions ORDER BY 1 LIMIT 50;"
              + " SELECT count(*) AS " + marker + " FROM sales.stores");
      assertEquals(3, results.size(), results.toString());
      assertEquals(List.of(String.valueOf(backendCount(
          "SELECT count(*) FROM sales.store_transactions WHERE region = 'EU'"))), results.get(0));
      assertEquals(50, results.get(1).size());
      for (String email : results.get(1)) {
        assertFalse(rawEmails.contains(email), "a raw address leaked: " + email);
        assertTrue(email.matches("x+@[^@]+"), email);
      }
      assertEquals(List.of(String.valueOf(backendCount("SELECT count(*) FROM sales.stores WHERE region = 'EU'"))),
          results.get(2));
    }
    List<JsonNode> events = auditEvents(marker);
    assertEquals(3, events.size(), "one audit event per statement: " + events);
    assertEquals(List.of("ok", "ok", "ok"), events.stream().map(event -> event.at("/outcome/status").asText()).toList());
    assertEquals(List.of(1L, 50L, 1L), events.stream().map(event -> event.at("/outcome/rows").asLong()).toList());
    for (JsonNode event : events) {
      assertTrue(event.path("rewritten_sql").asText().contains("\"region\" IN ('EU')"), event.toString());
      assertFalse(event.path("sql").asText().contains(";"), "each event holds its own statement: " + event);
    }
  }

  @Test
  void oneDeniedStatementRefusesTheWholeMessageAndNothingRuns() throws SQLException, IOException {
    String marker = "trace_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection alice = simple("alice"); Statement statement = alice.createStatement()) {
      // PREPARE is not transactional: had Meshgate forwarded the first statement, the
      // prepared statement would outlive the error of the second.
      SQLException refusal = assertThrows(SQLException.class, () -> statement.execute(
          "PREPARE " + marker + " AS SELECT 1; SELECT count(*) FROM weather.stations_raw; SELECT 2"));
      assertEquals("42501", refusal.getSQLState());
      assertTrue(refusal.getMessage().contains("statement 2 of 3 of the query: permission denied"), refusal.getMessage());
      // DEALLOCATE goes to the backend as written (pg_prepared_statements is not readable
      // through Meshgate: it shows statements as rewritten)
      SQLException absent = assertThrows(SQLException.class, () -> statement.execute("DEALLOCATE " + marker));
      assertEquals("26000", absent.getSQLState(), "nothing of the refused message ran: " + absent.getMessage());
    }
    List<JsonNode> message = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.environment().auditFile())) {
      JsonNode event = JSON.readTree(line);
      String sql = event.path("sql").asText();
      if (sql.equals("PREPARE " + marker + " AS SELECT 1") || sql.equals("SELECT count(*) FROM weather.stations_raw")
          || sql.equals("SELECT 2")) {
        message.add(event);
      }
    }
    List<JsonNode> mine = message.subList(Math.max(0, message.size() - 3), message.size());
    assertEquals(List.of("failed", "denied", "failed"),
        mine.stream().map(event -> event.at("/outcome/status").asText()).toList(), mine.toString());
    assertTrue(mine.get(0).at("/outcome/message").asText().startsWith("not forwarded: statement 2 of 3"));
    assertTrue(mine.stream().allMatch(event -> event.path("rewritten_sql").isNull()), mine.toString());
  }

  @Test
  void anExecuteSeesWhatAnEarlierStatementOfTheSameQueryPrepared() throws SQLException, IOException {
    String marker = "p" + UUID.randomUUID().toString().replace("-", "");
    long euRows = backendCount("SELECT count(*) FROM sales.store_transactions WHERE region = 'EU'");
    try (Connection alice = simple("alice"); Statement statement = alice.createStatement()) {
      // As PostgreSQL runs them: the PREPARE runs first, so the EXECUTE after it finds it.
      assertEquals(List.of(List.of(String.valueOf(euRows))), results(statement,
          "PREPARE " + marker + " AS SELECT count(*) FROM sales.store_transactions; EXECUTE " + marker
              + "; DEALLOCATE " + marker));
      // A DEALLOCATE earlier in the query removes it for the statements after it, and the
      // whole query is refused before anything runs.
      statement.execute("PREPARE " + marker + " AS SELECT 1");
      SQLException gone = assertThrows(SQLException.class,
          () -> statement.execute("DEALLOCATE " + marker + "; EXECUTE " + marker));
      assertEquals("26000", gone.getSQLState());
      assertTrue(gone.getMessage().contains("statement 2 of 2 of the query: prepared statement \"" + marker
          + "\" does not exist"), gone.getMessage());
      assertEquals(List.of(List.of("1")), results(statement, "EXECUTE " + marker),
          "the refused query ran nothing, so the statement is still prepared");
      // And a DEALLOCATE ALL removes every name prepared before the query.
      SQLException allGone = assertThrows(SQLException.class,
          () -> statement.execute("DEALLOCATE ALL; EXECUTE " + marker));
      assertEquals("26000", allGone.getSQLState());
    }
    List<JsonNode> executes = auditEvents(marker).stream()
        .filter(event -> event.path("sql").asText().startsWith("EXECUTE")).toList();
    JsonNode first = executes.get(0);
    assertEquals("ok", first.at("/outcome/status").asText(), first.toString());
    assertEquals("sales.store_transactions", first.at("/relations/0/relation").asText().replaceFirst("^[^.]*\\.", ""),
        "audited with the prepared statement's relations: " + first);
    assertFalse(first.at("/relations/0/row_filters").isEmpty(), first.toString());
  }

  @Test
  void anErrorAtTheBackendEndsTheMessageAndTheRestIsAuditedAsNotExecuted() throws SQLException, IOException {
    String marker = "e" + UUID.randomUUID().toString().replace("-", "");
    try (Connection carol = simple("carol"); Statement statement = carol.createStatement()) {
      SQLException error = assertThrows(SQLException.class, () -> statement.execute(
          "SELECT 1 AS " + marker + "; SELECT 1 / 0 AS " + marker + "; SELECT 3 AS " + marker));
      assertEquals("22012", error.getSQLState());
      // the session goes on
      assertEquals(List.of(List.of("4")), results(statement, "SELECT 4"));
    }
    List<JsonNode> events = auditEvents(marker);
    assertEquals(List.of("ok", "failed", "failed"),
        events.stream().map(event -> event.at("/outcome/status").asText()).toList(), events.toString());
    assertEquals("22012", events.get(1).at("/outcome/sql_state").asText());
    assertTrue(events.get(2).at("/outcome/message").asText().startsWith("not executed"), events.get(2).toString());
  }

  @Test
  void statementsOfOneMessageShareItsImplicitTransaction() throws SQLException {
    try (Connection carol = simple("carol"); Statement statement = carol.createStatement()) {
      List<List<String>> results = results(statement,
          "SELECT txid_current()::text; SELECT count(*) FROM customers.customers; SELECT txid_current()::text");
      assertEquals(3, results.size());
      assertEquals(results.get(0), results.get(2), "one transaction, as PostgreSQL runs a multi-statement query");
      assertEquals(List.of(String.valueOf(backendCount("SELECT count(*) FROM customers.customers"))), results.get(1));
    }
  }
}
