package io.meshgate.proxy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.demo.data.DemoDataset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo data mesh seeded into a real PostgreSQL, seen as the operator and as Meshgate's service role. */
class DemoDataMeshIT {
  private static final List<String> TABLES = List.of(
      "weather.stations_raw", "weather.daily_temperatures", "weather.hourly_temperatures",
      "sales.stores", "sales.store_transactions", "customers.customers");

  /** The analyst's join: transactions per zip code and day against that day's mean temperature. */
  private static final String TRAFFIC_AGAINST_WEATHER = """
      WITH traffic AS (
        SELECT s.zip_code, t.day, count(*) AS transactions
        FROM sales.store_transactions t
        JOIN sales.stores s ON s.store_id = t.store_id
        GROUP BY s.zip_code, t.day)
      SELECT corr(traffic.transactions, d.avg_temp), count(*)
      FROM traffic
      JOIN weather.daily_temperatures d ON d.zip_code = traffic.zip_code AND d.day = traffic.day""";

  private static LocalPostgres postgres;
  private static DemoBackend backend;

  @BeforeAll
  static void seed() {
    postgres = LocalPostgres.start(LocalPostgres.Options.defaults());
    backend = DemoDataMesh.seed(postgres);
  }

  @AfterAll
  static void close() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void describesWhereTheBackendIs() {
    assertEquals("127.0.0.1", backend.host());
    assertEquals(postgres.port(), backend.port());
    assertEquals("mesh", backend.database());
    assertEquals("meshgate_service", backend.serviceUser());
    assertEquals("postgresql://postgres:" + postgres.superuserPassword() + "@127.0.0.1:" + postgres.port() + "/mesh",
        backend.postgresUri());
    assertFalse(backend.toString().contains(backend.servicePassword()));
    assertFalse(backend.toString().contains(postgres.superuserPassword()));
  }

