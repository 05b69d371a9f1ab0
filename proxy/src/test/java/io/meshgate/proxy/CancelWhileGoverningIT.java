package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A CancelRequest that arrives while Meshgate still governs the statement cancels that
 * statement, as PostgreSQL cancels the query it is busy with: the client gets 57014, the
 * statement never reaches the backend, it is audited as cancelled, and the session goes on.
 * Nothing of the session is in the backend then, whose idle connection would ignore a forwarded
 * cancel; the statement would run once governed although its client had given up on it (Go's
 * pgx sends a CancelRequest for a context that ends, often while the first decision of a
 * statement is still being made). The test's policy ({@code policies/cancel-while-governing})
 * takes a second or more for every decision (within a long OPA timeout), and the decision cache
 * is off.
 */
class CancelWhileGoverningIT {
  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withPolicy("/policies/cancel-while-governing/slow_decisions.rego")
      .properties(properties -> {
        properties.setProperty("decision_cache.ttl", "0s");
        // Slow, not unavailable: the decisions must come, however busy the machine.
        properties.setProperty("opa.timeout", "30s");
      });

  @ParameterizedTest(name = "preferQueryMode={0}")
  @ValueSource(strings = {"simple", "extended"})
  void aCancelWhileTheStatementIsGovernedCancelsIt(String mode) throws Exception {
    String marker = "cancelled-while-governed-" + UUID.randomUUID();
    ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
    try (Connection carol = mesh.connect("carol", "preferQueryMode", mode); Statement statement = carol.createStatement()) {
      canceller.schedule(() -> {
        statement.cancel();
        return null;
      }, 300, TimeUnit.MILLISECONDS);
      SQLException cancelled = assertThrows(SQLException.class, () -> statement.executeQuery(
          "SELECT pg_sleep(2), count(*) FROM sales.stores /* " + marker + " */"));
      assertEquals("57014", cancelled.getSQLState(), cancelled.getMessage());
      assertEquals("ERROR: canceling statement due to user request", cancelled.getMessage());
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.stores")) {
        assertTrue(rows.next(), "the session goes on");
      }
    } finally {
      canceller.shutdownNow();
    }
    List<String> outcomes = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.directory().resolve("audit.jsonl"))) {
      JsonNode event = new ObjectMapper().readTree(line);
      if (event.path("sql").asText().contains(marker)) {
        outcomes.add(event.at("/outcome/status").asText() + " " + event.at("/outcome/sql_state").asText()
            + " forwarded " + !event.path("rewritten_sql").isNull());
      }
    }
    // Not forwarded: the sleep never ran in the backend (before, it ran once governed, and the
    // client got its row).
    assertEquals(List.of("cancelled 57014 forwarded false"), outcomes);
  }
}
