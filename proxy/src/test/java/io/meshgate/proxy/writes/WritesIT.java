package io.meshgate.proxy.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditLog;
import io.meshgate.audit.AuditUsage;
import io.meshgate.audit.UsageRow;
import io.meshgate.proxy.DemoMesh;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes through Meshgate against real PostgreSQL and the demo policies: alice (analysts,
 * region EU) may insert, update and delete rows of sales.store_transactions in her region and
 * never write customer_email, which is masked for her. Every effect is checked on the backend
 * itself, as its superuser.
 */
class WritesIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final String ROW_FILTER_VIOLATION =
      "new row violates the row filters of relation sales.store_transactions";

  @Test
  void insertsOfHerRegionAreWrittenAndCounted() throws SQLException {
    try (Connection alice = mesh.connect("alice");
        PreparedStatement insert = alice.prepareStatement(
            "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (?, ?, ?, ?), (?, ?, ?, ?)")) {
      int store = euStore();
      Object[] values = {store, java.sql.Date.valueOf("2026-01-02"), new java.math.BigDecimal("12.50"), "EU",
          store, java.sql.Date.valueOf("2026-01-02"), new java.math.BigDecimal("13.50"), "EU"};
      for (int i = 0; i < values.length; i++) {
        insert.setObject(i + 1, values[i]);
      }
      assertEquals(2, insert.executeUpdate());
    }
    assertEquals(2, superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = DATE '2026-01-02'"));
    assertEquals(1, superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = DATE '2026-01-02'"
        + " AND amount = 12.50 AND customer_email IS NULL AND transaction_id IS NOT NULL"));
  }

  @Test
  void anInsertOutsideHerRegionIsRefusedAndWritesNothing() throws SQLException {
    long before = superuserCount("SELECT count(*) FROM sales.store_transactions");
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "INSERT INTO sales.store_transactions (store_id, day, amount, region)"
              + " VALUES (" + euStore() + ", DATE '2026-02-01', 1, 'EU'), (" + euStore() + ", DATE '2026-02-01', 1, 'US')"));
      assertEquals("42501", refused.getSQLState());
      assertTrue(refused.getMessage().contains(ROW_FILTER_VIOLATION), refused.getMessage());
      assertFalse(refused.getMessage().contains("meshgate_row_check"), refused.getMessage());
      // a NULL filter result counts as outside
      SQLException nullRegion = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, DATE '2026-02-01', 1, NULL)"));
      assertEquals("42501", nullRegion.getSQLState());
      // the session goes on
      try (ResultSet rows = statement.executeQuery("SELECT 1")) {
        assertTrue(rows.next());
      }
    }
    assertEquals(before, superuserCount("SELECT count(*) FROM sales.store_transactions"));
  }

  @Test
  void aRefusedWriteAbortsTheTransactionLikeAnyError() throws SQLException {
    long before = superuserCount("SELECT count(*) FROM sales.store_transactions");
    try (Connection alice = mesh.connect("alice")) {
      alice.setAutoCommit(false);
      try (Statement statement = alice.createStatement()) {
        assertEquals(1, statement.executeUpdate("INSERT INTO sales.store_transactions (store_id, day, amount, region)"
            + " VALUES (" + euStore() + ", DATE '2026-03-01', 5, 'EU')"));
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(
            "UPDATE sales.store_transactions SET region = 'US' WHERE day = DATE '2026-03-01'"));
        assertEquals("42501", refused.getSQLState());
        SQLException aborted = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT 1"));
        assertEquals("25P02", aborted.getSQLState());
      }
      alice.rollback();
    }
    assertEquals(before, superuserCount("SELECT count(*) FROM sales.store_transactions"));
  }

  @Test
  void updatesTouchOnlyRowsOfHerRegion() throws SQLException {
    String day = "DATE '2025-04-15'";
    long eu = superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = " + day + " AND region = 'EU'");
    long others = superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = " + day + " AND region <> 'EU'");
    assertTrue(eu > 0 && others > 0, "the demo data has sales of several regions that day");
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      assertEquals(eu, statement.executeUpdate(
          "UPDATE sales.store_transactions SET amount = 4242.42 WHERE day = " + day));
    }
    assertEquals(eu, superuserCount("SELECT count(*) FROM sales.store_transactions WHERE amount = 4242.42"));
    assertEquals(0, superuserCount("SELECT count(*) FROM sales.store_transactions WHERE amount = 4242.42 AND region <> 'EU'"));
  }

  @Test
  void anUpdateThatMovesARowOutOfHerRegionIsRefused() throws SQLException {
    String day = "DATE '2025-05-20'";
    long eu = superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = " + day + " AND region = 'EU'");
    try (Connection alice = mesh.connect("alice");
        PreparedStatement update = alice.prepareStatement(
            "UPDATE sales.store_transactions SET region = ? WHERE day = " + day)) {
      update.setString(1, "APAC");
      SQLException refused = assertThrows(SQLException.class, update::executeUpdate);
      assertEquals("42501", refused.getSQLState());
      assertTrue(refused.getMessage().contains(ROW_FILTER_VIOLATION), refused.getMessage());
      // staying in the region is fine, and an update that matches nothing checks nothing
      update.setString(1, "EU");
      assertEquals(eu, update.executeUpdate());
    }
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      assertEquals(0, statement.executeUpdate(
          "UPDATE sales.store_transactions SET region = 'US' WHERE day = DATE '1999-01-01'"));
    }
    assertEquals(eu, superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = " + day + " AND region = 'EU'"));
  }

  @Test
  void deletesRemoveOnlyRowsOfHerRegion() throws SQLException {
    String day = "DATE '2025-07-07'";
    long eu = superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = " + day + " AND region = 'EU'");
    long others = superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = " + day + " AND region <> 'EU'");
    assertTrue(eu > 0 && others > 0, "the demo data has sales of several regions that day");
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      assertEquals(eu, statement.executeUpdate("DELETE FROM sales.store_transactions WHERE day = " + day));
    }
    assertEquals(0, superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = " + day + " AND region = 'EU'"));
    assertEquals(others, superuserCount("SELECT count(*) FROM sales.store_transactions WHERE day = " + day));
  }

  @Test
  void writingAMaskedColumnIsRefused() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      for (String sql : List.of(
          "INSERT INTO sales.store_transactions (store_id, day, amount, region, customer_email) VALUES (1, DATE '2026-01-01', 1, 'EU', 'a@b.org')",
          "UPDATE sales.store_transactions SET customer_email = 'a@b.org' WHERE day = DATE '2025-08-01'")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(sql));
        assertEquals("42501", refused.getSQLState(), sql);
        assertTrue(refused.getMessage().contains("permission denied to write column customer_email"), refused.getMessage());
      }
    }
  }

  @Test
  void returningShowsMaskedValues() throws SQLException {
    String day = "DATE '2025-09-09'";
    List<String> raw = mesh.backendColumn("SELECT customer_email FROM sales.store_transactions WHERE day = " + day
        + " AND region = 'EU' ORDER BY transaction_id");
    assertFalse(raw.isEmpty());
    List<String> returned = new ArrayList<>();
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement();
        ResultSet rows = statement.executeQuery("UPDATE sales.store_transactions SET amount = amount WHERE day = " + day
            + " RETURNING *")) {
      assertEquals("customer_email", rows.getMetaData().getColumnName(5));
      while (rows.next()) {
        returned.add(rows.getString("customer_email"));
      }
    }
    assertEquals(raw.size(), returned.size());
    for (String value : returned) {
      assertTrue(value.startsWith("xxxx@"), value);
      assertFalse(raw.contains(value), value);
    }
  }

  @Test
  void aConditionOnAMaskedColumnComparesMaskedValues() throws SQLException {
    String rawEmail = mesh.backendColumn("SELECT customer_email FROM sales.store_transactions WHERE region = 'EU'"
        + " AND day = DATE '2025-10-10' ORDER BY transaction_id LIMIT 1").get(0);
    String masked = "xxxx@" + rawEmail.substring(rawEmail.indexOf('@') + 1);
    long sameDomain = superuserCount("SELECT count(*) FROM sales.store_transactions WHERE region = 'EU'"
        + " AND day = DATE '2025-10-10' AND customer_email LIKE '%@" + rawEmail.substring(rawEmail.indexOf('@') + 1) + "'");
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      assertEquals(0, statement.executeUpdate("UPDATE sales.store_transactions SET amount = amount"
          + " WHERE day = DATE '2025-10-10' AND customer_email = '" + rawEmail + "'"));
      assertEquals(sameDomain, statement.executeUpdate("DELETE FROM sales.store_transactions"
          + " WHERE day = DATE '2025-10-10' AND customer_email = '" + masked + "'"));
    }
  }

  @Test
  void writesTheirDomainDoesNotGrantAreRefused() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Connection carol = mesh.connect("carol");
        Connection bob = mesh.connect("bob")) {
      assertDenied(alice, "INSERT INTO sales.stores (store_id, zip_code, region) VALUES (999, '10115', 'EU')");
      assertDenied(carol, "UPDATE sales.store_transactions SET amount = 0");
      assertDenied(bob, "DELETE FROM weather.daily_temperatures");
      assertDenied(alice, "DELETE FROM customers.customers");
    }
    assertEquals(0, superuserCount("SELECT count(*) FROM sales.stores WHERE store_id = 999"));
  }

  @Test
  void updateFromReadsOtherTablesThroughTheirPolicies() throws SQLException {
    // stores of other regions are invisible to alice, so joining them matches nothing
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      assertEquals(0, statement.executeUpdate("UPDATE sales.store_transactions t SET amount = t.amount"
          + " FROM sales.stores s WHERE s.store_id = t.store_id AND s.region = 'US'"));
      long eu = superuserCount("SELECT count(*) FROM sales.store_transactions t JOIN sales.stores s"
          + " ON s.store_id = t.store_id WHERE t.day = DATE '2025-11-11' AND t.region = 'EU'");
      assertEquals(eu, statement.executeUpdate("UPDATE sales.store_transactions t SET amount = t.amount"
          + " FROM sales.stores s WHERE s.store_id = t.store_id AND t.day = DATE '2025-11-11'"));
    }
  }

  @Test
  void scalarSubqueriesInSetAndReturningRun() throws SQLException {
    long id = superuserCount("SELECT min(transaction_id) FROM sales.store_transactions WHERE region = 'EU'"
        + " AND day = DATE '2025-12-12'");
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement();
        ResultSet rows = statement.executeQuery("UPDATE sales.store_transactions t SET amount ="
            + " (SELECT count(*) FROM sales.stores s WHERE s.store_id = t.store_id) WHERE t.transaction_id = " + id
            + " RETURNING (SELECT count(*) FROM sales.stores), t.amount")) {
      assertTrue(rows.next());
      assertEquals(superuserCount("SELECT count(*) FROM sales.stores WHERE region = 'EU'"), rows.getLong(1));
      assertEquals(1, rows.getLong(2));
      assertFalse(rows.next());
    }
  }

  /**
   * A new row outside the row filters is the policy refusing the write, although Meshgate's
   * check refuses it inside the backend: the audit event says denied (42501, the decision that
   * allowed the statement and the SQL that ran), so the usage report counts it among the
   * denials, in the simple protocol (alone and after another statement of the same query) and
   * the extended one. An error of the statement itself stays failed.
   */
  @Test
  void aNewRowOutsideTheFiltersIsAuditedAsDenied() throws SQLException, IOException {
    String marker = "m" + java.util.UUID.randomUUID().toString().replace("-", "");
    // the marker inside the statement: a statement split from a query does not keep a trailing comment
    int store = euStore();
    java.util.function.Function<String, String> outside = label -> "INSERT INTO sales.store_transactions /* "
        + marker + " " + label + " */ (store_id, day, amount, region) VALUES (" + store + ", DATE '2026-02-03', 1, 'US')";
    long denialsBefore = todaysDenials();
    for (String mode : List.of("simple", "extended")) {
      try (Connection alice = mesh.connect("alice", "preferQueryMode", mode); Statement statement = alice.createStatement()) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(outside.apply(mode)));
        assertEquals("42501", refused.getSQLState());
        SQLException failed = assertThrows(SQLException.class, () -> statement.executeUpdate(
            "UPDATE sales.store_transactions /* " + marker + " failed " + mode + " */ SET amount = 1 / 0 WHERE region = 'EU'"));
        assertEquals("22012", failed.getSQLState());
      }
    }
    try (Connection alice = mesh.connect("alice", "preferQueryMode", "simple"); Statement statement = alice.createStatement()) {
      SQLException refused = assertThrows(SQLException.class,
          () -> statement.execute("SELECT 1; " + outside.apply("second of two")));
      assertEquals("42501", refused.getSQLState());
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.environment().auditFile())) {
      JsonNode event = new ObjectMapper().readTree(line);
      if (event.path("sql").asText().contains(marker)) {
        events.add(event);
      }
    }
    List<String> outcomes = events.stream()
        .map(event -> event.path("sql").asText().replaceAll("(?s).*" + marker + " (.*?) \\*/.*", "$1")
            + ": " + event.path("outcome").path("status").asText() + " " + event.path("outcome").path("sql_state").asText())
        .sorted()
        .toList();
    assertEquals(List.of(
        "extended: denied 42501", "failed extended: failed 22012", "failed simple: failed 22012",
        "second of two: denied 42501", "simple: denied 42501"), outcomes);
    for (JsonNode event : events) {
      if (event.path("outcome").path("status").asText().equals("denied")) {
        assertTrue(event.path("decision").path("allow").asBoolean(), event.toString());
        assertFalse(event.path("rewritten_sql").isNull(), event.toString());
        assertTrue(event.path("outcome").path("message").asText().contains(ROW_FILTER_VIOLATION), event.toString());
      }
    }
    assertEquals(denialsBefore + 3, todaysDenials());
  }

  /**
   * A masked column keeps the output name PostgreSQL gives it without Meshgate, however the
   * statement names it: in RETURNING (the mask stands in for the column there) directly, cast,
   * or through a scalar subquery, which PostgreSQL names after the subquery's column, and in
   * queries through subqueries. Each statement runs in a transaction rolled back, through
   * Meshgate as alice (customer_email masked) and directly as the superuser.
   */
  @Test
  void outputColumnsKeepTheNamesPostgresGivesThem() throws SQLException {
    int store = euStore();
    List<String> statements = List.of(
        "SELECT customer_email FROM sales.store_transactions LIMIT 1",
        "SELECT (SELECT customer_email FROM sales.store_transactions LIMIT 1)",
        "SELECT (SELECT t.customer_email), t.customer_email::text FROM sales.store_transactions t LIMIT 1",
        "SELECT s.customer_email, (SELECT s.customer_email) FROM (SELECT customer_email FROM sales.store_transactions) s LIMIT 1",
        "UPDATE sales.store_transactions t SET amount = t.amount WHERE t.store_id = " + store
            + " RETURNING (SELECT t.customer_email), t.customer_email, t.customer_email::text,"
            + " (SELECT t.customer_email AS e), upper(t.customer_email), (SELECT (SELECT t.customer_email))",
        "DELETE FROM sales.store_transactions t WHERE t.store_id = " + store
            + " RETURNING (SELECT t.customer_email), CAST(customer_email AS varchar)",
        "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (" + store
            + ", DATE '2026-05-01', 1, 'EU') RETURNING (SELECT customer_email), customer_email");
    for (String sql : statements) {
      try (Connection alice = mesh.connect("alice"); Connection backend = mesh.backendAsSuperuser()) {
        assertEquals(columnLabels(backend, sql), columnLabels(alice, sql), sql);
      }
    }
  }

  private static List<String> columnLabels(Connection connection, String sql) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      List<String> labels = new ArrayList<>();
      for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
        labels.add(rows.getMetaData().getColumnLabel(i));
      }
      return labels;
    } finally {
      connection.rollback();
    }
  }

  /** The usage report's denials of sales.store_transactions today, over the whole audit log. */
  private static long todaysDenials() throws IOException {
    return AuditUsage.report(AuditLog.of(mesh.environment().auditFile()), Optional.of("sales")).rows().stream()
        .filter(row -> row.relation().equals("mesh.sales.store_transactions")
            && row.day().equals(java.time.LocalDate.now(java.time.ZoneOffset.UTC)))
        .mapToLong(UsageRow::denials)
        .sum();
  }

  private static void assertDenied(Connection connection, String sql) {
    SQLException refused = assertThrows(SQLException.class, () -> {
      try (Statement statement = connection.createStatement()) {
        statement.executeUpdate(sql);
      }
    });
    assertEquals("42501", refused.getSQLState(), sql);
  }

  private static int euStore() throws SQLException {
    return (int) superuserCount("SELECT min(store_id) FROM sales.stores WHERE region = 'EU'");
  }

  private static long superuserCount(String sql) throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

}
