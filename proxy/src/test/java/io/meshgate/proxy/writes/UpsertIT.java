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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * INSERT ... ON CONFLICT (transaction_id) DO UPDATE through Meshgate, in pgjdbc's simple and
 * extended protocol, against real PostgreSQL and the demo policies: alice (analysts, region EU)
 * may insert and update the rows of sales.store_transactions in her region, and customer_email
 * is masked for her. Every effect is checked on the backend as its superuser.
 */
class UpsertIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final String ROW_FILTER_VIOLATION =
      "new row violates the row filters of relation sales.store_transactions";
  private static final String CONFLICT_OUTSIDE = "INSERT ... ON CONFLICT DO UPDATE conflicts with a row"
      + " outside the row filters of relation sales.store_transactions";
  private static final AtomicLong NEXT_KEY = new AtomicLong(900_000_000L);

  private static final String UPSERT = "INSERT INTO sales.store_transactions AS t"
      + " (transaction_id, store_id, day, amount, region) VALUES (?, ?, DATE '2026-05-01', ?, ?)"
      + " ON CONFLICT (transaction_id) DO UPDATE SET amount = t.amount + EXCLUDED.amount";

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void anUpsertOfHerRegionInsertsANewKeyAndUpdatesAnExistingOne(String mode) throws SQLException {
    long existing = existingRow("EU", "1.00", null);
    long fresh = NEXT_KEY.incrementAndGet();
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      assertEquals(1, upsert(alice, existing, "5.00", "EU"));
      assertEquals(1, upsert(alice, fresh, "7.00", "EU"));
    }
    assertEquals(List.of(List.of("6.00", "EU")), row(existing));
    assertEquals(List.of(List.of("7.00", "EU")), row(fresh));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aConflictingRowOutsideHerRegionIsRefusedAndNotLeftLocked(String mode) throws SQLException {
    long other = existingRow("US", "3.00", null);
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      alice.setAutoCommit(false);
      SQLException refused = assertThrows(SQLException.class, () -> upsert(alice, other, "5.00", "EU"));
      assertEquals("42501", refused.getSQLState());
      assertTrue(refused.getMessage().contains(CONFLICT_OUTSIDE), refused.getMessage());
      assertFalse(refused.getMessage().contains("meshgate_row_check"), refused.getMessage());
      // PostgreSQL locks the conflicting row before it reads the DO UPDATE's WHERE: while her
      // transaction is open, the row she cannot see must not stay locked by it
      try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
        statement.execute("SET lock_timeout = '2s'");
        assertEquals(1, statement.executeUpdate(
            "UPDATE sales.store_transactions SET amount = 4.00 WHERE transaction_id = " + other));
      }
      alice.rollback();
      alice.setAutoCommit(true);
      // her own condition cannot reach it either
      SQLException condition = assertThrows(SQLException.class, () -> execute(alice,
          "INSERT INTO sales.store_transactions AS t"
              + " (transaction_id, store_id, day, amount, region) VALUES (" + other + ", "
              + euStore() + ", DATE '2026-05-01', 1, 'EU') ON CONFLICT (transaction_id)"
              + " DO UPDATE SET amount = 99 WHERE t.amount > 0 OR t.region = 'US'"));
      assertEquals("42501", condition.getSQLState());
      assertTrue(condition.getMessage().contains(CONFLICT_OUTSIDE), condition.getMessage());
    }
    assertEquals(List.of(List.of("4.00", "US")), row(other));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void herOwnConditionFalseOnARowOfHerRegionUpdatesNothing(String mode) throws SQLException {
    long key = existingRow("EU", "3.00", null);
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode); Statement statement = alice.createStatement()) {
      assertEquals(0, statement.executeUpdate("INSERT INTO sales.store_transactions AS t"
          + " (transaction_id, store_id, day, amount, region) VALUES (" + key + ", "
          + euStore() + ", DATE '2026-05-01', 1, 'EU') ON CONFLICT (transaction_id)"
          + " DO UPDATE SET amount = 99 WHERE t.amount > 100"));
    }
    assertEquals(List.of(List.of("3.00", "EU")), row(key));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theExistingRowIsReadMasked(String mode) throws SQLException {
    // 20 characters; the email mask leaves xxxx@example.com, 16
    long key = existingRow("EU", "1.00", "jonathan@example.com");
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        PreparedStatement upsert = alice.prepareStatement("INSERT INTO sales.store_transactions AS t"
            + " (transaction_id, store_id, day, amount, region) VALUES (?, ?, DATE '2026-05-01', 0, 'EU')"
            + " ON CONFLICT (transaction_id) DO UPDATE SET amount = length(t.customer_email)"
            + " WHERE t.customer_email LIKE 'xxxx@%' RETURNING t.customer_email")) {
      upsert.setLong(1, key);
      upsert.setInt(2, euStore());
      try (ResultSet rows = upsert.executeQuery()) {
        assertTrue(rows.next());
        assertEquals("xxxx@example.com", rows.getString(1));
        assertFalse(rows.next());
      }
    }
    assertEquals(List.of(List.of("16.00", "EU")), row(key));
    assertEquals(List.of("jonathan@example.com"), mesh.backendColumn(
        "SELECT customer_email FROM sales.store_transactions WHERE transaction_id = " + key));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void rowsLeavingOrEnteringOutsideHerRegionAreRefused(String mode) throws SQLException {
    long key = existingRow("EU", "2.00", null);
    long fresh = NEXT_KEY.incrementAndGet();
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        PreparedStatement moveOut = alice.prepareStatement("INSERT INTO sales.store_transactions AS t"
            + " (transaction_id, store_id, day, amount, region) VALUES (?, ?, DATE '2026-05-01', 0, 'EU')"
            + " ON CONFLICT (transaction_id) DO UPDATE SET region = 'US'")) {
      moveOut.setLong(1, key);
      moveOut.setInt(2, euStore());
      SQLException updated = assertThrows(SQLException.class, moveOut::executeUpdate);
      assertEquals("42501", updated.getSQLState());
      assertTrue(updated.getMessage().contains(ROW_FILTER_VIOLATION), updated.getMessage());
      assertFalse(updated.getMessage().contains("meshgate_row_check"), updated.getMessage());
      SQLException inserted = assertThrows(SQLException.class, () -> upsert(alice, fresh, "1.00", "US"));
      assertEquals("42501", inserted.getSQLState());
      assertTrue(inserted.getMessage().contains(ROW_FILTER_VIOLATION), inserted.getMessage());
    }
    assertEquals(List.of(List.of("2.00", "EU")), row(key));
    assertEquals(List.of(), row(fresh));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void maskedColumnsAndUsersWithoutUpdateAreRefused(String mode) throws SQLException {
    long key = existingRow("EU", "4.00", "ann@example.com");
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        Connection dave = mesh.connect("dave", "preferQueryMode", mode)) {
      SQLException masked = assertThrows(SQLException.class, () -> execute(alice,
          "INSERT INTO sales.store_transactions AS t (transaction_id, store_id, day, amount, region)"
              + " VALUES (" + key + ", " + euStore() + ", DATE '2026-05-01', 0, 'EU')"
              + " ON CONFLICT (transaction_id) DO UPDATE SET customer_email = 'x@example.com'"));
      assertEquals("42501", masked.getSQLState());
      assertTrue(masked.getMessage().contains("customer_email"), masked.getMessage());
      SQLException auditor = assertThrows(SQLException.class, () -> upsert(dave, key, "1.00", "EU"));
      assertEquals("42501", auditor.getSQLState());
      SQLException subquery = assertThrows(SQLException.class, () -> execute(alice,
          "INSERT INTO sales.store_transactions AS t (transaction_id, store_id, day, amount, region)"
              + " VALUES (" + key + ", " + euStore() + ", DATE '2026-05-01', 0, 'EU')"
              + " ON CONFLICT (transaction_id) DO UPDATE SET amount = (SELECT max(amount)"
              + " FROM sales.store_transactions)"));
      assertEquals("0A000", subquery.getSQLState());
    }
    assertEquals(List.of(List.of("4.00", "EU")), row(key));
    assertEquals(List.of("ann@example.com"), mesh.backendColumn(
        "SELECT customer_email FROM sales.store_transactions WHERE transaction_id = " + key));
  }

  private static int upsert(Connection connection, long key, String amount, String region)
      throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
      upsert.setLong(1, key);
      upsert.setInt(2, euStore());
      upsert.setBigDecimal(3, new java.math.BigDecimal(amount));
      upsert.setString(4, region);
      return upsert.executeUpdate();
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate(sql);
    }
  }

  /** A row written by the superuser, with a key no other test uses. */
  private static long existingRow(String region, String amount, String email) throws SQLException {
    long key = NEXT_KEY.incrementAndGet();
    try (Connection backend = mesh.backendAsSuperuser();
        PreparedStatement insert = backend.prepareStatement("INSERT INTO sales.store_transactions"
            + " (transaction_id, store_id, day, amount, customer_email, region)"
            + " VALUES (?, ?, DATE '2026-05-01', ?, ?, ?)")) {
      insert.setLong(1, key);
      insert.setInt(2, euStore());
      insert.setBigDecimal(3, new java.math.BigDecimal(amount));
      insert.setString(4, email);
      insert.setString(5, region);
      assertEquals(1, insert.executeUpdate());
    }
    return key;
  }

  private static List<List<String>> row(long key) throws SQLException {
    return mesh.backendRows("SELECT amount, region FROM sales.store_transactions"
        + " WHERE transaction_id = " + key);
  }

  private static int euStore() throws SQLException {
    return Integer.parseInt(mesh.backendColumn(
        "SELECT min(store_id) FROM sales.stores WHERE region = 'EU'").get(0));
  }
}
