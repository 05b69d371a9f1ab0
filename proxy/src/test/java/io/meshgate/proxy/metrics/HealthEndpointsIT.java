package io.meshgate.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics port of the running demo: readiness follows the real managed OPA as it is stopped
 * and started, and /metrics exposes every metric the Grafana dashboard uses.
 */
class HealthEndpointsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @TempDir static Path work;
  private static DemoEnvironment demo;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void startDemo() throws IOException {
    demo = DemoEnvironment.start(new DemoEnvironment.Settings(
        RepositoryRoot.find().orElseThrow(), work, 0, Optional.of(0), Duration.ofSeconds(5)));
    base = "http://127.0.0.1:" + demo.meshgate().metricsPort().orElseThrow();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  @AfterAll
  static void stopDemo() {
    if (http != null) {
      http.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Probes until the answer matches, as a load balancer would; the last answer either way. */
  private static HttpResponse<String> probeUntil(String path, Predicate<HttpResponse<String>> wanted)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> response = get(path);
    while (!wanted.test(response) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      response = get(path);
    }
    return response;
  }

  @Test
  void readinessFollowsTheManagedOpa() throws Exception {
    assertEquals(200, get("/health/live").statusCode());
    HttpResponse<String> ready = probeUntil("/health/ready", response -> response.statusCode() == 200);
    assertEquals(200, ready.statusCode(), ready.body());
    JsonNode components = JSON.readTree(ready.body()).get("components");
    assertEquals(Set.of("opa", "backend", "audit"), fieldNames(components));

    ManagedOpaProcess opa = demo.meshgate().managedOpa().orElseThrow();
    try {
      opa.stop();
      HttpResponse<String> notReady = probeUntil("/health/ready", response -> response.statusCode() == 503);
      assertEquals(503, notReady.statusCode(), notReady.body());
      JsonNode body = JSON.readTree(notReady.body());
      assertEquals("[\"opa\"]", body.get("not_ready").toString(), notReady.body());
      assertEquals("the managed OPA process is not running", body.at("/components/opa/detail").asText());
      // Liveness is about the process, not its dependencies: a restart would not bring OPA back.
      assertEquals(200, get("/health/live").statusCode());
    } finally {
      opa.start();
    }
    HttpResponse<String> readyAgain = probeUntil("/health/ready", response -> response.statusCode() == 200);
    assertEquals(200, readyAgain.statusCode(), readyAgain.body());
  }

  @Test
  void metricsExposeEveryMetricTheDashboardUses() throws Exception {
    // A governed statement, so that the labelled metrics (statements, stages, relations) have samples.
    try (Connection alice = DriverManager.getConnection(demo.jdbcUrl() + "?sslmode=disable", "alice", "alice");
        Statement statement = alice.createStatement();
        ResultSet rows = statement.executeQuery("SELECT region, count(*) FROM sales.store_transactions GROUP BY region")) {
      assertTrue(rows.next());
    }
    HttpResponse<String> scrape = get("/metrics");
    assertEquals(200, scrape.statusCode());
    Set<String> exposed = sampleNames(scrape.body());
    Set<String> missing = new TreeSet<>(DashboardMetrics.metricNames(DashboardMetrics.dashboard()));
    missing.removeAll(exposed);
    assertTrue(missing.isEmpty(), "the dashboard uses metrics that /metrics does not expose: " + missing);
    // The sink was opened with the metrics' observer: the statement's event is in the histograms.
    assertTrue(sampleValue(scrape.body(), "meshgate_audit_event_write_seconds_count") >= 1, scrape.body());
    assertTrue(sampleValue(scrape.body(), "meshgate_audit_batch_write_seconds_count") >= 1, scrape.body());
    // simpleclient writes a comma after the last label: {revision="…",}
    String revision = demo.meshgate().managedOpa().orElseThrow().revision();
    assertTrue(scrape.body().lines().anyMatch(line -> line.matches(
            "meshgate_policy_revision_info\\{revision=\"" + Pattern.quote(revision) + "\",?} 1\\.0")),
        "the active revision " + revision + " should be a label: " + scrape.body().lines()
            .filter(line -> line.contains("revision_info")).toList());
  }

  @Test
  void everyExecutionOfAPreparedStatementIsCountedUnderItsOwnLabels() throws Exception {
    // The session resolves a statement's counters once and reuses them while the same governed
    // statement runs again: each Execute must still count, and the next statement its own labels.
    String transactions = "sales.store_transactions";
    String stores = "sales.stores";
    try (Connection alice = DriverManager.getConnection(
        demo.jdbcUrl() + "?sslmode=disable&prepareThreshold=1", "alice", "alice")) {
      String before = get("/metrics").body();
      try (java.sql.PreparedStatement prepared =
          alice.prepareStatement("SELECT count(*) FROM sales.store_transactions WHERE amount > ?")) {
        for (int execution = 0; execution < 4; execution++) {
          prepared.setInt(1, execution);
          try (ResultSet rows = prepared.executeQuery()) {
            assertTrue(rows.next());
          }
        }
      }
      try (Statement statement = alice.createStatement();
          ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.stores")) {
        assertTrue(rows.next());
      }
      String after = get("/metrics").body();
      assertEquals(5, labelledSum(after, "meshgate_statements_total", "") - labelledSum(before, "meshgate_statements_total", ""),
          after);
      assertEquals(4, relationQueries(after, transactions) - relationQueries(before, transactions), after);
      assertEquals(1, relationQueries(after, stores) - relationQueries(before, stores), after);
    }
  }

  @Test
  void aWriteTheRowFiltersRefuseIsCountedAsADenial() throws Exception {
    // The decision allows alice's INSERT; Meshgate's own check of the new row (region US is
    // outside her filter) refuses it while it runs. Counted as allowed, it would hide the denial.
    String transactions = "sales.store_transactions";
    try (Connection alice = DriverManager.getConnection(demo.jdbcUrl() + "?sslmode=disable", "alice", "alice");
        Statement statement = alice.createStatement()) {
      String before = get("/metrics").body();
      java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> statement.executeUpdate("INSERT INTO sales.store_transactions (store_id, day, amount, region)"
              + " VALUES (1, DATE '2026-06-03', 1, 'US')"));
      assertEquals("42501", refused.getSQLState());
      String after = get("/metrics").body();
      String deniedInserts = "kind=\"insert\",outcome=\"denied\"";
      assertEquals(1, labelledSum(after, "meshgate_statements_total", deniedInserts)
          - labelledSum(before, "meshgate_statements_total", deniedInserts), after);
      assertEquals(0, relationQueries(after, transactions) - relationQueries(before, transactions), after);
      assertEquals(1, relationQueries(after, transactions, "denied") - relationQueries(before, transactions, "denied"),
          after);
    }
  }

  /** Allowed queries of one relation ({@code schema.table}, whatever its catalog). */
  private static double relationQueries(String exposition, String relation) {
    return relationQueries(exposition, relation, "allowed");
  }

  /** Queries of one relation ({@code schema.table}, whatever its catalog) with this decision label. */
  private static double relationQueries(String exposition, String relation, String decision) {
    return labelledSum(exposition, "meshgate_relation_queries_total",
        "relation=\"[^\"]*\\." + Pattern.quote(relation) + "\",decision=\"" + decision + "\"");
  }

  /** The sum of a labelled sample's values whose labels match {@code labels} (a regular expression). */
  private static double labelledSum(String exposition, String name, String labels) {
    Pattern sample = Pattern.compile(Pattern.quote(name) + "\\{" + (labels.isEmpty() ? "" : labels + ",?") + "[^}]*} (\\S+)");
    return exposition.lines()
        .map(sample::matcher)
        .filter(java.util.regex.Matcher::matches)
        .mapToDouble(matcher -> Double.parseDouble(matcher.group(1)))
        .sum();
  }

  /** The value of an unlabelled sample in a Prometheus text exposition. */
  private static double sampleValue(String exposition, String name) {
    return exposition.lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not exposed"));
  }

  /** The names of the samples in a Prometheus text exposition (not the # HELP and # TYPE lines). */
  private static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
