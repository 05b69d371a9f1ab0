package io.meshgate.proxy.statements;

import static io.meshgate.proxy.DemoMesh.ALICES_TRANSACTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.ResultRows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Constant and expression forms Calcite reads differently from PostgreSQL or not at all (bit
 * strings, national strings, array slices), through Meshgate with pgjdbc in the simple and the
 * extended protocol, as alice on sales.store_transactions (row filter region EU, customer_email
 * masked). The expected rows are the superuser's, running the
 * same query over alice's rows written by hand, so they come from outside Meshgate.
 */
class LiteralFormsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  @BeforeAll
  static void addAColumnNamedB() throws SQLException {
    mesh.addUndeclaredTransactionsColumn("b bit(3) DEFAULT B'111'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void bitAndNationalStringsAreConstantsOverTheFilteredRows(String mode) throws SQLException {
    String sql = "SELECT transaction_id, B'101', b'1' || B'0', B'101' | B'010', length(B'10101'),"
        + " N'x', N'a ' = 'a', customer_email || N'!' FROM sales.store_transactions"
        + " WHERE B'1' = b'1' ORDER BY transaction_id LIMIT 50";
    List<List<String>> governed = mesh.alicesTransactionRows(mode, sql);
    assertEquals(List.of("101", "10", "111", "5", "x", "t"), governed.get(0).subList(1, 7));
  }

  /**
   * The table has a column b that alice may not read: {@code B'101'} is the constant, not that
   * column with an alias (which would be refused, or with a readable column, return its values).
   */
  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aBitStringIsNotTheColumnNamedByItsLetter(String mode) throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      assertEquals(List.of(List.of("101")), ResultRows.of(alice, "SELECT DISTINCT B'101' FROM sales.store_transactions"));
      assertEquals(List.of(List.of("010")), ResultRows.of(alice, "SELECT DISTINCT b'010' FROM sales.store_transactions"));
      SQLException denied = assertThrows(SQLException.class,
          () -> ResultRows.of(alice, "SELECT DISTINCT b FROM sales.store_transactions"));
      assertEquals("42501", denied.getSQLState());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void arraySlicesOverTheFilteredRowsAndTheMaskedColumn(String mode) throws SQLException {
    String sql = "SELECT transaction_id, (string_to_array(customer_email, '@'))[:1],"
        + " (string_to_array(customer_email, '@'))[2:], (ARRAY[store_id, 7, 8])[2:3],"
        + " (ARRAY[ARRAY[store_id, 1], ARRAY[2, 3]])[1:1][2:] FROM sales.store_transactions"
        + " WHERE (ARRAY[store_id, 0])[1:1] <> ARRAY[0] AND customer_email IS NOT NULL"
        + " ORDER BY transaction_id LIMIT 50";
    List<List<String>> governed = mesh.alicesTransactionRows(mode, sql);
    // the address is sliced after masking: its local part is the mask's
    assertTrue(governed.stream().allMatch(row -> row.get(1).equals("{xxxx}")), governed.toString());
    assertEquals(List.of("{7,8}", "{{1}}"), governed.get(0).subList(3, 5));
  }
}