  @Test
  void everyTableHasTheGeneratedRows() throws SQLException {
    DemoDataset dataset = DemoDataset.generate();
    Map<String, Integer> expected = Map.of(
        "weather.stations_raw", dataset.stationObservations().size(),
        "weather.daily_temperatures", dataset.dailyTemperatures().size(),
        "weather.hourly_temperatures", dataset.hourlyTemperatures().size(),
        "sales.stores", dataset.stores().size(),
        "sales.store_transactions", dataset.storeTransactions().size(),
        "customers.customers", dataset.customers().size());
    try (Connection connection = postgres.connectAsSuperuser("mesh");
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        assertEquals(expected.get(table).longValue(), count(statement, "SELECT count(*) FROM " + table), table);
      }
      assertInRange(count(statement, "SELECT count(*) FROM weather.stations_raw"), 18_000, 22_000);
      assertEquals(18 * 365, count(statement, "SELECT count(*) FROM weather.daily_temperatures"));
      assertInRange(count(statement, "SELECT count(*) FROM weather.hourly_temperatures"), 10_000, 15_000);
      assertInRange(count(statement, "SELECT count(*) FROM sales.stores"), 50, 70);
      assertInRange(count(statement, "SELECT count(*) FROM sales.store_transactions"), 29_000, 31_000);
      assertEquals(2_000, count(statement, "SELECT count(*) FROM customers.customers"));
      assertEquals(0, count(statement, "SELECT count(*) FROM sales.store_transactions "
          + "WHERE day NOT BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'"));
      // Every zip code × every day of 2025.
      assertEquals(0, count(statement, """
          SELECT count(*) FROM (SELECT DISTINCT zip_code FROM weather.daily_temperatures) z
          CROSS JOIN generate_series(DATE '2025-01-01', DATE '2025-12-31', INTERVAL '1 day') AS d(day)
          WHERE NOT EXISTS (SELECT 1 FROM weather.daily_temperatures t
                            WHERE t.zip_code = z.zip_code AND t.day = d.day::date)"""));
    }
  }

  @Test
  void everyRegionIsPresentAndZipCodesBelongToOneRegion() throws SQLException {
    try (Connection connection = postgres.connectAsSuperuser("mesh");
        Statement statement = connection.createStatement()) {
      for (String table : List.of("sales.stores", "sales.store_transactions", "customers.customers")) {
        assertEquals(List.of("APAC", "EU", "US"),
            column(statement, "SELECT DISTINCT region FROM " + table + " ORDER BY 1"), table);
      }
      assertEquals(0, count(statement, "SELECT count(*) FROM (SELECT zip_code FROM sales.stores "
          + "GROUP BY zip_code HAVING count(DISTINCT region) > 1) x"));
      assertEquals(0, count(statement, "SELECT count(*) FROM sales.store_transactions t JOIN sales.stores s "
          + "ON s.store_id = t.store_id WHERE t.region <> s.region"));
      assertEquals(0, count(statement, "SELECT count(*) FROM sales.store_transactions t "
          + "WHERE NOT EXISTS (SELECT 1 FROM customers.customers c WHERE c.email = t.customer_email)"));
    }
  }

  @Test
  void storeTrafficFollowsTheWeather() throws SQLException {
    try (Connection connection = postgres.connectAsSuperuser("mesh");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(TRAFFIC_AGAINST_WEATHER)) {
      assertTrue(result.next());
      double correlation = result.getDouble(1);
      assertTrue(result.getLong(2) > 5_000, "joined zip-code days: " + result.getLong(2));
      assertTrue(correlation > 0.3, "correlation of traffic and temperature: " + correlation);
    }
  }

  @Test
  void serviceRoleCanReadEveryTable() throws SQLException {
    try (Connection connection = connectAsService();
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        assertTrue(count(statement, "SELECT count(*) FROM " + table) > 0, table);
      }
    }
  }

  @Test
  void serviceRoleCanDoNothingButRead() throws SQLException {
    try (Connection connection = connectAsService();
        Statement statement = connection.createStatement()) {
      assertEquals("off", column(statement, "SHOW is_superuser").get(0));
      assertEquals(List.of("f|f|f|f|f"), column(statement, "SELECT concat_ws('|', rolsuper, rolcreatedb, "
          + "rolcreaterole, rolreplication, rolbypassrls) FROM pg_roles WHERE rolname = current_user"));
      assertRefused(statement, "INSERT INTO sales.stores VALUES (999, '10115', 'EU')");
      assertRefused(statement, "UPDATE customers.customers SET name = 'x'");
      assertRefused(statement, "DELETE FROM weather.daily_temperatures");
      assertRefused(statement, "TRUNCATE sales.store_transactions");
      assertRefused(statement, "CREATE TABLE sales.mine (value integer)");
      assertRefused(statement, "CREATE TABLE public.mine (value integer)");
      assertRefused(statement, "CREATE TEMPORARY TABLE mine (value integer)");
      assertRefused(statement, "CREATE SCHEMA mine");
    }
    SQLException error = assertThrows(SQLException.class,
        () -> postgres.connect("postgres", backend.serviceUser(), backend.servicePassword()).close());
    assertEquals("42501", error.getSQLState(), "the service role may connect to the mesh database only");
  }

  @Test
  void seedingAgainGivesTheSameRowsAndANewServicePassword() throws SQLException {
    Map<String, String> before = checksums();

    DemoBackend again = DemoDataMesh.seed(postgres);

    assertEquals(before, checksums());
    assertNotEquals(backend.servicePassword(), again.servicePassword());
    assertThrows(SQLException.class, () -> connectAsService().close());
    backend = again;
    try (Connection connection = connectAsService()) {
      assertTrue(connection.isValid(2));
    }
  }

  @Test
  void theSeededBackendSurvivesARestart() throws SQLException {
    long transactions;
    try (Connection connection = connectAsService(); Statement statement = connection.createStatement()) {
      transactions = count(statement, "SELECT count(*) FROM sales.store_transactions");
    }

    postgres.stop();
    postgres.start();

    try (Connection connection = connectAsService(); Statement statement = connection.createStatement()) {
      assertEquals(transactions, count(statement, "SELECT count(*) FROM sales.store_transactions"));
    }
  }

  private static Map<String, String> checksums() throws SQLException {
    Map<String, String> checksums = new LinkedHashMap<>();
    try (Connection connection = postgres.connectAsSuperuser("mesh");
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        checksums.put(table, column(statement,
            "SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM " + table + " t").get(0));
      }
    }
    return checksums;
  }

  private static Connection connectAsService() throws SQLException {
    return postgres.connect(backend.database(), backend.serviceUser(), backend.servicePassword());
  }

  private static void assertRefused(Statement statement, String sql) {
    SQLException error = assertThrows(SQLException.class, () -> statement.execute(sql), sql);
    assertEquals("42501", error.getSQLState(), sql + ": " + error.getMessage());
  }

  private static long count(Statement statement, String query) throws SQLException {
    try (ResultSet result = statement.executeQuery(query)) {
      assertTrue(result.next());
      return result.getLong(1);
    }
  }

  private static List<String> column(Statement statement, String query) throws SQLException {
    try (ResultSet result = statement.executeQuery(query)) {
      List<String> values = new ArrayList<>();
      while (result.next()) {
        values.add(result.getString(1));
      }
      return List.copyOf(values);
    }
  }

  private static void assertInRange(long actual, long minimum, long maximum) {
    assertTrue(actual >= minimum && actual <= maximum, actual + " not in [" + minimum + ", " + maximum + "]");
  }
}
