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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * PostgreSQL's constraint errors describe the row that failed: a NOT NULL or CHECK violation
 * says {@code DETAIL: Failing row contains (...)} with every column's raw value, a unique
 * violation {@code DETAIL: Key (a, b)=(...)} with the key's values. For alice, who writes
 * sales.store_transactions under a row filter with customer_email masked, those values include
 * the raw e-mail address. PostgreSQL itself leaves the detail out when row-level security
 * applies or the user may not read every column; Meshgate must too.
 */
class WriteErrorDetailsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final String RAW_EMAIL = "secret.person@hidden.example.org";
  private static final long FIRST = 970_000_001L;
  private static final long SECOND = 970_000_002L;

  @BeforeAll
  static void rows() throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      int store = Integer.parseInt(DemoMesh.column(backend, "SELECT min(store_id) FROM sales.stores WHERE region = 'EU'").get(0));
      statement.executeUpdate("INSERT INTO sales.store_transactions (transaction_id, store_id, day, amount, customer_email, region)"
          + " VALUES (" + FIRST + ", " + store + ", DATE '2026-08-01', 1, '" + RAW_EMAIL + "', 'EU'),"
          + " (" + SECOND + ", " + store + ", DATE '2026-08-02', 1, '" + RAW_EMAIL + "', 'EU')");
      // one customer, one sale a day: a unique key over a column alice sees only masked
      statement.execute("CREATE UNIQUE INDEX store_transactions_one_sale_a_day ON sales.store_transactions"
          + " (customer_email, day) WHERE transaction_id >= " + FIRST);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aNotNullViolationDoesNotShowTheFailingRow(String mode) throws SQLException {
    PSQLException error = failedUpdate(mode, "UPDATE sales.store_transactions SET amount = NULL WHERE transaction_id = " + FIRST);
    assertEquals("23502", error.getSQLState());
    assertTrue(error.getMessage().contains("null value in column \"amount\""), error.getMessage());
    assertNoRawValue(error);
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aUniqueViolationDoesNotShowTheKeyOfAMaskedColumn(String mode) throws SQLException {
    PSQLException error = failedUpdate(mode,
        "UPDATE sales.store_transactions SET day = DATE '2026-08-01' WHERE transaction_id = " + SECOND);
    assertEquals("23505", error.getSQLState());
    assertTrue(error.getMessage().contains("store_transactions_one_sale_a_day"), error.getMessage());
    assertNoRawValue(error);
    assertEquals(List.of("2026-08-02"), mesh.backendColumn(
        "SELECT day FROM sales.store_transactions WHERE transaction_id = " + SECOND));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theSessionGoesOnAfterTheError(String mode) throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode); Statement statement = alice.createStatement()) {
      assertThrows(SQLException.class, () -> statement.executeUpdate(
          "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, NULL, 1, 'EU')"));
      try (ResultSet rows = statement.executeQuery("SELECT customer_email FROM sales.store_transactions WHERE transaction_id = " + FIRST)) {
        assertTrue(rows.next());
        assertEquals("xxxx@hidden.example.org", rows.getString(1));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aForeignKeyTellsOnlyWhetherTheReferencedKeyExists(String mode) throws SQLException {
    // a documented existence oracle (CONTRACT.md, Writes): a store of another region, which
    // alice cannot read, is accepted as a reference; one that does not exist is not
    String otherRegionsStore = mesh.backendColumn("SELECT min(store_id) FROM sales.stores WHERE region <> 'EU'").get(0);
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode); Statement statement = alice.createStatement()) {
      alice.setAutoCommit(false);
      assertEquals(1, statement.executeUpdate("UPDATE sales.store_transactions SET store_id = " + otherRegionsStore
          + " WHERE transaction_id = " + FIRST));
      alice.rollback();
    }
    PSQLException missing = failedUpdate(mode,
        "UPDATE sales.store_transactions SET store_id = 987654 WHERE transaction_id = " + FIRST);
    assertEquals("23503", missing.getSQLState());
    assertNoRawValue(missing);
  }

  private static PSQLException failedUpdate(String mode, String sql) throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        PreparedStatement statement = alice.prepareStatement(sql)) {
      return assertThrows(PSQLException.class, statement::executeUpdate);
    }
  }

  private static void assertNoRawValue(PSQLException error) {
    ServerErrorMessage server = error.getServerErrorMessage();
    String everything = error.getMessage() + " | " + (server == null ? "" : server.getDetail() + " | " + server.getHint()
        + " | " + server.getWhere() + " | " + server.getInternalQuery());
    assertFalse(everything.contains("secret.person"), everything);
    assertTrue(server != null && server.getDetail() != null && server.getDetail().contains("Meshgate"), everything);
  }
}
