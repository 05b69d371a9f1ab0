package io.meshgate.proxy.statements;

import static io.meshgate.proxy.DemoMesh.column;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code WITH x AS [NOT] MATERIALIZED (...)} and generic typed literals through Meshgate against
 * real PostgreSQL: the hint changes nothing about which rows alice sees, because her row filter
 * and mask sit beneath the CTE body. The expected rows are the superuser's, with her filter
 * written by hand.
 */
class MaterializedCtesIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  @Test
  void aMaterializedCteReturnsOnlyAlicesRows() throws SQLException {
    List<String> expected = mesh.backendColumn(
        "SELECT transaction_id FROM sales.store_transactions WHERE region = 'EU' ORDER BY 1");
    assertFalse(expected.isEmpty());
    assertNotEquals(expected, mesh.backendColumn("SELECT transaction_id FROM sales.store_transactions ORDER BY 1"),
        "the demo must have rows alice may not see");
    try (Connection alice = mesh.connect("alice")) {
      for (String hint : List.of("MATERIALIZED", "NOT MATERIALIZED", "")) {
        assertEquals(expected, column(alice, "WITH t AS " + hint
            + " (SELECT transaction_id, region FROM sales.store_transactions) SELECT transaction_id FROM t ORDER BY 1"),
            hint);
      }
      // a predicate on the CTE cannot reach rows beneath the filter, inlined or not
      assertEquals(List.of("0"), column(alice, "WITH t AS NOT MATERIALIZED (SELECT region FROM sales.store_transactions)"
          + " SELECT count(*) FROM t WHERE region <> text 'EU'"));
      // the mask applies inside the materialized body
      for (String email : column(alice, "WITH t AS MATERIALIZED (SELECT customer_email FROM sales.store_transactions)"
          + " SELECT customer_email FROM t WHERE customer_email IS NOT NULL")) {
        assertTrue(email.startsWith("xxxx"), email);
      }
    }
  }

  @Test
  void typedLiteralsAreCasts() throws SQLException {
    try (Connection alice = mesh.connect("alice")) {
      String literals = "SELECT text 'EU' || '|' || int4 '3' || '|' || numeric(5,2) '1.5' || '|'"
          + " || boolean 'true' FROM sales.store_transactions LIMIT 1";
      assertEquals(mesh.backendColumn(literals), column(alice, literals));
      assertTrue(column(alice, literals).get(0).startsWith("EU|3|1.50|"));
      assertEquals(column(alice, "SELECT count(*) FROM sales.store_transactions"),
          column(alice, "SELECT count(*) FROM sales.store_transactions WHERE region = varchar 'EU'"));
    }
  }
}
