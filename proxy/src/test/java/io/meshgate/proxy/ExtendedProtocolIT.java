package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgjdbc in its default mode: the extended query protocol, server-prepared statements past
 * prepareThreshold, binary transfer, cursors with a fetch size (PortalSuspended), and
 * refusals in the middle of a transaction behaving as PostgreSQL's own errors do.
 */
class ExtendedProtocolIT {
  @TempDir static Path work;
  private static DemoEnvironment demo;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void startDemo() throws IOException {
    Path root = RepositoryRoot.find().orElseThrow();
    demo = DemoEnvironment.start(new DemoEnvironment.Settings(root, work, 0, Optional.empty(), Duration.ofSeconds(5)));
  }

  @AfterAll
  static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  private static Connection connect(String user, String... extra) throws SQLException {
    return DemoLogins.connect(
        "jdbc:postgresql://127.0.0.1:" + demo.meshgate().port() + "/" + demo.backend().database(), user, extra);
  }

  @Test
  void preparedStatementsWithParametersStayGovernedPastThePrepareThreshold() throws SQLException {
    try (Connection alice = connect("alice", "prepareThreshold", "2");
        PreparedStatement statement = alice.prepareStatement(
            "SELECT count(*) FROM sales.store_transactions WHERE region <> ? AND amount > ?")) {
      for (int i = 0; i < 8; i++) {
        statement.setString(1, "EU");
        statement.setBigDecimal(2, java.math.BigDecimal.valueOf(i));
        try (ResultSet rows = statement.executeQuery()) {
          assertTrue(rows.next());
          assertEquals(0, rows.getLong(1), "execution " + i);
        }
      }
    }
  }

  @Test
  void binaryTransferOfTypedValues() throws SQLException {
    try (Connection carol = connect("carol", "prepareThreshold", "1", "binaryTransfer", "true");
        PreparedStatement statement = carol.prepareStatement(
            "SELECT store_id, day, amount FROM sales.store_transactions WHERE day = ? ORDER BY transaction_id LIMIT 5");
        Connection backend = demo.postgres().connectAsSuperuser(demo.backend().database());
        PreparedStatement direct = backend.prepareStatement(
            "SELECT store_id, day, amount FROM sales.store_transactions WHERE day = ? ORDER BY transaction_id LIMIT 5")) {
      for (int i = 0; i < 3; i++) {
        Date day = Date.valueOf(LocalDate.of(2025, 7, 1 + i));
        statement.setDate(1, day);
        direct.setDate(1, day);
        assertEquals(rows(direct), rows(statement));
      }
    }
  }

