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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Set-returning functions joined LATERALly through Meshgate with pgjdbc, in the simple and the
 * extended protocol, as alice on the demo's sales.store_transactions (row filter region EU,
 * customer_email masked by the email mask): the function reads the masked email of the EU rows
 * only. The expected rows come from alice's own plain read of the masked column, and the row
 * set from the backend's superuser with the filter written by hand.
 */
class LateralFunctionsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final String PIECES = "SELECT s.transaction_id, p.piece, p.n FROM sales.store_transactions s"
      + " CROSS JOIN LATERAL unnest(string_to_array(s.customer_email, '@')) WITH ORDINALITY AS p(piece, n)"
      + " ORDER BY 1, 3";

  private static Connection connect(String mode) throws SQLException {
    return mesh.connect("alice", "preferQueryMode", mode);
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theFunctionSplitsTheMaskedEmailOfTheEuRowsOnly(String mode) throws SQLException {
    try (Connection alice = connect(mode)) {
      List<List<String>> expected = new ArrayList<>();
      for (List<String> row : ResultRows.of(alice, "SELECT transaction_id, customer_email FROM sales.store_transactions"
          + " WHERE customer_email IS NOT NULL ORDER BY 1")) {
        String[] pieces = row.get(1).split("@", -1);
        for (int i = 0; i < pieces.length; i++) {
          expected.add(List.of(row.get(0), pieces[i], String.valueOf(i + 1)));
        }
      }
      List<List<String>> pieces = ResultRows.of(alice, PIECES);
      assertFalse(pieces.isEmpty());
      assertEquals(expected, pieces);
      // the local part the function saw is the mask's, never the stored one
      assertTrue(pieces.stream().filter(row -> row.get(2).equals("1")).allMatch(row -> row.get(1).equals("xxxx")),
          pieces.toString());
      assertEquals(
          mesh.backendColumn("SELECT DISTINCT transaction_id FROM sales.store_transactions"
              + " WHERE region = 'EU' AND customer_email IS NOT NULL ORDER BY 1"),
          pieces.stream().map(row -> row.get(0)).distinct().toList());
      List<String> storedLocalParts = mesh.backendColumn("SELECT split_part(customer_email, '@', 1)"
          + " FROM sales.store_transactions WHERE customer_email IS NOT NULL");
      assertFalse(storedLocalParts.isEmpty());
      assertTrue(pieces.stream().noneMatch(row -> storedLocalParts.contains(row.get(1))), pieces.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theJoinFormsReturnWhatTheBackendReturnsForTheFilteredRows(String mode) throws SQLException {
    try (Connection alice = connect(mode)) {
      assertEquals(
          mesh.backendColumn("SELECT count(*) FROM sales.store_transactions s, generate_series(1, s.store_id) g"
              + " WHERE s.region = 'EU'"),
          DemoMesh.column(alice, "SELECT count(*) FROM sales.store_transactions s"
              + " CROSS JOIN LATERAL generate_series(1, s.store_id) g"));
      assertEquals(
          mesh.backendColumn("SELECT s.transaction_id || ':' || e.n FROM sales.store_transactions s"
              + " LEFT JOIN LATERAL jsonb_array_elements(jsonb_build_array(s.store_id, s.region))"
              + " WITH ORDINALITY AS e(value, n) ON true WHERE s.region = 'EU' ORDER BY s.transaction_id, e.n"),
          DemoMesh.column(alice, "SELECT s.transaction_id || ':' || e.n FROM sales.store_transactions s"
              + " LEFT JOIN LATERAL jsonb_array_elements(jsonb_build_array(s.store_id, s.region))"
              + " WITH ORDINALITY AS e(value, n) ON true ORDER BY s.transaction_id, e.n"));
      // JOIN without LATERAL, and a parameter in the extended protocol
      try (PreparedStatement statement = alice.prepareStatement("SELECT count(*) FROM sales.store_transactions s"
          + " JOIN generate_series(1, s.store_id) g ON g > ?")) {
        statement.setInt(1, 1);
        try (ResultSet result = statement.executeQuery()) {
          assertTrue(result.next());
          assertEquals(mesh.backendColumn("SELECT count(*) FROM sales.store_transactions s"
                  + " JOIN generate_series(1, s.store_id) g ON g > 1 WHERE s.region = 'EU'"),
              List.of(result.getString(1)));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void whatCannotBeGovernedIsRefused(String mode) throws SQLException {
    try (Connection alice = connect(mode)) {
      SQLException function = assertThrows(SQLException.class, () -> ResultRows.of(alice,
          "SELECT * FROM sales.store_transactions s CROSS JOIN LATERAL pg_ls_dir(s.region) d"));
      assertEquals("42501", function.getSQLState());
      SQLException rowsFrom = assertThrows(SQLException.class, () -> ResultRows.of(alice,
          "SELECT * FROM sales.store_transactions s, LATERAL ROWS FROM (generate_series(1, s.store_id)) r"));
      assertEquals("0A000", rowsFrom.getSQLState());
      assertTrue(rowsFrom.getMessage().contains("ROWS FROM"), rowsFrom.getMessage());
    }
  }
}
