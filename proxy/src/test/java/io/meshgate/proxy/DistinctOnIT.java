package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code SELECT DISTINCT ON (...)} through Meshgate against real PostgreSQL, in the simple and
 * the extended protocol. The expected rows are the superuser's, running the same query over
 * alice's rows (her row filter, region EU, and for the masked column her e-mail mask, written
 * by hand), so they come from outside Meshgate. Ties are broken by transaction_id, so each
 * query has exactly one answer.
 */
class DistinctOnIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final String ALICES_TRANSACTIONS = DemoMesh.ALICES_TRANSACTIONS;

  private static final String LATEST_PER_STORE = "SELECT DISTINCT ON (store_id) store_id, day, amount"
      + " FROM sales.store_transactions ORDER BY store_id, day DESC, transaction_id DESC";

  @BeforeAll
  static void addAnUndeclaredColumn() throws SQLException {
    mesh.addUndeclaredTransactionsColumn("internal_note text DEFAULT 'n'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void latestRowPerStoreOverTheFilteredRows(String mode) throws SQLException {
    List<List<String>> expected = backendRows(
        LATEST_PER_STORE.replace("FROM sales.store_transactions", "FROM " + ALICES_TRANSACTIONS));
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      List<List<String>> governed = rows(alice, LATEST_PER_STORE);
      assertEquals(expected, governed);
      assertTrue(governed.size() > 1, governed.toString());
      // the filter matters: over every region there are more stores
      assertNotEquals(backendRows(LATEST_PER_STORE).size(), governed.size());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aMaskedColumnIsGroupedByItsMaskedValue(String mode) throws SQLException {
    String sql = "SELECT DISTINCT ON (customer_email) customer_email, amount FROM sales.store_transactions"
        + " ORDER BY customer_email, transaction_id";
    List<List<String>> expected = backendRows(sql.replace("FROM sales.store_transactions", "FROM " + ALICES_TRANSACTIONS));
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      List<List<String>> governed = rows(alice, sql);
      assertEquals(expected, governed);
      int rawAddresses = backendRows(
          "SELECT DISTINCT customer_email FROM sales.store_transactions WHERE region = 'EU'").size();
      // grouped by the masked value (one row per domain), not the raw address
      assertTrue(governed.size() < rawAddresses, governed.size() + " rows, " + rawAddresses + " addresses");
      for (List<String> row : governed) {
        assertTrue(row.get(0) == null || row.get(0).startsWith("xxxx"), row.toString());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void inSubqueriesCtesAndUnionBranchesWithOrdinals(String mode) throws SQLException {
    String sql = "WITH latest AS (SELECT DISTINCT ON (1) store_id, day FROM sales.store_transactions"
        + " ORDER BY 1, 2 DESC) SELECT l.store_id, l.day, s.zip_code FROM latest l"
        + " JOIN (SELECT DISTINCT ON (s.region, s.store_id) * FROM sales.stores s ORDER BY s.region, s.store_id) s"
        + " USING (store_id)"
        + " UNION ALL SELECT DISTINCT ON (store_id) store_id, day, 'x' FROM sales.store_transactions"
        + " ORDER BY 1, 2, 3";
    List<List<String>> expected = backendRows(sql
        .replace("FROM sales.store_transactions", "FROM " + ALICES_TRANSACTIONS)
        .replace("FROM sales.stores s", "FROM (SELECT * FROM sales.stores WHERE region = 'EU') s"));
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      List<List<String>> governed = rows(alice, sql);
      assertEquals(expected, governed);
      assertTrue(!governed.isEmpty());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aParameterInsideOn(String mode) throws SQLException {
    // one row per bucket: which row of a bucket comes first is PostgreSQL's choice, so count them
    String sql = "SELECT count(*), sum(store_id % ?) FROM (SELECT DISTINCT ON (store_id % ?) store_id"
        + " FROM sales.store_transactions) buckets";
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        PreparedStatement statement = alice.prepareStatement(sql)) {
      statement.setInt(1, 3);
      statement.setInt(2, 3);
      List<List<String>> governed = rows(statement.executeQuery());
      assertEquals(backendRows(sql.replace("?", "3")
          .replace("FROM sales.store_transactions", "FROM " + ALICES_TRANSACTIONS)), governed);
      assertEquals(List.of(List.of("3", "3")), governed);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aDeniedColumnInsideOnIsRefused(String mode) throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode); Statement statement = alice.createStatement()) {
      SQLException refused = assertThrows(SQLException.class, () -> statement.executeQuery(
          "SELECT DISTINCT ON (internal_note) store_id FROM sales.store_transactions").close());
      assertEquals("42501", refused.getSQLState());
      assertTrue(refused.getMessage().contains("column internal_note of relation sales.store_transactions"),
          refused.getMessage());
      // * leaves it out (the table has 7 columns), and DISTINCT ON (...) * still works
      String sql = "SELECT DISTINCT ON (store_id) * FROM sales.store_transactions ORDER BY store_id, transaction_id";
      List<List<String>> star = rows(alice, sql);
      assertEquals(backendRows(sql.replace("FROM sales.store_transactions", "FROM " + ALICES_TRANSACTIONS)), star);
      assertEquals(7, backendRows(sql).get(0).size());
    }
  }

  private static List<List<String>> backendRows(String sql) throws SQLException {
    return mesh.backendRows(sql);
  }

  private static List<List<String>> rows(Connection connection, String sql) throws SQLException {
    return ResultRows.of(connection, sql);
  }

  private static List<List<String>> rows(ResultSet results) throws SQLException {
    return ResultRows.of(results);
  }
}
