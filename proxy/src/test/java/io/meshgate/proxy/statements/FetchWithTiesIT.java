package io.meshgate.proxy.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.ResultRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code FETCH FIRST n ROWS WITH TIES} through Meshgate with pgjdbc, in the simple and the
 * extended protocol, as alice on the demo's sales.store_transactions (row filter region EU,
 * customer_email masked): the ties are decided over her rows, written by hand ({@link
 * DemoMesh#ALICES_TRANSACTIONS}) and read from the backend as its superuser.
 */
class FetchWithTiesIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static Connection connect(String mode) throws SQLException {
    return mesh.connect("alice", "preferQueryMode", mode);
  }

  /** Rows in the order of their text: the order among ties is PostgreSQL's choice. */
  private static List<List<String>> sorted(List<List<String>> rows) {
    List<List<String>> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(Object::toString));
    return copy;
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void boundCountsPageThroughAlicesRows(String mode) throws SQLException {
    // pgjdbc's simple mode writes LIMIT ? OFFSET ? as LIMIT ('4'::int4) OFFSET ('3'::int8)
    try (Connection alice = connect(mode); PreparedStatement page = alice.prepareStatement(
        "SELECT transaction_id FROM sales.store_transactions ORDER BY transaction_id LIMIT ? OFFSET ?")) {
      page.setInt(1, 4);
      page.setLong(2, 3L);
      assertEquals(mesh.backendRows("SELECT transaction_id FROM " + DemoMesh.ALICES_TRANSACTIONS
          + " ORDER BY transaction_id LIMIT 4 OFFSET 3"), ResultRows.of(page.executeQuery()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theTiesAreThoseOfAlicesRows(String mode) throws SQLException {
    try (Connection alice = connect(mode)) {
      for (String tail : List.of("ORDER BY amount FETCH FIRST 3 ROWS WITH TIES",
          "ORDER BY store_id, day FETCH NEXT 5 ROW WITH TIES",
          // the ties are over the masked values, as alice sees them: every EU row whose masked
          // email sorts first, however different the stored ones are
          "ORDER BY customer_email FETCH FIRST 1 ROW WITH TIES")) {
        List<List<String>> expected = mesh.backendRows(
            "SELECT transaction_id, customer_email FROM " + DemoMesh.ALICES_TRANSACTIONS + " " + tail);
        List<List<String>> actual = ResultRows.of(alice,
            "SELECT transaction_id, customer_email FROM sales.store_transactions " + tail);
        assertEquals(sorted(expected), sorted(actual), tail);
        assertTrue(!actual.isEmpty(), tail);
      }
      // in simple mode pgjdbc writes the bound count into the text as ('1'::int4)
      try (PreparedStatement statement = alice.prepareStatement("SELECT count(*) FROM (SELECT transaction_id"
          + " FROM sales.store_transactions ORDER BY day FETCH FIRST ? ROWS WITH TIES) x")) {
        statement.setInt(1, 1);
        try (ResultSet result = statement.executeQuery()) {
          assertTrue(result.next());
          assertEquals(mesh.backendColumn("SELECT count(*) FROM (SELECT transaction_id FROM "
                  + DemoMesh.ALICES_TRANSACTIONS + " ORDER BY day FETCH FIRST 1 ROWS WITH TIES) x"),
              List.of(result.getString(1)));
        }
      }
    }
  }
}
