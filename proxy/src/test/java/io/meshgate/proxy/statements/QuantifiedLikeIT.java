package io.meshgate.proxy.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.ResultRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code x [NOT] LIKE|ILIKE ANY|SOME|ALL (array)} through Meshgate with pgjdbc, in the simple
 * and the extended protocol, as alice on the demo's sales.store_transactions (row filter region
 * EU, customer_email masked): the patterns match the masked email of the EU rows only. The
 * expected rows are her rows written by hand ({@link DemoMesh#ALICES_TRANSACTIONS}) read from the
 * backend as its superuser.
 */
class QuantifiedLikeIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static Connection connect(String mode) throws SQLException {
    return mesh.connect("alice", "preferQueryMode", mode);
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void thePatternsMatchAlicesMaskedRows(String mode) throws SQLException {
    try (Connection alice = connect(mode)) {
      for (String condition : List.of(
          "customer_email LIKE ANY (ARRAY['xxxx@%', '%@nowhere.invalid'])",
          "customer_email LIKE SOME ('{%.com,%.org}')",
          "customer_email ILIKE ALL (ARRAY['XXXX@%', '%.%'])",
          "customer_email NOT LIKE ALL (ARRAY['%.com', '%.net'])",
          "region || customer_email NOT ILIKE ANY (ARRAY['eu%'])")) {
        List<List<String>> expected = mesh.backendRows("SELECT transaction_id, customer_email FROM "
            + DemoMesh.ALICES_TRANSACTIONS + " WHERE " + condition + " ORDER BY 1");
        assertEquals(expected, ResultRows.of(alice, "SELECT transaction_id, customer_email"
            + " FROM sales.store_transactions WHERE " + condition + " ORDER BY 1"), condition);
      }
      assertFalse(mesh.backendRows("SELECT 1 FROM " + DemoMesh.ALICES_TRANSACTIONS
          + " WHERE customer_email LIKE ANY (ARRAY['xxxx@%'])").isEmpty());
    }
  }

  /** A pattern that matches a stored email's local part finds nothing: only the mask is matched. */
  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theStoredEmailIsNeverMatched(String mode) throws SQLException {
    List<String> storedLocalParts = mesh.backendColumn("SELECT DISTINCT split_part(customer_email, '@', 1)"
        + " FROM sales.store_transactions WHERE region = 'EU' AND customer_email LIKE '%@%'");
    assertFalse(storedLocalParts.isEmpty());
    try (Connection alice = connect(mode);
        PreparedStatement statement = alice.prepareStatement("SELECT count(*) FROM sales.store_transactions"
            + " WHERE customer_email LIKE ANY (CAST(? AS text[]))")) {
      statement.setString(1, "{" + String.join(",",
          storedLocalParts.stream().map(local -> "\"" + local + "@%\"").toList()) + "}");
      try (ResultSet result = statement.executeQuery()) {
        assertTrue(result.next());
        assertEquals(0, result.getInt(1));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void whatCannotBeReadAsPostgresqlMeansItIsRefused(String mode) throws SQLException {
    try (Connection alice = connect(mode)) {
      SQLException similar = assertThrows(SQLException.class, () -> ResultRows.of(alice,
          "SELECT 1 FROM sales.store_transactions WHERE region SIMILAR TO ANY (ARRAY['E%'])"));
      assertEquals("42601", similar.getSQLState());
      SQLException subquery = assertThrows(SQLException.class, () -> ResultRows.of(alice,
          "SELECT 1 FROM sales.store_transactions WHERE region LIKE ALL (SELECT region FROM sales.stores)"));
      assertEquals("42601", subquery.getSQLState());
      assertTrue(subquery.getMessage().contains("ARRAY(SELECT"), subquery.getMessage());
    }
  }
}
