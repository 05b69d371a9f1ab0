package io.meshgate.proxy.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.ResultRows;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Functions with a column definition list ({@code jsonb_to_recordset(...) AS r(a int, b text)})
 * through Meshgate with pgjdbc, in the simple and the extended protocol, as alice on the demo's
 * sales.store_transactions (row filter region EU, customer_email masked): the function reads the
 * masked email of her rows only, written by hand ({@link DemoMesh#ALICES_TRANSACTIONS}).
 */
class ColumnDefinitionListsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theFunctionReadsAlicesMaskedRows(String mode) throws SQLException {
    String lateral = " CROSS JOIN LATERAL jsonb_to_record(jsonb_build_object('e', s.customer_email, 'n', s.store_id))"
        + " AS r(e text, n int) ORDER BY 1";
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      List<List<String>> rows = ResultRows.of(alice,
          "SELECT s.transaction_id, r.* FROM sales.store_transactions s" + lateral);
      assertFalse(rows.isEmpty());
      assertEquals(mesh.backendRows("SELECT s.transaction_id, r.* FROM " + DemoMesh.ALICES_TRANSACTIONS.replace(
          " AS store_transactions", " AS s") + lateral), rows);
      assertTrue(rows.stream().allMatch(row -> row.get(1) == null || row.get(1).startsWith("xxxx@")), rows.get(0).toString());
      assertEquals(List.of(List.of("1", "x")), ResultRows.of(alice,
          "SELECT r.a, r.b FROM jsonb_to_recordset('[{\"a\":1,\"b\":\"x\"}]'::jsonb) AS r(a int, b text)"));
    }
  }
}
