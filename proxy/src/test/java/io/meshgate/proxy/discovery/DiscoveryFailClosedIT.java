package io.meshgate.proxy.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.proxy.DemoMesh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Discovery under policies that grant nothing (a copy of policies/ whose global rule governs no
 * database, so every product decision denies) and while OPA is down, without a decision cache.
 */
class DiscoveryFailClosedIT {
  @RegisterExtension
  static final DemoMesh mesh = DemoMesh.uncachedWithEditedPolicies(policies -> {
    Path decision = policies.resolve("global/decision.rego");
    String original = Files.readString(decision);
    String grantsNothing = original.replace("governed_catalogs := {\"mesh\"}", "governed_catalogs := {\"elsewhere\"}");
    assertTrue(!grantsNothing.equals(original), "the edit must change global/decision.rego");
    Files.writeString(decision, grantsNothing);
  });

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  void aUserWhoMayReadNothingGetsNoRowsWithTheColumnsAndTypes() throws SQLException {
    try (Connection bob = mesh.connect("bob"); Statement statement = bob.createStatement()) {
      SQLException denied = assertThrows(SQLException.class,
          () -> statement.executeQuery("SELECT * FROM weather.daily_temperatures").close());
      assertEquals("42501", denied.getSQLState(), "these policies grant nothing");
      assertEquals(0, count(statement, "SELECT count(*) FROM meshgate.data_products"));
      assertEquals(0, count(statement, "SELECT count(*) FROM meshgate.columns WHERE NOT masked"));
      assertEquals(List.of("domain text", "product text", "qualified_name text", "description text",
              "owners _text", "domain_description text", "row_filtered bool"),
          DiscoveryIT.columnTypes(statement, "SELECT * FROM meshgate.data_products"));
      assertEquals(List.of("domain text", "product text", "column_name text", "ordinal_position int4",
              "data_type text", "description text", "classification text", "masked bool", "mask text"),
          DiscoveryIT.columnTypes(statement, "SELECT * FROM meshgate.columns"));
    }
  }

  @Test
  void refusedWhileOpaIsDownAndBackWhenItReturns() throws Exception {
    ManagedOpaProcess opa = mesh.environment().meshgate().managedOpa().orElseThrow();
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      assertEquals(0, count(statement, "SELECT count(*) FROM meshgate.data_products"));
      opa.stop();
      try {
        SQLException error = assertThrows(SQLException.class,
            () -> count(statement, "SELECT count(*) FROM meshgate.data_products"));
        assertEquals("58000", error.getSQLState());
        assertTrue(error.getMessage().contains("policy engine is unavailable"), error.getMessage());
      } finally {
        opa.start();
      }
      assertEquals(0, count(statement, "SELECT count(*) FROM meshgate.data_products"));
    }
  }
}
