package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation slice end to end: real PostgreSQL seeded with the demo data mesh, real OPA
 * serving the repository's policies/, Meshgate in front, pgjdbc as the client.
 */
class GovernedQueriesIT {
  @TempDir static Path work;
  private static DemoEnvironment demo;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void startDemo() throws IOException {
    Path root = RepositoryRoot.find().orElseThrow(() -> new IllegalStateException("run from a Meshgate checkout"));
    // No decision cache: each statement here must reach OPA, so the outage test is meaningful.
    demo = DemoEnvironment.start(new DemoEnvironment.Settings(root, work, 0, Optional.of(0), Duration.ZERO));
  }

  @AfterAll
  static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  private static Connection connect(String user) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", user);
    properties.setProperty("sslmode", "disable");
    // The simple query protocol here; ExtendedProtocolIT covers pgjdbc's default.
    properties.setProperty("preferQueryMode", "simple");
    return DriverManager.getConnection(demo.jdbcUrl(), properties);
  }

  private static Connection backendAsSuperuser() throws SQLException {
    return demo.postgres().connectAsSuperuser(demo.backend().database());
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      assertTrue(rows.next());
      return rows.getLong(1);
    }
  }

  private static List<String> strings(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  private static SQLException refused(String user, String sql) throws SQLException {
    try (Connection connection = connect(user); Statement statement = connection.createStatement()) {
      return assertThrows(SQLException.class, () -> statement.executeQuery(sql).close());
    }
  }

  @Test
  void aliceSeesOnlyEuRows() throws SQLException {
    try (Connection alice = connect("alice"); Connection backend = backendAsSuperuser()) {
      assertEquals(0, count(alice, "SELECT count(*) FROM sales.store_transactions WHERE region <> 'EU'"));
      long euRows = count(backend, "SELECT count(*) FROM sales.store_transactions WHERE region = 'EU'");
      assertTrue(euRows > 0);
      assertEquals(euRows, count(alice, "SELECT count(*) FROM sales.store_transactions"));
      assertEquals(List.of("EU"), strings(alice, "SELECT DISTINCT region FROM customers.customers"));
    }
  }

  @Test
  void scramRefusesWrongPasswordsAndUnknownUsersAlike() {
    for (String[] credentials : new String[][] {{"alice", "not-alice"}, {"mallory", "mallory"}}) {
      Properties properties = new Properties();
      properties.setProperty("user", credentials[0]);
      properties.setProperty("password", credentials[1]);
      properties.setProperty("sslmode", "disable");
      SQLException error = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(demo.jdbcUrl(), properties).close());
      assertEquals("28P01", error.getSQLState());
      assertTrue(error.getMessage().contains("password authentication failed for user \"" + credentials[0] + "\""),
          error.getMessage());
    }
  }

  @Test
  void theBackendAlwaysKnowsTheEndUser() throws SQLException {
    try (Connection carol = connect("carol"); Statement statement = carol.createStatement()) {
      // pgjdbc sends SET application_name itself; Meshgate keeps the end user in front.
      assertEquals(List.of("meshgate:carol/PostgreSQL JDBC Driver"),
          strings(carol, "SELECT current_setting('application_name')"));
      statement.execute("SET application_name = 'pretending to be bob'");
      assertEquals(List.of("meshgate:carol/pretending to be bob"), strings(carol, "SHOW application_name"));
      assertEquals(List.of("meshgate_service"), strings(carol, "SELECT current_user"));
    }
  }

  @Test
  void carolSeesAllRegions() throws SQLException {
    try (Connection carol = connect("carol")) {
      assertEquals(Set.of("EU", "US", "APAC"),
          new HashSet<>(strings(carol, "SELECT DISTINCT region FROM sales.store_transactions")));
    }
  }

  @Test
  void emailsComeBackMaskedAndNeverRaw() throws SQLException {
    try (Connection alice = connect("alice"); Connection backend = backendAsSuperuser()) {
      Set<String> raw = new HashSet<>(strings(backend, "SELECT customer_email FROM sales.store_transactions"));
      raw.addAll(strings(backend, "SELECT email FROM customers.customers"));
      List<String> seen = strings(alice, "SELECT customer_email FROM sales.store_transactions ORDER BY transaction_id LIMIT 200");
      seen.addAll(strings(alice, "SELECT email FROM customers.customers LIMIT 200"));
      assertFalse(seen.isEmpty());
      for (String value : seen) {
        assertTrue(value.startsWith("xxxx@"), value);
        assertFalse(raw.contains(value), "raw e-mail leaked: " + value);
      }
    }
  }

  @Test
  void predicateOnMaskedColumnSeesTheMaskedValue() throws SQLException {
    try (Connection alice = connect("alice"); Connection backend = backendAsSuperuser()) {
      String rawEmail = strings(backend, "SELECT email FROM customers.customers WHERE region = 'EU' ORDER BY customer_id LIMIT 1").get(0);
      assertEquals(1, count(backend, "SELECT count(*) FROM customers.customers WHERE email = '" + rawEmail.replace("'", "''") + "'"));
      assertEquals(0, count(alice, "SELECT count(*) FROM customers.customers WHERE email = '" + rawEmail.replace("'", "''") + "'"));
      assertEquals(0, count(alice, "SELECT count(*) FROM customers.customers WHERE email LIKE '" + rawEmail.substring(0, 3) + "%'"
          + " AND email NOT LIKE 'xxxx%'"));
    }
  }

  @Test
  void analystsJoinWeatherAndStoreTraffic() throws SQLException {
    String sql = """
        SELECT t.day, s.zip_code, count(*) AS transactions, avg(w.avg_temp) AS temperature
        FROM sales.store_transactions t
        JOIN sales.stores s ON s.store_id = t.store_id
        JOIN weather.daily_temperatures w ON w.zip_code = s.zip_code AND w.day = t.day
        GROUP BY t.day, s.zip_code
        ORDER BY t.day, s.zip_code""";
    try (Connection alice = connect("alice"); Statement statement = alice.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      int groups = 0;
      while (rows.next()) {
        groups++;
        assertTrue(rows.getLong("transactions") > 0);
        assertNotNull(rows.getObject("temperature"));
      }
      assertTrue(groups > 100, "the join should produce many (day, zip) groups, got " + groups);
    }
    try (Connection alice = connect("alice")) {
      // Traffic follows the weather: the correlation is computed through Meshgate, on EU rows.
      double correlation = Double.parseDouble(strings(alice, """
          SELECT corr(daily.transactions, daily.temperature) FROM (
            SELECT count(*) AS transactions, avg(w.avg_temp) AS temperature
            FROM sales.store_transactions t
            JOIN sales.stores s ON s.store_id = t.store_id
            JOIN weather.daily_temperatures w ON w.zip_code = s.zip_code AND w.day = t.day
            GROUP BY t.day, s.zip_code) daily""").get(0));
      assertTrue(correlation > 0.1, "correlation " + correlation);
    }
  }

  @Test
  void onlyTheWeatherTeamReadsRawStations() throws SQLException {
    try (Connection bob = connect("bob")) {
      assertTrue(count(bob, "SELECT count(*) FROM weather.stations_raw") > 0);
    }
    SQLException denied = refused("alice", "SELECT * FROM weather.stations_raw LIMIT 1");
    assertEquals("42501", denied.getSQLState());
    assertTrue(denied.getMessage().contains("weather"), denied.getMessage());
    // A denied table hidden in a subquery is still denied.
    assertEquals("42501", refused("alice",
        "SELECT count(*) FROM weather.daily_temperatures d WHERE d.zip_code IN (SELECT zip_code FROM weather.stations_raw)")
        .getSQLState());
  }

  @Test
  void unparseableStatementOnGovernedTableIsRefusedNotForwarded() throws SQLException, IOException {
    // PostgreSQL itself would run this (SELECT ... INTO, which creates a table); Meshgate cannot
    // parse it, so it refuses.
    String sql = "SELECT region, customer_email INTO TEMPORARY copied FROM sales.store_transactions ORDER BY region";
    try (Connection backend = backendAsSuperuser(); Statement statement = backend.createStatement()) {
      backend.setAutoCommit(false);
      statement.execute(sql);
      backend.rollback();
    }
    SQLException error = refused("alice", sql);
    assertEquals("42601", error.getSQLState());
    JsonNode event = lastAuditEventFor(sql);
    assertEquals("failed", event.at("/outcome/status").asText());
    assertTrue(event.path("rewritten_sql").isNull() || event.path("rewritten_sql").isMissingNode());
  }

  @Test
  void refusesWhileOpaIsDownAndRecoversWhenItIsBack() throws Exception {
    ManagedOpaProcess opa = demo.meshgate().managedOpa().orElseThrow();
    try (Connection carol = connect("carol")) {
      assertTrue(count(carol, "SELECT count(*) FROM sales.stores") > 0);
      opa.stop();
      try {
        SQLException error = assertThrows(SQLException.class,
            () -> count(carol, "SELECT count(*) FROM sales.stores WHERE region = 'US'"));
        assertEquals("58000", error.getSQLState());
        assertTrue(error.getMessage().contains("policy engine is unavailable"), error.getMessage());
      } finally {
        opa.start();
      }
      assertTrue(count(carol, "SELECT count(*) FROM sales.stores WHERE region = 'US'") > 0);
    }
  }

  @Test
  void everyStatementIsAudited() throws Exception {
    String allowed = "SELECT count(*) FROM sales.stores /* audit-allowed */";
    String denied = "SELECT * FROM weather.stations_raw /* audit-denied */";
    try (Connection alice = connect("alice")) {
      count(alice, allowed);
    }
    refused("alice", denied);
    JsonNode allowedEvent = lastAuditEventFor(allowed);
    assertEquals("ok", allowedEvent.at("/outcome/status").asText());
    assertEquals("alice", allowedEvent.path("user").asText());
    assertEquals(true, allowedEvent.at("/decision/allow").asBoolean());
    assertTrue(allowedEvent.path("rewritten_sql").asText().contains("\"region\""), allowedEvent.toString());
    assertEquals("mesh.sales.stores", allowedEvent.at("/relations/0/relation").asText());
    JsonNode deniedEvent = lastAuditEventFor(denied);
    assertEquals("denied", deniedEvent.at("/outcome/status").asText());
    assertEquals("42501", deniedEvent.at("/outcome/sql_state").asText());
    assertEquals(false, deniedEvent.at("/decision/allow").asBoolean());
  }

  /** Audit writes complete before ReadyForQuery, so the event is on disk when the call returns. */
  private static JsonNode lastAuditEventFor(String sql) throws IOException {
    JsonNode found = null;
    for (String line : Files.readAllLines(demo.auditFile())) {
      JsonNode event = JSON.readTree(line);
      if (sql.equals(event.path("sql").asText())) {
        found = event;
      }
    }
    assertNotNull(found, "no audit event for: " + sql);
    return found;
  }

  @Test
  void auditNeverMissesAStatementOfASession() throws Exception {
    long before = Files.readAllLines(demo.auditFile()).size();
    try (Connection dave = connect("dave"); Statement statement = dave.createStatement()) {
      statement.execute("SELECT 1");
      statement.executeQuery("SELECT count(*) FROM customers.customers").close();
      assertThrows(SQLException.class, () -> statement.executeQuery("SELEC broken"));
      assertThrows(SQLException.class, () -> statement.executeQuery("SELECT * FROM weather.stations_raw"));
    }
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(demo.auditFile())) {
      JsonNode event = JSON.readTree(line);
      // pgjdbc itself sends SET application_name on connect; it is audited too, but not counted here.
      if ("dave".equals(event.path("user").asText()) && !event.path("sql").asText().startsWith("SET application_name")) {
        events.add(event);
      }
    }
    assertTrue(Files.readAllLines(demo.auditFile()).size() >= before + 4);
    assertEquals(4, events.size(), events.toString());
    JsonNode selectOne = events.get(0).path("decision");
    assertTrue(selectOne.isNull() || selectOne.isMissingNode(), "SELECT 1 needs no table decision: " + selectOne);
    assertEquals(List.of("ok", "ok", "failed", "denied"),
        events.stream().map(event -> event.at("/outcome/status").asText()).toList());
  }
}
