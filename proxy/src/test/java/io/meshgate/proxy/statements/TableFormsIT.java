package io.meshgate.proxy.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ways PostgreSQL lets a query name a table besides a plain name in FROM: {@code ONLY},
 * {@code TABLESAMPLE} and {@code TABLE name}, against real PostgreSQL. The expected rows are the
 * superuser's, reading the same table with alice's row filter (region EU on sales.stores) written
 * by hand, so they come from outside Meshgate.
 */
class TableFormsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  /** Store ids far above the demo's, in a table inheriting from sales.stores. */
  private static final int ARCHIVED_EU_STORE = 90_001;
  private static final int ARCHIVED_US_STORE = 90_002;

  @BeforeAll
  static void archiveInheritsFromStores() throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute("CREATE TABLE sales.stores_archive () INHERITS (sales.stores)");
      statement.execute("INSERT INTO sales.stores_archive (store_id, zip_code, region) VALUES ("
          + ARCHIVED_EU_STORE + ", '10115', 'EU'), (" + ARCHIVED_US_STORE + ", '10001', 'US')");
    }
  }

  @Test
  void onlyReadsTheParentsOwnRowsAndTheFilterStillApplies() throws SQLException {
    try (Connection alice = mesh.connect("alice")) {
      List<String> withChildren = column(alice, "SELECT store_id FROM sales.stores ORDER BY 1");
      assertEquals(mesh.backendColumn("SELECT store_id FROM sales.stores WHERE region = 'EU' ORDER BY 1"), withChildren);
      assertTrue(withChildren.contains(String.valueOf(ARCHIVED_EU_STORE)), withChildren.toString());
      assertFalse(withChildren.contains(String.valueOf(ARCHIVED_US_STORE)), withChildren.toString());

      List<String> only = column(alice, "SELECT s.store_id FROM ONLY sales.stores s ORDER BY 1");
      assertEquals(mesh.backendColumn("SELECT store_id FROM ONLY sales.stores WHERE region = 'EU' ORDER BY 1"), only);
      assertFalse(only.isEmpty());
      assertFalse(only.contains(String.valueOf(ARCHIVED_EU_STORE)), only.toString());
      assertEquals(only, column(alice, "SELECT store_id FROM ONLY (sales.stores) ORDER BY 1"));
    }
  }

  @Test
  void tablesampleSamplesTheRawRowsThenTheFilterApplies() throws SQLException {
    try (Connection alice = mesh.connect("alice")) {
      for (String method : List.of("BERNOULLI (50) REPEATABLE (42)", "SYSTEM (100)", "BERNOULLI (0)")) {
        assertEquals(
            mesh.backendColumn("SELECT store_id FROM sales.stores TABLESAMPLE " + method + " WHERE region = 'EU' ORDER BY 1"),
            column(alice, "SELECT store_id FROM sales.stores TABLESAMPLE " + method + " ORDER BY 1"),
            method);
      }
      assertEquals(
          mesh.backendColumn("SELECT store_id FROM ONLY sales.stores TABLESAMPLE BERNOULLI (70) REPEATABLE (7)"
              + " WHERE region = 'EU' ORDER BY 1"),
          column(alice, "SELECT x.store_id FROM ONLY sales.stores AS x TABLESAMPLE BERNOULLI (70) REPEATABLE (7)"
              + " ORDER BY 1"));
    }
  }

  @Test
  void tableNameIsSelectStarFrom() throws SQLException {
    try (Connection alice = mesh.connect("alice")) {
      assertEquals(rows(alice, "SELECT * FROM sales.stores ORDER BY 1"), rows(alice, "TABLE sales.stores ORDER BY 1"));
      assertEquals(mesh.backendColumn("SELECT DISTINCT store_id FROM sales.stores WHERE region = 'EU' ORDER BY 1"),
          column(alice, "SELECT store_id FROM (TABLE sales.stores UNION TABLE sales.stores) u ORDER BY 1"));
      assertEquals(column(alice, "SELECT count(*) FROM sales.stores"),
          column(alice, "WITH s AS (TABLE sales.stores) SELECT count(*) FROM s"));
    }
  }


  private static List<String> column(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  /** Every row with its column names, so a different column list shows. */
  private static List<String> rows(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData metadata = result.getMetaData();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= metadata.getColumnCount(); i++) {
          row.append(metadata.getColumnName(i)).append('=').append(result.getString(i)).append(' ');
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
