package io.meshgate.proxy.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's comparisons copied into the derived tables (rewriter's PredicatePushdown) against
 * real PostgreSQL: answers do not change, and a predicate that could reveal rows the filters
 * exclude is never among the copies. alice is an analyst of region EU.
 */
class PredicatePushdownIT {
  // The probe is a user function, so the function allowlist must name it for this test.
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standardAllowing("probes.reveals_other_regions");

  @BeforeAll
  static void createRevealingFunction() throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      // Raises on any row outside EU: should PostgreSQL ever evaluate it on a row the filter
      // excludes, the error would reveal that row. Its tiny cost makes the planner evaluate it
      // before any other condition at the same level.
      statement.execute("CREATE SCHEMA probes");
      statement.execute("GRANT USAGE ON SCHEMA probes TO PUBLIC");
      statement.execute("""
          CREATE FUNCTION probes.reveals_other_regions(region text) RETURNS boolean
          LANGUAGE plpgsql COST 0.0001 AS $$
          BEGIN
            IF region <> 'EU' THEN
              RAISE EXCEPTION 'saw a row of region %', region;
            END IF;
            RETURN true;
          END $$""");
    }
  }

  @Test
  void aRaisingPredicateNeverSeesFilteredRows() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      // store_id > 0 is copied into the derived table; the function must stay outside it.
      List<Integer> stores = ints(statement.executeQuery(
          "SELECT store_id FROM sales.stores WHERE store_id > 0 AND probes.reveals_other_regions(region) ORDER BY 1"));
      assertFalse(stores.isEmpty());
      assertEquals(stores, ints(statement.executeQuery(
          "SELECT store_id FROM sales.stores WHERE store_id > 0 ORDER BY 1")));
      // Division by zero on non-EU rows: int4div is not leakproof and is never copied.
      assertEquals(stores, ints(statement.executeQuery("SELECT store_id FROM sales.stores"
          + " WHERE store_id > 0 AND 1 / (CASE WHEN region = 'EU' THEN 1 ELSE 0 END) = 1 ORDER BY 1")));
    }
  }

  @Test
  void copiedComparisonsDoNotChangeAnswers() throws SQLException {
    int store = firstStoreOutsideAndInside();
    try (Connection alice = mesh.connect("alice"); Connection backend = mesh.backendAsSuperuser()) {
      for (int candidate : List.of(store, store + 1, store + 2)) {
        List<Integer> governed = countAndIds(alice, candidate);
        List<Integer> truth = new ArrayList<>();
        try (PreparedStatement statement = backend.prepareStatement("SELECT count(*) FROM sales.store_transactions"
            + " WHERE store_id = ? AND region = 'EU'")) {
          statement.setInt(1, candidate);
          truth.addAll(ints(statement.executeQuery()));
        }
        assertEquals(truth.get(0), governed.get(0), "store " + candidate);
      }
    }
  }

  /**
   * An UPDATE guards the client's condition with a CASE over the filters, which no index can
   * serve; the copies of its leakproof comparisons stand beside the filters. The plan uses the
   * (store_id, day) index, and the raising probe in the same condition still never sees a row of
   * another region.
   */
  @Test
  void aKeyedUpdateUsesAnIndexAndItsRaisingPredicateNeverSeesFilteredRows() throws Exception {
    int store = firstStoreOutsideAndInside();
    String update = "UPDATE sales.store_transactions SET amount = amount WHERE store_id = " + store
        + " AND day >= DATE '2000-01-01' AND probes.reveals_other_regions(region)";
    int expected;
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      expected = ints(statement.executeQuery("SELECT count(*) FROM sales.store_transactions WHERE store_id = "
          + store + " AND region = 'EU'")).get(0);
      assertTrue(ints(statement.executeQuery("SELECT count(*) FROM sales.store_transactions WHERE store_id = "
          + store + " AND region <> 'EU'")).get(0) > 0, "the store has rows the probe must never see");
    }
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      assertEquals(expected, statement.executeUpdate(update));
    }

    String forwarded = forwardedSql(update);
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute("SET enable_seqscan = off"); // a sequential scan only if nothing else can serve it
      List<String> plan = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("EXPLAIN " + forwarded)) {
        while (rows.next()) {
          plan.add(rows.getString(1));
        }
      }
      assertTrue(plan.stream().anyMatch(line -> line.contains("Index Scan") || line.contains("Index Only Scan")),
          "the forwarded UPDATE cannot use an index: " + forwarded + "\n" + String.join("\n", plan));
    }
  }

  /** The SQL Meshgate forwarded for {@code sql}, from the audit log. */
  private static String forwardedSql(String sql) throws java.io.IOException {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : java.nio.file.Files.readAllLines(mesh.environment().auditFile())) {
      com.fasterxml.jackson.databind.JsonNode event = json.readTree(line);
      if (sql.equals(event.path("sql").textValue())) {
        return event.path("rewritten_sql").textValue();
      }
    }
    throw new AssertionError("no audit event for " + sql);
  }

  /** A parameter ($1) is copied with a cast to the column's type; declared as numeric it must still work. */
  @Test
  void parametersOfAnotherDeclaredTypeStillAnswerTheSame() throws SQLException {
    try (Connection alice = mesh.connect("alice", "prepareThreshold", "1");
        PreparedStatement byInteger = alice.prepareStatement("SELECT count(*) FROM sales.stores WHERE store_id = ?");
        PreparedStatement byNumeric = alice.prepareStatement("SELECT count(*) FROM sales.stores WHERE store_id = ?")) {
      for (int store = 1; store <= 4; store++) {
        byInteger.setInt(1, store);
        byNumeric.setBigDecimal(1, new java.math.BigDecimal(store));
        assertEquals(ints(byInteger.executeQuery()), ints(byNumeric.executeQuery()));
      }
      byNumeric.setBigDecimal(1, new java.math.BigDecimal("1.5"));
      assertEquals(List.of(0), ints(byNumeric.executeQuery()), "no store has id 1.5, not even after a cast");
    }
  }

  private static List<Integer> countAndIds(Connection alice, int store) throws SQLException {
    try (Statement statement = alice.createStatement()) {
      return ints(statement.executeQuery(
          "SELECT count(*) FROM sales.store_transactions WHERE store_id = " + store));
    }
  }

  private static int firstStoreOutsideAndInside() throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      List<Integer> ids = ints(statement.executeQuery("SELECT min(store_id) FROM sales.stores WHERE region <> 'EU'"));
      assertTrue(ids.get(0) != null && ids.get(0) > 0);
      return ids.get(0);
    }
  }

  private static List<Integer> ints(ResultSet rows) throws SQLException {
    List<Integer> values = new ArrayList<>();
    try (rows) {
      while (rows.next()) {
        values.add(rows.getInt(1));
      }
    }
    return values;
  }
}
