package io.meshgate.proxy.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code SELECT ... FOR UPDATE} through Meshgate against real PostgreSQL and the demo policies:
 * alice may update the sales of her region (EU), so she may lock them, and only them; dave
 * (auditors) reads every sale but may not update, so he may not lock any. Whether a row is
 * locked is asked of PostgreSQL itself, with {@code FOR UPDATE NOWAIT} from a second
 * transaction on the backend.
 */
class RowLocksIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final String LOCK_NOT_AVAILABLE = "55P03";

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aliceLocksExactlyTheRowsOfHerRegionThatSheSelects(String mode) throws SQLException {
    String day = mode.equals("simple") ? "2025-04-16" : "2025-04-17";
    List<Long> eu = backendIds("SELECT transaction_id FROM sales.store_transactions WHERE day = DATE '" + day
        + "' AND region = 'EU' ORDER BY transaction_id");
    List<Long> others = backendIds("SELECT transaction_id FROM sales.store_transactions WHERE day = DATE '" + day
        + "' AND region <> 'EU' ORDER BY transaction_id");
    assertFalse(eu.isEmpty() || others.isEmpty(), "the demo data has sales of several regions that day");
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        PreparedStatement lock = alice.prepareStatement(
            "SELECT transaction_id, region FROM sales.store_transactions WHERE day = ?"
                + " ORDER BY transaction_id FOR UPDATE")) {
      alice.setAutoCommit(false);
      lock.setObject(1, java.sql.Date.valueOf(day));
      List<Long> returned = new ArrayList<>();
      try (ResultSet rows = lock.executeQuery()) {
        while (rows.next()) {
          returned.add(rows.getLong(1));
          assertEquals("EU", rows.getString(2));
        }
      }
      assertEquals(eu, returned);
      try (Connection backend = mesh.backendAsSuperuser()) {
        backend.setAutoCommit(false);
        for (long id : eu) {
          SQLException locked = assertThrows(SQLException.class, () -> lockNowait(backend, id));
          assertEquals(LOCK_NOT_AVAILABLE, locked.getSQLState(), "row " + id + " is locked by alice");
          backend.rollback();
        }
        for (long id : others) {
          // outside her filter: her statement never reached these rows, so they are free
          assertEquals(1, lockNowait(backend, id));
          backend.rollback();
        }
      }
      alice.rollback();
    }
    // her transaction is over: the rows are free again
    try (Connection backend = mesh.backendAsSuperuser()) {
      backend.setAutoCommit(false);
      assertEquals(1, lockNowait(backend, eu.get(0)));
      backend.rollback();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aSecondLockerThroughMeshgateWaitsFailsOrSkipsAsItAsks(String mode) throws SQLException {
    String day = mode.equals("simple") ? "2025-04-18" : "2025-04-19";
    List<Long> eu = backendIds("SELECT transaction_id FROM sales.store_transactions WHERE day = DATE '" + day
        + "' AND region = 'EU' ORDER BY transaction_id");
    assertTrue(eu.size() >= 2, "the demo data has several EU sales that day");
    String queue = "SELECT transaction_id FROM sales.store_transactions WHERE day = DATE '" + day + "'"
        + " ORDER BY transaction_id LIMIT 1 FOR UPDATE SKIP LOCKED";
    try (Connection first = mesh.connect("alice", "preferQueryMode", mode);
        Connection second = mesh.connect("alice", "preferQueryMode", mode)) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      // a job queue: each worker takes the first row nobody holds
      assertEquals(List.of(eu.get(0)), ids(first, queue));
      assertEquals(List.of(eu.get(1)), ids(second, queue));
      second.rollback();
      SQLException busy = assertThrows(SQLException.class, () -> ids(second,
          "SELECT transaction_id FROM sales.store_transactions WHERE transaction_id = " + eu.get(0)
              + " FOR NO KEY UPDATE NOWAIT"));
      assertEquals(LOCK_NOT_AVAILABLE, busy.getSQLState());
      second.rollback();
      // every EU sale of the day but the one the first worker holds, under an alias
      assertEquals(eu.subList(1, eu.size()), ids(second,
          "SELECT t.transaction_id FROM sales.store_transactions t"
              + " WHERE t.day = DATE '" + day + "' ORDER BY 1 FOR SHARE OF t SKIP LOCKED"));
      second.rollback();
      first.rollback();
      assertEquals(List.of(eu.get(0)), ids(second, queue), "the first worker's lock ended with its transaction");
      second.rollback();
    }
  }

  @Test
  void aReaderWhoMayNotUpdateMayNotLock() throws SQLException {
    try (Connection dave = mesh.connect("dave"); Statement statement = dave.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.store_transactions")) {
        assertTrue(rows.next());
        assertTrue(rows.getLong(1) > 0, "dave reads every sale");
      }
      for (String clause : List.of("FOR UPDATE", "FOR KEY SHARE", "FOR SHARE OF store_transactions SKIP LOCKED")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeQuery(
            "SELECT transaction_id FROM sales.store_transactions LIMIT 1 " + clause));
        assertEquals("42501", refused.getSQLState(), clause);
        assertTrue(refused.getMessage().contains("no rule of domain sales grants update access"),
            refused.getMessage());
      }
    }
    // nothing of his reached the backend: every row is free
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      backend.setAutoCommit(false);
      try (ResultSet rows = statement.executeQuery(
          "SELECT count(*) FROM (SELECT 1 FROM sales.store_transactions FOR UPDATE NOWAIT) locked")) {
        assertTrue(rows.next());
      }
      backend.rollback();
    }
  }

  @Test
  void locksMeshgateCannotMakeExactAreRefused() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      for (String sql : List.of(
          "SELECT * FROM (SELECT transaction_id FROM sales.store_transactions FOR UPDATE) x",
          // her rows are filtered: in a join, or under a condition that could see other rows,
          // PostgreSQL would lock more than the rows she selects, or run her condition on others
          "SELECT t.transaction_id FROM sales.store_transactions t JOIN sales.stores s USING (store_id)"
              + " FOR UPDATE OF t",
          "SELECT transaction_id FROM sales.store_transactions WHERE amount > 100 FOR UPDATE")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeQuery(sql));
        assertEquals("0A000", refused.getSQLState(), sql);
      }
    }
  }

  private static int lockNowait(Connection backend, long id) throws SQLException {
    try (Statement statement = backend.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT 1 FROM sales.store_transactions WHERE transaction_id = " + id + " FOR UPDATE NOWAIT")) {
      int count = 0;
      while (rows.next()) {
        count++;
      }
      return count;
    }
  }

  private static List<Long> ids(Connection connection, String sql) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
    }
    return ids;
  }

  private static List<Long> backendIds(String sql) throws SQLException {
    return mesh.backendColumn(sql).stream().map(Long::valueOf).toList();
  }
}
