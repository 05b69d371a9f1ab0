package io.meshgate.proxy.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PREPARE/EXECUTE, cursors, EXPLAIN and DO through Meshgate against the demo mesh, and what
 * happens to a statement prepared under a policy that changes before it is executed. The
 * policies are a copy the last test edits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreparedStatementsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.withEditablePolicies();

  private static Connection connect(String user, String... extra) throws SQLException {
    return mesh.connect(user, extra);
  }

  private static List<String> column(Statement statement, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        values.add(result.getString(1));
      }
    }
    return values;
  }

  private static List<String> backend(String sql) throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser();
        Statement statement = backend.createStatement()) {
      return column(statement, sql);
    }
  }

  @Test
  @Order(1)
  void preparedStatementsKeepTheirFilterAndMasks() throws SQLException {
    try (Connection alice = connect("alice", "preferQueryMode", "simple"); Statement statement = alice.createStatement()) {
      statement.execute("PREPARE regional (text) AS SELECT count(*) FROM sales.store_transactions WHERE region <> $1");
      assertEquals(backend("SELECT count(*) FROM sales.store_transactions WHERE region = 'EU'"),
          column(statement, "EXECUTE regional ('nowhere')"));
      assertEquals(List.of("0"), column(statement, "EXECUTE regional ('EU')"),
          "the filter holds: only EU rows exist for alice");
      statement.execute("PREPARE emails AS SELECT customer_email FROM sales.store_transactions LIMIT 20");
      List<String> raw = backend("SELECT customer_email FROM sales.store_transactions");
      for (String email : column(statement, "EXECUTE emails")) {
        assertFalse(raw.contains(email), "raw address: " + email);
      }
      statement.execute("DEALLOCATE regional");
      SQLException gone = assertThrows(SQLException.class, () -> statement.executeQuery("EXECUTE regional ('x')"));
      assertEquals("26000", gone.getSQLState());
      SQLException denied = assertThrows(SQLException.class,
          () -> statement.execute("PREPARE raw AS SELECT * FROM weather.stations_raw"));
      assertEquals("42501", denied.getSQLState());
      SQLException unknown = assertThrows(SQLException.class, () -> statement.executeQuery("EXECUTE raw"));
      assertEquals("26000", unknown.getSQLState());
    }
  }

  @Test
  @Order(2)
  void cursorsFetchOnlyGovernedRows() throws SQLException {
    try (Connection alice = connect("alice", "preferQueryMode", "simple"); Statement statement = alice.createStatement()) {
      alice.setAutoCommit(false);
      statement.execute("DECLARE c CURSOR FOR SELECT region FROM sales.store_transactions");
      List<String> regions = new ArrayList<>(column(statement, "FETCH 10 FROM c"));
      statement.execute("MOVE FORWARD 5 IN c");
      regions.addAll(column(statement, "FETCH NEXT FROM c"));
      assertEquals(11, regions.size());
      assertTrue(regions.stream().allMatch("EU"::equals), regions.toString());
      statement.execute("CLOSE c");
      alice.commit();
      statement.execute("DECLARE h CURSOR WITH HOLD FOR SELECT count(*) FROM sales.stores");
      alice.commit();
      assertEquals(backend("SELECT count(*) FROM sales.stores WHERE region = 'EU'"), column(statement, "FETCH ALL FROM h"));
      statement.execute("CLOSE h");
      alice.commit();
    }
  }

  @Test
  @Order(3)
  void explainShowsThePlanOfTheGovernedQuery() throws SQLException {
    try (Connection alice = connect("alice"); Statement statement = alice.createStatement()) {
      // the plan of a query over alice's filtered stores would come from statistics over all rows
      for (String explain : List.of("EXPLAIN SELECT count(*) FROM sales.stores WHERE region = 'US'",
          "EXPLAIN (COSTS off) SELECT count(*) FROM sales.stores", "EXPLAIN ANALYZE SELECT count(*) FROM sales.stores")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeQuery(explain), explain);
        assertEquals("42501", refused.getSQLState());
        assertTrue(refused.getMessage().contains("EXPLAIN is not allowed on sales.stores"), refused.getMessage());
      }
    }
    try (Connection bob = connect("bob"); Statement statement = bob.createStatement()) {
      // no row filter on the owners' raw feed: ANALYZE counts nothing hidden
      String plan = String.join("\n", column(statement, "EXPLAIN (ANALYZE, COSTS off) SELECT count(*) FROM weather.stations_raw"));
      assertTrue(plan.contains("actual"), plan);
      assertTrue(String.join("\n", column(statement, "EXPLAIN SELECT count(*) FROM weather.stations_raw")).contains("rows="));
    }
  }

  @Test
  @Order(4)
  void doBlocksAndFunctionsOutsideTheAllowlistAreRefused() throws SQLException {
    try (Connection carol = connect("carol"); Statement statement = carol.createStatement()) {
      SQLException block = assertThrows(SQLException.class,
          () -> statement.execute("DO $$ BEGIN PERFORM count(*) FROM customers.customers; END $$"));
      assertEquals("42501", block.getSQLState());
      for (String call : List.of("query_to_xml('select email from customers.customers', true, true, '')",
          "set_config('role', 'postgres', false)", "pg_read_file('postgresql.conf')", "current_query()")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT " + call));
        assertEquals("42501", refused.getSQLState(), call);
        assertTrue(refused.getMessage().contains("functions.allowed_extra"), refused.getMessage());
      }
      assertEquals(List.of("x"), column(statement, "SELECT lower('X')"));
    }
  }

  @Test
  @Order(5)
  void aStatementPreparedUnderAnOlderPolicyIsNotExecutedUnderTheNewOne() throws Exception {
    try (Connection alice = connect("alice", "preferQueryMode", "simple");
        Statement statement = alice.createStatement();
        Connection jdbc = connect("alice", "prepareThreshold", "1");
        PreparedStatement named = jdbc.prepareStatement("SELECT count(*) FROM sales.stores WHERE store_id > ?")) {
      statement.execute("PREPARE stores_before AS SELECT count(*) FROM sales.stores");
      List<String> before = column(statement, "EXECUTE stores_before");
      named.setInt(1, -1);
      assertEquals(before, rows(named));
      assertEquals(before, rows(named), "now a named server-side statement");
      String revision = mesh.environment().meshgate().policyReloader().orElseThrow().status().activeRevision();

      // A change of the sales domain's policy: a new revision (the data.json description).
      Path data = mesh.policiesDirectory().resolve("sales/data.json");
      String original = Files.readString(data);
      String edited = original.replaceFirst("\"description\": \"", "\"description\": \"(revised) ");
      assertNotEquals(original, edited);
      Files.writeString(data, edited);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (mesh.environment().meshgate().policyReloader().orElseThrow().status().activeRevision().equals(revision)
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertNotEquals(revision, mesh.environment().meshgate().policyReloader().orElseThrow().status().activeRevision());

      SQLException stale = assertThrows(SQLException.class, () -> statement.executeQuery("EXECUTE stores_before"));
      assertEquals("26000", stale.getSQLState());
      assertTrue(stale.getMessage().contains("governed under a policy that has changed since"), stale.getMessage());
      // prepared again, it is governed under the new revision and runs
      statement.execute("DEALLOCATE stores_before");
      statement.execute("PREPARE stores_before AS SELECT count(*) FROM sales.stores");
      assertEquals(before, column(statement, "EXECUTE stores_before"));

      // the protocol-level named statement: pgjdbc sees 26000, prepares it again and retries
      assertEquals(before, rows(named));
    }
  }

  private static List<String> rows(PreparedStatement statement) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        values.add(result.getString(1));
      }
    }
    return values;
  }
}
