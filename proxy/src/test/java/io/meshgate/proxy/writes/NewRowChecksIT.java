package io.meshgate.proxy.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededBackend;
import io.meshgate.proxy.SeededMesh;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The check of a new or changed row against the row filters (like PostgreSQL's WITH CHECK,
 * which reads the row as stored) where the stored row differs from the values the statement
 * gives. A filter that reads a generated column: PostgreSQL computes {@code region} of
 * sales.regional_notes from {@code country}, so an UPDATE of {@code country} moves a row across
 * the filter {@code region IN ('EU')} without assigning {@code region}; Meshgate's check sees
 * only the columns the statement assigns, so it must refuse such an UPDATE. A filter on a
 * rounded column: {@code amount < 10000} on a {@code numeric(12,2)}, where {@code 9999.996} is
 * stored as {@code 10000.00}. A filter on a column of its own collation: {@code name < 'n'},
 * which orders {@code 'Zed'} before {@code 'n'} under "C" and after it under ICU's root
 * collation. The policy is the test's own
 * ({@code src/test/resources/policies/new-row-checks}).
 */
class NewRowChecksIT {
  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withPolicy("/policies/new-row-checks/new_row_checks.rego").users("alice")
      .beforeMeshgate(NewRowChecksIT::createTables);
  /** Names that sort differently around 'n' under "C" and under a language's collation. */
  private static final List<String> NAMES = List.of("Zed", "apple", "Mike", "zed", "Nancy", "nancy", "_x", "0");
  private static final List<String> COLLATED_TABLES = List.of("sales.icu_names_structured", "sales.icu_names_expression");

