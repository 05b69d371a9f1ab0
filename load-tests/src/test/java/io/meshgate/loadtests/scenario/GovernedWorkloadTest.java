package io.meshgate.loadtests.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GovernedWorkloadTest {
  @Test
  void theShippedWorkloadHasFiveStatementsOnRegionalAndMaskedTables() {
    GovernedWorkload workload = GovernedWorkload.load();
    List<String> statements = workload.statements("sales", "customers", Map.of("store", 7L, "customer", 1234L));
    assertEquals(5, statements.size());
    assertEquals("SELECT store_id, zip_code, region FROM sales.stores WHERE store_id = 7", statements.get(0));
    assertTrue(statements.get(1).contains("FROM customers.customers WHERE customer_id = 1234"), statements.get(1));
    String script = workload.script("native_sales", "native_customers");
    assertTrue(script.contains("FROM native_sales.store_transactions"), script);
    assertTrue(script.contains("\\set store random(1, 60)"), script);
    assertFalse(script.contains("{sales}"), script);
  }

  @Test
  void variablesAreReplacedButCastsAreNot() {
    GovernedWorkload workload = GovernedWorkload.of("""
        -- a comment with :store in it
        \\set store random(1, 5)
        SELECT x::text FROM {sales}.t WHERE a = :store AND b = :store_id;
        SELECT 1 FROM {customers}.c;
        """);
    assertEquals(List.of("SELECT x::text FROM s.t WHERE a = 3 AND b = 9", "SELECT 1 FROM c.c"),
        workload.statements("s", "c", Map.of("store", 3L, "store_id", 9L)));
    assertThrows(IllegalArgumentException.class, () -> workload.statements("s", "c", Map.of("store", 3L)));
  }

  @Test
  void schemaNamesMustBePlain() {
    GovernedWorkload workload = GovernedWorkload.load();
    assertThrows(IllegalArgumentException.class, () -> workload.script("sales; DROP TABLE x", "customers"));
    assertThrows(IllegalArgumentException.class, () -> GovernedWorkload.of("SELECT 1"));
  }
}
