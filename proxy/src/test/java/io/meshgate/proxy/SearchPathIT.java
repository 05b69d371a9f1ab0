package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unqualified table names mean what the backend's search path makes them mean, as the session
 * changes it with SET, SET LOCAL, RESET, transactions and savepoints. The backend holds two
 * tables named {@code stores}: the data product {@code sales.stores} and
 * {@code weather.stores}, which is no data product (so the policy denies it): a Meshgate that
 * resolved a name with the wrong search path would answer from the other table.
 */
class SearchPathIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  @BeforeAll
  static void shadowTable() throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute("CREATE TABLE weather.stores (store_id integer, zip_code text, region text)");
      statement.execute("GRANT SELECT ON weather.stores TO " + mesh.environment().backend().serviceUser());
    }
  }

  private static long storeCount(Statement statement, String table) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      assertTrue(rows.next());
      return rows.getLong(1);
    }
  }

  private static void assertDeniedNotAProduct(Statement statement) {
    SQLException denied = assertThrows(SQLException.class, () -> storeCount(statement, "stores"));
    assertEquals("42501", denied.getSQLState(), denied.getMessage());
    assertTrue(denied.getMessage().contains("weather.stores"), denied.getMessage());
  }

  private static void assertUnresolved(Statement statement) {
    SQLException unknown = assertThrows(SQLException.class, () -> storeCount(statement, "stores"));
    assertEquals("42P01", unknown.getSQLState(), unknown.getMessage());
  }

  @Test
  void setSearchPathDecidesWhichTableAnUnqualifiedNameMeans() throws SQLException {
    for (String mode : new String[] {"simple", "extended"}) {
      try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
          Statement statement = alice.createStatement()) {
        long governed = storeCount(statement, "sales.stores");
        assertUnresolved(statement);
        statement.execute("SET search_path TO sales, weather");
        assertEquals(governed, storeCount(statement, "stores"), mode);
        statement.execute("SET search_path = weather, sales");
        assertDeniedNotAProduct(statement);
        statement.execute("SET SESSION search_path TO \"sales\"");
        assertEquals(governed, storeCount(statement, "stores"), mode);
        statement.execute("RESET search_path");
        assertUnresolved(statement);
      }
    }
  }

  @Test
  void aRolledBackSetAndSetLocalEndWithTheirTransaction() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      long governed = storeCount(statement, "sales.stores");
      statement.execute("SET search_path TO sales");

      alice.setAutoCommit(false);
      statement.execute("SET search_path TO weather");
      assertDeniedNotAProduct(statement);
      alice.rollback();
      assertEquals(governed, storeCount(statement, "stores"));
      alice.commit();

      statement.execute("SET LOCAL search_path TO weather");
      assertDeniedNotAProduct(statement);
      alice.rollback(); // the refusal aborted the transaction; SET LOCAL ends with it anyway
      statement.execute("SET LOCAL search_path TO weather");
      alice.commit();
      assertEquals(governed, storeCount(statement, "stores"));
      alice.commit();

      statement.execute("SET search_path TO weather");
      alice.commit();
      assertDeniedNotAProduct(statement);
      alice.rollback();
    }
  }

  @Test
  void aSetFollowedByAnErrorInTheSameImplicitTransactionIsUndone() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      long governed = storeCount(statement, "sales.stores");
      statement.execute("SET search_path TO sales");
      // one batch, one Sync: the failing statement rolls the implicit transaction back,
      // the SET included, as on PostgreSQL itself
      statement.addBatch("SET search_path TO weather");
      statement.addBatch("SELECT 1/0");
      assertThrows(SQLException.class, statement::executeBatch);
      assertEquals(governed, storeCount(statement, "stores"));
    }
  }

  @Test
  void afterRollbackToSavepointThePathIsUnknownUntilSetAgain() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      long governed = storeCount(statement, "sales.stores");
      alice.setAutoCommit(false);
      statement.execute("SET search_path TO sales");
      statement.execute("SAVEPOINT before_change");
      statement.execute("SET search_path TO weather");
      statement.execute("ROLLBACK TO SAVEPOINT before_change");
      // Meshgate does not follow savepoints: unqualified names resolve nowhere (fail closed)
      assertUnresolved(statement);
      alice.rollback();
      alice.setAutoCommit(true);
      assertEquals(governed, storeCount(statement, "sales.stores"));
      statement.execute("SET search_path TO sales");
      assertEquals(governed, storeCount(statement, "stores"));
    }
  }

  @Test
  void pgjdbcSetSchemaAndCurrentSchemaWork() throws SQLException {
    try (Connection alice = mesh.connect("alice", "currentSchema", "sales");
        PreparedStatement query = alice.prepareStatement("SELECT count(*) FROM stores WHERE store_id > ?")) {
      long governed;
      try (Statement statement = alice.createStatement()) {
        governed = storeCount(statement, "sales.stores WHERE store_id > 0");
      }
      for (int round = 0; round < 6; round++) { // past prepareThreshold: a named server statement
        query.setInt(1, 0);
        try (ResultSet rows = query.executeQuery()) {
          assertTrue(rows.next());
          assertEquals(governed, rows.getLong(1));
        }
      }
      alice.setSchema("weather");
      try (Statement statement = alice.createStatement()) {
        assertDeniedNotAProduct(statement);
      }
      alice.setSchema("sales");
      try (Statement statement = alice.createStatement()) {
        assertEquals(governed, storeCount(statement, "stores WHERE store_id > 0"));
      }
    }
  }

  /**
   * With pg_catalog after another schema, that schema's types, functions and operators would
   * stand in for the built-ins in the masks and filters Meshgate writes: refused by SET and at
   * startup (pgjdbc sends currentSchema as the startup search_path).
   */
  @Test
  void aSearchPathWithPgCatalogAfterAnotherSchemaIsRefused() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      SQLException set = assertThrows(SQLException.class, () -> statement.execute("SET search_path = public, pg_catalog"));
      assertEquals("42501", set.getSQLState(), set.getMessage());
      statement.execute("SET search_path = pg_catalog, sales");
      assertEquals(storeCount(statement, "sales.stores WHERE store_id > 0"), storeCount(statement, "stores WHERE store_id > 0"));
    }
    SQLException startup = assertThrows(SQLException.class,
        () -> mesh.connect("alice", "currentSchema", "sales,pg_catalog").close());
    assertEquals("42501", startup.getSQLState(), startup.getMessage());
    try (Connection alice = mesh.connect("alice", "currentSchema", "pg_catalog,sales")) {
      assertEquals("pg_catalog", alice.getSchema());
    }
  }

  /**
   * PostgreSQL reads a number in a search path list as a schema of that name, so a number after
   * pg_catalog would hide that pg_catalog comes after another schema.
   */
  @Test
  void aSearchPathWithANumberIsRefused() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      for (String set : List.of("SET search_path = public, pg_catalog, 1", "SET search_path TO sales, pg_catalog, -1.5")) {
        SQLException refused = assertThrows(SQLException.class, () -> statement.execute(set), set);
        assertEquals("42501", refused.getSQLState(), refused.getMessage());
        try (ResultSet path = statement.executeQuery("SHOW search_path")) {
          assertTrue(path.next());
          assertFalse(path.getString(1).contains("pg_catalog"), path.getString(1));
        }
      }
    }
  }

  /** Tools ask for the default schema (pgjdbc's getSchema is {@code SELECT current_schema()}). */
  @Test
  void theDefaultSchemaIsPublicWhereTheServiceRoleCannotCreate() throws SQLException {
    try (Connection alice = mesh.connect("alice")) {
      assertEquals("public", alice.getSchema());
    }
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement();
        ResultSet privileges = statement.executeQuery("SELECT has_schema_privilege('"
            + mesh.environment().backend().serviceUser() + "', 'public', 'CREATE')")) {
      assertTrue(privileges.next());
      assertFalse(privileges.getBoolean(1), "the service role creates nothing in schema public");
    }
  }

  @Test
  void aSetEarlierInTheSameQueryDecidesForTheStatementsAfterIt() throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", "simple");
        Statement statement = alice.createStatement()) {
      long governed = storeCount(statement, "sales.stores");
      // one simple Query: the SET changes what "stores" means for the SELECT after it
      boolean resultSet = statement.execute("SET search_path TO sales, weather; SELECT count(*) FROM stores");
      while (!resultSet) {
        assertTrue(statement.getUpdateCount() != -1, "no result set came back");
        resultSet = statement.getMoreResults();
      }
      try (ResultSet rows = statement.getResultSet()) {
        assertTrue(rows.next());
        assertEquals(governed, rows.getLong(1));
      }
      // and the session keeps it afterwards
      assertEquals(governed, storeCount(statement, "stores"));
      SQLException denied = assertThrows(SQLException.class,
          () -> statement.execute("SET search_path TO weather, sales; SELECT count(*) FROM stores"));
      assertEquals("42501", denied.getSQLState(), denied.getMessage());
      // refused whole: the SET did not run either
      assertEquals(governed, storeCount(statement, "stores"));
    }
  }
}