  private static List<String> rows(PreparedStatement statement) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        values.add(rows.getInt(1) + "|" + rows.getDate(2) + "|" + rows.getBigDecimal(3));
      }
    }
    assertFalse(values.isEmpty());
    return values;
  }

  @Test
  void cursorFetchesInPortionsAndMasksHold() throws SQLException {
    try (Connection alice = connect("alice"); Connection backend = demo.postgres().connectAsSuperuser(demo.backend().database())) {
      Set<String> raw = new HashSet<>();
      try (Statement statement = backend.createStatement();
          ResultSet rows = statement.executeQuery("SELECT email FROM customers.customers")) {
        while (rows.next()) {
          raw.add(rows.getString(1));
        }
      }
      alice.setAutoCommit(false);
      int count = 0;
      try (PreparedStatement statement = alice.prepareStatement("SELECT email, region FROM customers.customers")) {
        statement.setFetchSize(25);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            count++;
            assertFalse(raw.contains(rows.getString(1)), rows.getString(1));
            assertEquals("EU", rows.getString(2));
          }
        }
      }
      alice.commit();
      assertTrue(count > 25, "fetched in several portions: " + count);
    }
  }

  @Test
  void aRefusalInsideATransactionAbortsItLikeAnyError() throws SQLException {
    try (Connection alice = connect("alice")) {
      alice.setAutoCommit(false);
      try (Statement statement = alice.createStatement()) {
        statement.executeQuery("SELECT count(*) FROM sales.stores").close();
        SQLException denied = assertThrows(SQLException.class,
            () -> statement.executeQuery("SELECT * FROM weather.stations_raw"));
        assertEquals("42501", denied.getSQLState());
        assertTrue(denied.getMessage().contains("weather"), denied.getMessage());
        SQLException aborted = assertThrows(SQLException.class,
            () -> statement.executeQuery("SELECT count(*) FROM sales.stores"));
        assertEquals("25P02", aborted.getSQLState(), "the backend's transaction is aborted too");
        alice.rollback();
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.stores")) {
          assertTrue(rows.next());
          assertTrue(rows.getLong(1) > 0);
        }
      }
      alice.commit();
    }
  }

  @Test
  void deniedPreparedStatementLeavesTheSessionUsable() throws SQLException {
    try (Connection alice = connect("alice")) {
      SQLException denied = assertThrows(SQLException.class, () -> {
        try (PreparedStatement statement = alice.prepareStatement("SELECT * FROM weather.stations_raw WHERE zip_code = ?")) {
          statement.setString(1, "10115");
          statement.executeQuery().close();
        }
      });
      assertEquals("42501", denied.getSQLState());
      try (PreparedStatement statement = alice.prepareStatement("SELECT count(*) FROM weather.daily_temperatures WHERE zip_code <> ?")) {
        statement.setString(1, "x");
        try (ResultSet rows = statement.executeQuery()) {
          assertTrue(rows.next());
          assertTrue(rows.getLong(1) > 0);
        }
      }
    }
  }

  @Test
  void batchesArePipelinedBeforeOneSync() throws SQLException {
    try (Connection carol = connect("carol"); Statement statement = carol.createStatement()) {
      statement.addBatch("SET extra_float_digits = 3");
      statement.addBatch("SET TimeZone = 'Europe/Berlin'");
      statement.addBatch("SET search_path = sales, public");
      assertEquals(3, statement.executeBatch().length);
      try (ResultSet rows = statement.executeQuery("SHOW TimeZone")) {
        assertTrue(rows.next());
        assertEquals("Europe/Berlin", rows.getString(1));
      }
      // a batch with a refused statement fails as a whole, and the session goes on
      statement.addBatch("SET extra_float_digits = 2");
      statement.addBatch("SET ROLE postgres");
      java.sql.BatchUpdateException refused = assertThrows(java.sql.BatchUpdateException.class, statement::executeBatch);
      assertEquals("42501", refused.getSQLState());
      try (ResultSet rows = statement.executeQuery("SELECT current_user")) {
        assertTrue(rows.next());
        assertEquals("meshgate_service", rows.getString(1));
      }
    }
  }

  /**
   * At LOG level the backend would send the client the SQL Meshgate forwards (a server that logs
   * statements sends each one), and debug_print_plan the plan with its estimates.
   */
  @Test
  void settingsThatWouldSendTheForwardedSqlToTheClientAreRefused() throws SQLException {
    try (Connection alice = connect("alice"); Statement statement = alice.createStatement()) {
      for (String set : List.of("SET client_min_messages = log", "SET client_min_messages TO debug1",
          "SET debug_print_plan = on")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.execute(set), set);
        assertEquals("42501", refused.getSQLState(), set);
      }
      statement.execute("SET client_min_messages = warning");
      try (ResultSet rows = statement.executeQuery("SELECT email FROM customers.customers")) {
        assertTrue(rows.next());
      }
      assertNull(statement.getWarnings());
    }
  }

  @Test
  void databaseMetaDataBrowsesTheSchema() throws SQLException {
    try (Connection alice = connect("alice")) {
      java.sql.DatabaseMetaData metaData = alice.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = metaData.getTables(null, "sales", "%", new String[] {"TABLE"})) {
        while (rows.next()) {
          tables.add(rows.getString("TABLE_NAME"));
        }
      }
      assertTrue(tables.containsAll(List.of("stores", "store_transactions")), tables.toString());
      List<String> columns = new ArrayList<>();
      try (ResultSet rows = metaData.getColumns(null, "customers", "customers", "%")) {
        while (rows.next()) {
          columns.add(rows.getString("COLUMN_NAME"));
        }
      }
      assertEquals(List.of("customer_id", "name", "email", "phone", "birth_date", "region"), columns);
      try (ResultSet rows = metaData.getPrimaryKeys(null, "sales", "stores")) {
        assertTrue(rows.next());
        assertEquals("store_id", rows.getString("COLUMN_NAME"));
      }
    }
  }

  @Test
  void copyOutIsGovernedLikeASelect() throws Exception {
    try (Connection alice = connect("alice")) {
      org.postgresql.copy.CopyManager copy = alice.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
      java.io.StringWriter out = new java.io.StringWriter();
      long rows = copy.copyOut("COPY (SELECT customer_id, email, region FROM customers.customers) TO STDOUT WITH (FORMAT csv)", out);
      assertTrue(rows > 0);
      String[] lines = out.toString().split("\n");
      assertEquals(rows, lines.length);
      for (String line : lines) {
        String[] cells = line.split(",");
        assertTrue(cells[1].startsWith("xxxx@"), line);
        assertEquals("EU", cells[2], line);
      }
      java.io.StringWriter table = new java.io.StringWriter();
      long stores = copy.copyOut("COPY sales.stores TO STDOUT", table);
      assertTrue(stores > 0);
      assertTrue(table.toString().lines().allMatch(line -> line.endsWith("\tEU")), table.toString());
      SQLException denied = assertThrows(SQLException.class,
          () -> copy.copyOut("COPY weather.stations_raw TO STDOUT", new java.io.StringWriter()));
      assertEquals("42501", denied.getSQLState());
      SQLException copyIn = assertThrows(SQLException.class,
          () -> copy.copyIn("COPY sales.stores FROM STDIN", new java.io.StringReader("1\t1\tEU\n")));
      assertTrue(List.of("42501", "0A000").contains(copyIn.getSQLState()), copyIn.getSQLState());
    }
  }

  @Test
  void everyExecutionIsAudited() throws SQLException, IOException {
    String sql = "SELECT count(*) FROM sales.stores WHERE store_id > ? /* extended-audit */";
    try (Connection dave = connect("dave", "prepareThreshold", "1");
        PreparedStatement statement = dave.prepareStatement(sql)) {
      for (int i = 0; i < 4; i++) {
        statement.setInt(1, i);
        statement.executeQuery().close();
      }
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(demo.auditFile())) {
      JsonNode event = JSON.readTree(line);
      // pgjdbc sends ? as $1 in its Parse message
      if (sql.replace("?", "$1").equals(event.path("sql").asText())) {
        events.add(event);
      }
    }
    assertEquals(4, events.size(), events.toString());
    for (JsonNode event : events) {
      assertEquals("ok", event.at("/outcome/status").asText());
      assertEquals(1, event.at("/outcome/rows").asLong());
      assertTrue(event.path("rewritten_sql").asText().contains("$1"), event.path("rewritten_sql").asText());
    }
  }
}