  /** sales.regional_notes and the collated tables, writable by Meshgate's service user. */
  private static void createTables(SeededBackend backend) throws SQLException {
    try (Connection superuser = backend.backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("CREATE TABLE sales.regional_notes (note_id integer PRIMARY KEY, country text NOT NULL,"
          + " body text, region text GENERATED ALWAYS AS"
          + " (CASE WHEN country IN ('DE', 'FR') THEN 'EU' ELSE 'US' END) STORED)");
      statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON sales.regional_notes TO "
          + backend.backend().serviceUser());
      // a collation that orders the names otherwise than the database's default does
      String collation = defaultOrdersLikeC(statement) ? "pg_catalog.\"und-x-icu\"" : "pg_catalog.\"C\"";
      for (String table : COLLATED_TABLES) {
        statement.execute("CREATE TABLE " + table + " (id integer PRIMARY KEY, name text COLLATE " + collation + ","
            + " note text DEFAULT 'left to its default', noted_at timestamptz DEFAULT clock_timestamp())");
        statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + backend.backend().serviceUser());
      }
    }
  }

  @BeforeEach
  void notes() throws SQLException {
    try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("TRUNCATE sales.regional_notes");
      statement.execute("INSERT INTO sales.regional_notes (note_id, country, body) VALUES (1, 'DE', 'a'), (2, 'US', 'b')");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void anUpdateOfWhatTheGeneratedFilterColumnIsComputedFromIsRefused(String mode) throws SQLException {
    try (Connection alice = connect(mode); Statement statement = alice.createStatement()) {
      SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "UPDATE sales.regional_notes SET country = 'US' WHERE note_id = 1"));
      assertEquals("0A000", refused.getSQLState());
      assertTrue(refused.getMessage().contains("generated column region"), refused.getMessage());
    }
    assertEquals(List.of(List.of("DE", "EU")), rows("SELECT country, region FROM sales.regional_notes WHERE note_id = 1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void deletesAndReadsStillWorkUnderTheFilter(String mode) throws SQLException {
    try (Connection alice = connect(mode); Statement statement = alice.createStatement()) {
      assertEquals(List.of("1"), DemoMesh.column(alice, "SELECT note_id FROM sales.regional_notes"));
      assertEquals(0, statement.executeUpdate("DELETE FROM sales.regional_notes WHERE note_id = 2"));
      assertEquals(1, statement.executeUpdate("DELETE FROM sales.regional_notes WHERE note_id = 1"));
    }
    assertEquals(List.of(List.of("2")), rows("SELECT note_id FROM sales.regional_notes"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aValueTheColumnRoundsOutsideTheFilterIsRefused(String mode) throws SQLException {
    String before = rows("SELECT count(*) FROM sales.store_transactions WHERE amount >= 10000").get(0).get(0);
    try (Connection alice = connect(mode); Statement statement = alice.createStatement()) {
      for (String sql : List.of(
          "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, DATE '2026-09-01', 9999.996, 'EU')",
          "UPDATE sales.store_transactions SET amount = 9999.999 WHERE transaction_id = 1000001")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.executeUpdate(sql), sql);
        assertEquals("42501", refused.getSQLState(), sql);
        assertTrue(refused.getMessage().contains("new row violates the row filters"), refused.getMessage());
      }
      // just inside stays inside
      assertEquals(1, statement.executeUpdate("UPDATE sales.store_transactions SET amount = 9999.994"
          + " WHERE transaction_id = 1000001"));
    }
    assertEquals(List.of(List.of(before)), rows("SELECT count(*) FROM sales.store_transactions WHERE amount >= 10000"));
    assertEquals(List.of(List.of("9999.99")), rows("SELECT amount FROM sales.store_transactions WHERE transaction_id = 1000001"));
  }

  /**
   * A new row is checked under the column's collation, as the filter reads the stored row: a
   * name enters exactly when the filter then shows it, and a name compared under the database's
   * default collation instead would have been let in outside the filter (or kept out inside).
   */
  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aNewRowIsComparedUnderTheColumnsCollation(String mode) throws SQLException {
    for (String table : COLLATED_TABLES) {
      try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement()) {
        statement.execute("TRUNCATE " + table);
      }
      List<String> insideByCollation = new java.util.ArrayList<>();
      for (String name : NAMES) {
        if (collationSays(table, name)) {
          insideByCollation.add(name);
        }
      }
      List<String> insideByDefault = NAMES.stream().filter(name -> {
        try {
          return rows("SELECT '" + name + "'::text < 'n'").get(0).get(0).equals("t");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }).toList();
      // on this server, the column's collation decides otherwise than the default for some name
      assertTrue(!insideByCollation.equals(insideByDefault), insideByCollation + " " + insideByDefault);
      try (Connection alice = connect(mode); Statement statement = alice.createStatement()) {
        List<String> inserted = new java.util.ArrayList<>();
        for (int i = 0; i < NAMES.size(); i++) {
          String sql = "INSERT INTO " + table + " (id, name) VALUES (" + i + ", '" + NAMES.get(i) + "')";
          try {
            statement.executeUpdate(sql);
            inserted.add(NAMES.get(i));
          } catch (SQLException refused) {
            assertEquals("42501", refused.getSQLState(), sql + ": " + refused.getMessage());
          }
        }
        assertEquals(insideByCollation, inserted, table);
        // and an UPDATE that renames a row inside to each name
        for (String name : NAMES) {
          String sql = "UPDATE " + table + " SET name = '" + name + "' WHERE id = 1"; // 'apple', inside both ways
          try {
            assertEquals(1, statement.executeUpdate(sql), sql);
            assertTrue(insideByCollation.contains(name), sql + " was let through");
            statement.executeUpdate("UPDATE " + table + " SET name = 'apple' WHERE id = 1");
          } catch (SQLException refused) {
            assertEquals("42501", refused.getSQLState(), sql + ": " + refused.getMessage());
            assertFalse(insideByCollation.contains(name), sql + " was refused");
          }
        }
      }
      // every stored row is one the filter shows
      assertEquals(List.of(List.of("0")), rows("SELECT count(*) FROM " + table + " WHERE NOT (name < 'n')"));
    }
  }

  /**
   * DEFAULT in the VALUES of a checked INSERT: a column every row leaves to its default is left
   * out of the INSERT, so PostgreSQL computes the default (a volatile one too) once per row as
   * it would; where the check needs the value (a column the filters read), or only some rows
   * give DEFAULT, Meshgate refuses it and says what to write instead.
   */
  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void defaultInTheValuesOfACheckedInsert(String mode) throws SQLException {
    String table = COLLATED_TABLES.get(0);
    try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("TRUNCATE " + table);
    }
    try (Connection alice = connect(mode); Statement statement = alice.createStatement()) {
      assertEquals(2, statement.executeUpdate("INSERT INTO " + table + " (id, name, note, noted_at)"
          + " VALUES (1, 'apple', DEFAULT, DEFAULT), (2, 'bob', DEFAULT, DEFAULT)"));
      SQLException filterColumn = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "INSERT INTO " + table + " (id, name) VALUES (3, DEFAULT)"));
      assertEquals("42501", filterColumn.getSQLState());
      assertTrue(filterColumn.getMessage().contains("must give column name a value"), filterColumn.getMessage());
      SQLException someRows = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "INSERT INTO " + table + " (id, name, note) VALUES (4, 'apple', DEFAULT), (5, 'bob', 'mine')"));
      assertEquals("0A000", someRows.getSQLState());
      assertTrue(someRows.getMessage().contains("leave the column out of the column list"), someRows.getMessage());
      // still checked: a row outside the filters is refused with its defaults
      SQLException outside = assertThrows(SQLException.class, () -> statement.executeUpdate(
          "INSERT INTO " + table + " (id, name, note) VALUES (6, 'zzz', DEFAULT)"));
      assertEquals("42501", outside.getSQLState());
    }
    // the defaults are PostgreSQL's own, a volatile one included
    assertEquals(List.of(List.of("1", "left to its default", "t"), List.of("2", "left to its default", "t")),
        rows("SELECT id, note, noted_at IS NOT NULL FROM " + table + " ORDER BY id"));
  }

  private static boolean collationSays(String table, String name) throws SQLException {
    try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("INSERT INTO " + table + " VALUES (-1, '" + name + "')");
      try (java.sql.ResultSet result = statement.executeQuery("SELECT name < 'n' FROM " + table + " WHERE id = -1")) {
        result.next();
        boolean inside = result.getBoolean(1);
        statement.execute("DELETE FROM " + table + " WHERE id = -1");
        return inside;
      }
    }
  }

  private static boolean defaultOrdersLikeC(Statement statement) throws SQLException {
    try (java.sql.ResultSet result = statement.executeQuery("SELECT 'Zed'::text < 'n'")) {
      result.next();
      return result.getBoolean(1);
    }
  }

  private static Connection connect(String mode) throws SQLException {
    return mesh.connect("alice", "preferQueryMode", mode);
  }

  private static List<List<String>> rows(String sql) throws SQLException {
    try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement();
        java.sql.ResultSet result = statement.executeQuery(sql)) {
      List<List<String>> rows = new java.util.ArrayList<>();
      while (result.next()) {
        List<String> row = new java.util.ArrayList<>();
        for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
          row.add(result.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
