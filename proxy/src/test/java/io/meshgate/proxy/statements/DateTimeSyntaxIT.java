package io.meshgate.proxy.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.ResultRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Date/time syntax BI tools send ({@code AT TIME ZONE}, {@code CURRENT_TIMESTAMP(0)} and its
 * kin, {@code (a, b) OVERLAPS (c, d)}) through Meshgate with pgjdbc against real PostgreSQL, in
 * the simple and the extended protocol, on alice's governed sales.store_transactions (row filter
 * region EU, customer_email masked). The expected rows are the superuser's, running the same
 * query over alice's rows written by hand, so they come from outside Meshgate.
 */
class DateTimeSyntaxIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  @BeforeAll
  static void addAnUndeclaredColumn() throws SQLException {
    mesh.addUndeclaredTransactionsColumn("internal_at timestamptz DEFAULT now()");
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void atTimeZoneReturnsExactlyTheFilteredRows(String mode) throws SQLException {
    String sql = "SELECT transaction_id, day::timestamp AT TIME ZONE 'UTC',"
        + " day::timestamptz AT TIME ZONE 'Europe/Paris' AT TIME ZONE 'Asia/Tokyo',"
        + " date_trunc('month', day::timestamp AT TIME ZONE 'UTC') + interval '1 day'"
        + " FROM sales.store_transactions ORDER BY transaction_id";
    // the filter matters: over every region there are more rows
    assertNotEquals(mesh.backendRows(sql).size(), mesh.alicesTransactionRows(mode, sql).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aMaskedColumnStaysMaskedNextToAtTimeZone(String mode) throws SQLException {
    String sql = "SELECT customer_email || ' on ' || day::timestamp AT TIME ZONE 'UTC' FROM sales.store_transactions"
        + " WHERE day::timestamp AT TIME ZONE 'UTC' > '2000-01-01' ORDER BY transaction_id";
    for (List<String> row : mesh.alicesTransactionRows(mode, sql)) {
      assertTrue(row.get(0) == null || row.get(0).startsWith("xxxx"), row.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theZoneMayBeAParameter(String mode) throws SQLException {
    String sql = "SELECT transaction_id, day::timestamp AT TIME ZONE ? FROM sales.store_transactions ORDER BY 1";
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        PreparedStatement statement = alice.prepareStatement(sql)) {
      statement.setString(1, "America/New_York");
      List<List<String>> governed = ResultRows.of(statement.executeQuery());
      assertEquals(mesh.alicesTransactionRowsByHand(sql.replace("?", "'America/New_York'")), governed);
      assertTrue(governed.size() > 1, governed.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void currentTimestampWithAPrecision(String mode) throws SQLException {
    String sql = "SELECT count(*), min(transaction_id) FROM sales.store_transactions"
        + " WHERE day < current_timestamp(0) AND day::timestamp < localtimestamp(3)"
        + " AND current_time(2) IS NOT NULL AND localtime(0) IS NOT NULL";
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      List<List<String>> governed = ResultRows.of(alice, sql);
      assertEquals(mesh.alicesTransactionRowsByHand(sql), governed);
      assertNotEquals("0", governed.get(0).get(0));
      // the precision reached PostgreSQL: no fraction of a second at precision 0
      assertEquals(List.of(List.of("t", "timestamp with time zone")), ResultRows.of(alice,
          "SELECT current_timestamp(0) = date_trunc('second', current_timestamp(0)), pg_typeof(CURRENT_TIMESTAMP(0))::text"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void overlapsInPostgresqlsSpelling(String mode) throws SQLException {
    List<String> bounds = mesh.backendColumn("SELECT d::text FROM (SELECT min(day) AS d FROM sales.store_transactions"
        + " UNION ALL SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY day) FROM sales.store_transactions) b ORDER BY 1");
    String sql = "SELECT transaction_id, (day, day + 1) OVERLAPS (DATE '" + bounds.get(1) + "', interval '1 year')"
        + " FROM sales.store_transactions WHERE (day, interval '1 day') OVERLAPS (DATE '" + bounds.get(0)
        + "', DATE '" + bounds.get(1) + "') ORDER BY transaction_id";
    assertNotEquals(mesh.backendRows(sql).size(), mesh.alicesTransactionRows(mode, sql).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aDeniedColumnIsRefusedAndAtLocalNamesTheFix(String mode) throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode); Statement statement = alice.createStatement()) {
      SQLException denied = assertThrows(SQLException.class, () -> statement.executeQuery(
          "SELECT day, internal_at AT TIME ZONE 'UTC' FROM sales.store_transactions").close());
      assertEquals("42501", denied.getSQLState());
      assertTrue(denied.getMessage().contains("column internal_at of relation sales.store_transactions"),
          denied.getMessage());
      SQLException inOverlaps = assertThrows(SQLException.class, () -> statement.executeQuery(
          "SELECT day FROM sales.store_transactions WHERE (internal_at, day) OVERLAPS (now(), now())").close());
      assertEquals("42501", inOverlaps.getSQLState());
      SQLException atLocal = assertThrows(SQLException.class, () -> statement.executeQuery(
          "SELECT day::timestamptz AT LOCAL FROM sales.store_transactions").close());
      assertEquals("0A000", atLocal.getSQLState());
      assertTrue(atLocal.getMessage().contains("AT TIME ZONE current_setting('TimeZone')"), atLocal.getMessage());
    }
  }
}
