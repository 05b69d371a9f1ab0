package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.reload.PolicyReloader;
import io.meshgate.proxy.demo.DemoDataMesh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Through Meshgate, with OPA serving a domain whose row filter is an expression: the backend
 * evaluates it in alice's session, whose time zone she sets. {@code day >= current_date} would
 * have admitted a day or two more to her under {@code Etc/GMT+12} than under {@code
 * Pacific/Kiritimati}; it is a policy error instead (42501, every zone, nothing forwarded), and
 * once the domain writes the UTC date, every zone sees the same rows.
 */
class PolicyExpressionTimeZoneIT {
  private static final String SESSION_DATE = "day >= current_date";
  private static final String UTC_DATE = "day >= (now() AT TIME ZONE 'UTC')::date";

  @RegisterExtension
  static final DemoMesh mesh = DemoMesh.uncachedWithEditedPolicies(PolicyExpressionTimeZoneIT::timekeepingDomain);

  private static final List<String> ZONES = List.of("'UTC'", "'Etc/GMT+12'", "'Pacific/Kiritimati'", "0.0003");

  /** A domain whose events table everyone reads, filtered by the expression in its data.json. */
  private static void timekeepingDomain(Path policies) throws IOException {
    Path domain = Files.createDirectories(policies.resolve("timekeeping"));
    Files.writeString(domain.resolve("data.json"), data(SESSION_DATE));
    Files.writeString(domain.resolve("policy.rego"), """
        # METADATA
        # title: Timekeeping domain (PolicyExpressionTimeZoneIT)
        # description: Everyone reads the events of the recent days; data.json says which.
        package meshgate.domains.timekeeping

        import data.meshgate.lib

        metadata := data.timekeeping

        grants.events.read contains "timekeeping.readers" if {
        \tlib.authenticated
        }

        row_filters.events contains {"rule": "timekeeping.recent", "filter": {"expression": metadata.recent_filter}} if {
        \tlib.authenticated
        }
        """);
    Files.writeString(domain.resolve("policy_test.rego"), """
        package meshgate.domains.timekeeping_test

        import data.meshgate
        import data.meshgate_test.fixtures

        test_everyone_reads_the_recent_events if {
        \tdecision := meshgate.decision with input as fixtures.read("alice", "timekeeping", "events")
        \tdecision.allow == true
        \tdecision.relations["mesh.timekeeping.events"].row_filters == [{"expression": data.timekeeping.recent_filter, "policy": "timekeeping.recent"}]
        }
        """);
  }

  private static String data(String filter) {
    return """
        {
          "description": "Events with a day (PolicyExpressionTimeZoneIT).",
          "owners": ["timekeepers"],
          "recent_filter": "%s",
          "products": {
            "events": {
              "description": "One row per event.",
              "columns": {
                "id": {"description": "Event identifier."},
                "day": {"description": "Day of the event."}
              }
            }
          }
        }
        """.formatted(filter);
  }

  /** One event a day, from 30 days before to 30 days after today at UTC. */
  @BeforeAll
  static void events() throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute("CREATE SCHEMA timekeeping");
      statement.execute("CREATE TABLE timekeeping.events (id integer, day date)");
      statement.execute("INSERT INTO timekeeping.events"
          + " SELECT k, (now() AT TIME ZONE 'UTC')::date + k FROM generate_series(-30, 30) AS k");
      statement.execute("GRANT USAGE ON SCHEMA timekeeping TO " + DemoDataMesh.SERVICE_USER);
      statement.execute("GRANT SELECT ON timekeeping.events TO " + DemoDataMesh.SERVICE_USER);
    }
  }

  /** alice's count of events in each zone, or the SQLSTATE and message of her error. */
  private static List<String> alicesCounts() throws SQLException {
    List<String> outcomes = new ArrayList<>();
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      for (String zone : ZONES) {
        statement.execute("SET TIME ZONE " + zone);
        try {
          outcomes.add(DemoMesh.column(alice, "SELECT count(*) FROM timekeeping.events").get(0));
        } catch (SQLException e) {
          outcomes.add(e.getSQLState() + " " + e.getMessage());
        }
      }
    }
    return outcomes;
  }

  private static String backendCount(String zone, String filter) throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute("SET TIME ZONE " + zone);
      return DemoMesh.column(backend, "SELECT count(*) FROM timekeeping.events WHERE " + filter).get(0);
    }
  }

  @Test
  void aFilterOnTheClientsCurrentDateIsAPolicyErrorAndTheUtcDateHoldsInEveryZone() throws Exception {
    // the hazard, on the backend itself: the west's current date is a day or two behind the east's
    assertNotEquals(backendCount("'Etc/GMT+12'", SESSION_DATE), backendCount("'Pacific/Kiritimati'", SESSION_DATE));

    List<String> outcomes = alicesCounts();
    assertTrue(outcomes.stream().allMatch(outcome -> outcome.startsWith("42501 ")
        && outcome.contains("current_date is computed in the client's time zone")
        && outcome.contains("(now() AT TIME ZONE 'UTC')::date")), "in " + ZONES + ": " + outcomes);

    PolicyReloader reloader = mesh.environment().meshgate().policyReloader().orElseThrow();
    String revision = reloader.status().activeRevision();
    Files.writeString(mesh.policiesDirectory().resolve("timekeeping/data.json"), data(UTC_DATE));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (reloader.status().activeRevision().equals(revision) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertNotEquals(revision, reloader.status().activeRevision(), "the edit was not activated");

    String expected = backendCount("'UTC'", UTC_DATE);
    assertEquals("31", expected, "days 0 to 30");
    assertEquals(ZONES.stream().map(zone -> expected).toList(), alicesCounts());
  }
}
