package io.meshgate.proxy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditChainVerifier;
import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PSQLException;

/**
 * The audit events of an allowed, a denied, a failed and a cancelled statement, run by pgjdbc
 * through Meshgate and read back from the audit file: every field the schema documents, each
 * with the value it must have. Where the value comes from outside the event's producer it is
 * taken from there: the SQL the backend actually ran from {@code pg_stat_activity}, rows and
 * bytes from what the client received, the revision from the running OPA.
 */
class AuditTrailIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APPLICATION = "audit-trail-it";
  /** audit/README.md, "Event schema, version 1", in the documented order. */
  private static final List<String> EVENT_FIELDS = List.of("schema_version", "seq", "prev_hash", "event_id",
      "time", "session_id", "user", "groups", "client_address", "application_name", "database",
      "statement_kind", "ddl_action", "sql", "rewritten_sql", "relations", "decision", "outcome", "transaction", "backend",
      "hash");
  private static final List<String> RELATION_FIELDS =
      List.of("relation", "access", "columns", "row_filters", "masks", "denied_columns", "row_filter_policies",
          "mask_policies");
  private static final List<String> DECISION_FIELDS = List.of("allow", "reasons", "policies", "policy_revision");
  private static final List<String> OUTCOME_FIELDS =
      List.of("status", "sql_state", "rows", "bytes", "duration_micros", "message");
  /** Microseconds the event's end may differ from the test's clock readings (two clocks). */
  private static final long CLOCK_SLACK_MICROS = 2_000;

  private static final String ALLOWED = "SELECT transaction_id, customer_email, region FROM sales.store_transactions"
      + " ORDER BY transaction_id LIMIT 3";
  private static final String DENIED = "SELECT station_id, temperature_c FROM weather.stations_raw";
  private static final String FAILED = "SELECT transaction_id, amount / 0 AS broken FROM sales.store_transactions";
  private static final String CANCELLED = "SELECT store_id, pg_sleep(60) FROM sales.stores ORDER BY store_id LIMIT 1";

  @Test
  void allowedDeniedFailedAndCancelledStatementsAreAuditedWithEveryField() throws Exception {
    DemoEnvironment.DemoUser alice = DemoEnvironment.USERS.stream()
        .filter(user -> user.name().equals("alice")).findFirst().orElseThrow();
    String revision = mesh.environment().meshgate().managedOpa().orElseThrow().revision();
    List<Observed> observed = new ArrayList<>();
    try (Connection connection = mesh.connect("alice", "ApplicationName", APPLICATION);
        Statement statement = connection.createStatement()) {
      observed.add(observe(ALLOWED, () -> {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(ALLOWED)) {
          ResultSetMetaData columns = result.getMetaData();
          while (result.next()) {
            List<String> row = new ArrayList<>();
            for (int column = 1; column <= columns.getColumnCount(); column++) {
              row.add(result.getString(column));
            }
            rows.add(row);
          }
        }
        return new ClientResult(rows, Optional.empty());
      }));
      observed.add(observe(DENIED, () -> failure(() -> statement.executeQuery(DENIED).close())));
      observed.add(observe(FAILED, () -> failure(() -> statement.executeQuery(FAILED).close())));
      observed.add(observe(CANCELLED, () -> cancelWhileRunning(statement)));
    }

    List<JsonNode> events = new ArrayList<>();
    for (Observed statement : observed) {
      events.add(eventFor(statement.sql()));
    }
    String sessionId = events.get(0).path("session_id").asText();
    for (int i = 0; i < events.size(); i++) {
      assertCommonFields(events.get(i), observed.get(i), alice, sessionId);
    }
    assertAllowed(events.get(0), observed.get(0), revision);
    assertDenied(events.get(1), observed.get(1), revision);
    assertFailed(events.get(2), observed.get(2), revision);
    assertCancelled(events.get(3), observed.get(3), revision);

    assertEquals(4, events.stream().map(event -> event.path("event_id").asText()).distinct().count(),
        "every event has its own id");
    assertTrue(AuditChainVerifier.verifyAll(mesh.environment().auditFile()).intact(), "the log verifies");
  }

  @Test
  void eachSessionHasItsOwnSessionId() throws Exception {
    String first = "SELECT 'session one' AS marker";
    String second = "SELECT 'session two' AS marker";
    try (Connection one = mesh.connect("carol"); Connection two = mesh.connect("carol")) {
      one.createStatement().executeQuery(first).close();
      two.createStatement().executeQuery(second).close();
      one.createStatement().executeQuery(second + " -- again").close();
    }
    String sessionOne = eventFor(first).path("session_id").asText();
    assertNotEquals(sessionOne, eventFor(second).path("session_id").asText());
    assertEquals(sessionOne, eventFor(second + " -- again").path("session_id").asText());
  }

  @Test
  void textTheClientChoosesCannotBreakTheLinesOrTheChain() throws Exception {
    // Quotes, backslashes, line breaks, a Unicode line separator and what looks like a line of
    // the log of its own, in the SQL and the application name.
    String forgedLine = "\"}\n{\"schema_version\":1,\"seq\":1,\"hash\":\"" + "0".repeat(64) + "\"}\r\u2028\\";
    String sql = "SELECT '" + forgedLine + "' AS marker_hostile";
    String application = "app\"}{\\\n";
    try (Connection connection = mesh.connect("carol", "ApplicationName", application);
        Statement statement = connection.createStatement()) {
      statement.executeQuery(sql).close();
    }

    JsonNode event = eventFor(sql);
    assertEquals(sql, event.path("sql").textValue());
    // PostgreSQL shows control characters of an application_name as '?'; the rest is kept.
    assertTrue(event.path("application_name").textValue().startsWith("app\"}{\\"), event.toString());
    String log = Files.readString(mesh.environment().auditFile(), StandardCharsets.UTF_8);
    for (String line : log.split("\n")) {
      assertTrue(JSON.readTree(line).isObject(), "every line is one event: " + line);
    }
    assertTrue(AuditChainVerifier.verifyAll(mesh.environment().auditFile()).intact(), "the log verifies");
  }

  // ---- the four statements ------------------------------------------------------------------

  private static void assertAllowed(JsonNode event, Observed observed, String revision) throws SQLException {
    assertEquals("select", event.path("statement_kind").asText());
    assertTrue(event.path("ddl_action").isNull(), "only DDL has an action: " + event);
    // Each filter and mask with the rule that produced it: the region filter from the sales
    // domain's grant to analysts, the e-mail mask from the mesh-wide pii.email classification.
    assertRelations(event, List.of(relation("mesh.sales.store_transactions", "read",
        List.of("transaction_id", "customer_email", "region"), List.of("region in ('EU')"),
        List.of("sales.regional_readers"), "{\"customer_email\":\"email\"}",
        "{\"customer_email\":\"global.pii.email\"}")));
    assertDecision(event, List.of(), List.of("global.pii.email", "sales.regional_readers"), revision);
    String rewritten = event.path("rewritten_sql").textValue();
    assertEquals(observed.backendQuery(), rewritten, "rewritten_sql is what the backend ran");
    // The recorded SQL, run directly, gives exactly what the client got: EU rows, e-mails masked.
    assertEquals(observed.result().rows(), runOnBackend(rewritten));
    assertEquals(3, observed.result().rows().size());
    for (List<String> row : observed.result().rows()) {
      assertEquals("EU", row.get(2));
      assertTrue(row.get(1).startsWith("xxxx@"), "the e-mail mask keeps the domain only: " + row.get(1));
    }
    assertOutcome(event, observed, "ok", null, observed.result().rows().size(),
        dataRowBytes(observed.result().rows()), null);
  }

  private static void assertDenied(JsonNode event, Observed observed, String revision) {
    assertEquals("select", event.path("statement_kind").asText());
    assertRelations(event, List.of(relation("mesh.weather.stations_raw", "read",
        List.of("station_id", "temperature_c"), List.of(), List.of(), "{}", "{}")));
    assertDecision(event, List.of("weather.stations_raw is restricted to the weather domain team"), List.of(), revision);
    assertEquals(false, event.at("/decision/allow").booleanValue());
    assertTrue(event.path("rewritten_sql").isNull(), "a denied statement is not forwarded: " + event);
    assertTrue(observed.backendQuery().startsWith("meshgate_refused_"),
        "the backend saw only the refusal placeholder, not: " + observed.backendQuery());
    PSQLException error = observed.result().error().orElseThrow();
    assertEquals("42501", error.getSQLState());
    assertOutcome(event, observed, "denied", "42501", 0, 0, error.getServerErrorMessage().getMessage());
  }

  private static void assertFailed(JsonNode event, Observed observed, String revision) {
    assertEquals("select", event.path("statement_kind").asText());
    assertRelations(event, List.of(relation("mesh.sales.store_transactions", "read",
        List.of("transaction_id", "amount"), List.of("region in ('EU')"), List.of("sales.regional_readers"),
        "{\"customer_email\":\"email\"}", "{\"customer_email\":\"global.pii.email\"}")));
    // The mask is applied in the derived table whether or not the statement names the column.
    assertDecision(event, List.of(), List.of("global.pii.email", "sales.regional_readers"), revision);
    assertEquals(observed.backendQuery(), event.path("rewritten_sql").textValue(), "rewritten_sql is what the backend ran");
    PSQLException error = observed.result().error().orElseThrow();
    assertEquals("22012", error.getSQLState(), "division by zero in the backend");
    assertOutcome(event, observed, "failed", "22012", 0, 0, error.getServerErrorMessage().getMessage());
  }

  private static void assertCancelled(JsonNode event, Observed observed, String revision) {
    assertEquals("select", event.path("statement_kind").asText());
    assertRelations(event, List.of(relation("mesh.sales.stores", "read",
        List.of("store_id"), List.of("region in ('EU')"), List.of("sales.regional_readers"), "{}", "{}")));
    assertDecision(event, List.of(), List.of("sales.regional_readers"), revision);
    assertEquals(observed.backendQuery(), event.path("rewritten_sql").textValue(), "rewritten_sql is what the backend ran");
    PSQLException error = observed.result().error().orElseThrow();
    assertEquals("57014", error.getSQLState(), "query_canceled");
    assertOutcome(event, observed, "cancelled", "57014", 0, 0, error.getServerErrorMessage().getMessage());
  }

  // ---- fields every event has ---------------------------------------------------------------

  private static void assertCommonFields(JsonNode event, Observed observed, DemoEnvironment.DemoUser user,
      String sessionId) {
    assertEquals(EVENT_FIELDS, fieldNames(event), "every documented field, in order: " + event);
    assertEquals(1, event.path("schema_version").intValue());
    assertTrue(event.path("seq").canConvertToLong() && event.path("seq").longValue() >= 1, event.toString());
    assertTrue(event.path("prev_hash").textValue().matches("[0-9a-f]{64}"), event.toString());
    assertTrue(event.path("hash").textValue().matches("[0-9a-f]{64}"), event.toString());
    String eventId = event.path("event_id").textValue();
    assertEquals(UUID.fromString(eventId).toString(), eventId, "a canonical lowercase UUID");
    String sessionIdOfEvent = event.path("session_id").textValue();
    assertEquals(UUID.fromString(sessionIdOfEvent).toString(), sessionIdOfEvent);
    assertEquals(sessionId, sessionIdOfEvent, "one connection, one session id");
    assertEquals(user.name(), event.path("user").textValue());
    assertEquals(user.groups(), strings(event.path("groups")));
    assertEquals("127.0.0.1", event.path("client_address").textValue());
    assertEquals(APPLICATION, event.path("application_name").textValue());
    DemoBackend backend = mesh.environment().backend();
    assertEquals(backend.database(), event.path("database").textValue());
    assertEquals("postgresql://" + backend.host() + ":" + backend.port() + "/" + backend.database(),
        event.path("backend").textValue());
    assertEquals(observed.sql(), event.path("sql").textValue());

    String time = event.path("time").textValue();
    assertTrue(time.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), "RFC 3339, six digits: " + time);
    Instant end = Instant.parse(time);
    Instant start = end.minus(event.at("/outcome/duration_micros").longValue(), ChronoUnit.MICROS);
    assertFalse(start.plus(CLOCK_SLACK_MICROS, ChronoUnit.MICROS).isBefore(observed.before()),
        "the statement cannot start (" + start + ") before the client sent it (" + observed.before() + ")");
    assertFalse(end.minus(CLOCK_SLACK_MICROS, ChronoUnit.MICROS).isAfter(observed.after()),
        "the event (" + end + ") is recorded before the client gets ReadyForQuery (" + observed.after() + ")");
  }

  private static void assertRelations(JsonNode event, List<String> expected) {
    JsonNode relations = event.path("relations");
    assertTrue(relations.isArray(), event.toString());
    List<String> actual = new ArrayList<>();
    for (JsonNode relation : relations) {
      assertEquals(RELATION_FIELDS, fieldNames(relation), relation.toString());
      actual.add(relation.toString());
    }
    assertEquals(expected, actual);
  }

  /** One relation entry as the log spells it. */
  private static String relation(String name, String access, List<String> columns, List<String> rowFilters,
      List<String> rowFilterPolicies, String masks, String maskPolicies) {
    return "{\"relation\":" + quote(name) + ",\"access\":" + quote(access) + ",\"columns\":" + quoteAll(columns)
        + ",\"row_filters\":" + quoteAll(rowFilters) + ",\"masks\":" + masks + ",\"denied_columns\":[]"
        + ",\"row_filter_policies\":" + quoteAll(rowFilterPolicies) + ",\"mask_policies\":" + maskPolicies + "}";
  }

  private static void assertDecision(JsonNode event, List<String> reasons, List<String> policies, String revision) {
    JsonNode decision = event.path("decision");
    assertEquals(DECISION_FIELDS, fieldNames(decision), event.toString());
    assertEquals(reasons.isEmpty(), decision.path("allow").booleanValue());
    assertEquals(reasons, strings(decision.path("reasons")));
    assertEquals(policies, strings(decision.path("policies")));
    assertEquals(revision, decision.path("policy_revision").textValue());
  }

  private static void assertOutcome(JsonNode event, Observed observed, String status, String sqlState, long rows,
      long bytes, String message) {
    JsonNode outcome = event.path("outcome");
    assertEquals(OUTCOME_FIELDS, fieldNames(outcome), event.toString());
    assertEquals(status, outcome.path("status").textValue());
    assertEquals(sqlState, outcome.path("sql_state").textValue());
    assertEquals(sqlState == null, outcome.path("sql_state").isNull());
    assertEquals(rows, outcome.path("rows").longValue(), "rows");
    assertEquals(bytes, outcome.path("bytes").longValue(), "bytes");
    long duration = outcome.path("duration_micros").longValue();
    assertTrue(duration > 0, "duration_micros " + duration);
    long clientMicros = ChronoUnit.MICROS.between(observed.before(), observed.after());
    assertTrue(duration <= clientMicros + CLOCK_SLACK_MICROS,
        "duration_micros " + duration + " cannot exceed what the client waited, " + clientMicros);
    assertEquals(message, outcome.path("message").textValue());
    assertEquals(message == null, outcome.path("message").isNull());
  }

  // ---- running statements -------------------------------------------------------------------

  private record ClientResult(List<List<String>> rows, Optional<PSQLException> error) {}

  /** A statement as the client saw it, and the last SQL text its backend session received. */
  private record Observed(String sql, Instant before, Instant after, ClientResult result, String backendQuery) {}

  private interface ClientCall {
    ClientResult run() throws Exception;
  }

  private interface Failing {
    void run() throws SQLException;
  }

  private static Observed observe(String sql, ClientCall call) throws Exception {
    Instant before = Instant.now();
    ClientResult result = call.run();
    Instant after = Instant.now();
    return new Observed(sql, before, after, result, lastBackendQuery());
  }

  private static ClientResult failure(Failing call) {
    PSQLException error = assertThrows(PSQLException.class, call::run);
    return new ClientResult(List.of(), Optional.of(error));
  }

  private static ClientResult cancelWhileRunning(Statement statement) throws Exception {
    // Its own thread, not the common pool: Meshgate runs in this JVM, and its OPA client
    // stalls while the common pool's only thread (on two cores) waits for this query.
    CompletableFuture<ClientResult> running = new CompletableFuture<>();
    Thread.ofPlatform().name("audit-trail-it-cancelled").start(() -> {
      try {
        running.complete(failure(() -> statement.executeQuery(CANCELLED).close()));
      } catch (Throwable unexpected) {
        running.completeExceptionally(unexpected);
      }
    });
    waitFor(() -> {
      if (running.isDone()) {
        throw new AssertionError("the query ended before it could be cancelled: "
            + running.get().error().map(Throwable::getMessage).orElse("no error"));
      }
      return "active".equals(backendSession("state"));
    }, "the sleeping query to start");
    statement.cancel();
    return running.get(30, TimeUnit.SECONDS);
  }

  private static String lastBackendQuery() throws SQLException {
    return backendSession("query");
  }

  /** A column of pg_stat_activity for the backend session Meshgate opened for this test's client. */
  private static String backendSession(String column) throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser();
        Statement statement = backend.createStatement();
        ResultSet rows = statement.executeQuery("SELECT " + column + " FROM pg_stat_activity"
            + " WHERE application_name = 'meshgate:alice/" + APPLICATION + "'")) {
      assertTrue(rows.next(), "the backend session of " + APPLICATION);
      String value = rows.getString(1);
      assertFalse(rows.next(), "one backend session of " + APPLICATION);
      return value;
    }
  }

  private static List<List<String>> runOnBackend(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection backend = mesh.backendAsSuperuser();
        Statement statement = backend.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int column = 1; column <= columns; column++) {
          row.add(result.getString(column));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * The DataRow messages that carried these rows in text format, as relayed: type byte, length,
   * column count, then each value's length and bytes (NULL: the length only).
   */
  private static long dataRowBytes(List<List<String>> rows) {
    long bytes = 0;
    for (List<String> row : rows) {
      bytes += 1 + 4 + 2;
      for (String value : row) {
        bytes += 4 + (value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length);
      }
    }
    return bytes;
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  // ---- reading the audit file ---------------------------------------------------------------

  /** The one event of a statement; the event is on disk once the client has its answer. */
  private static JsonNode eventFor(String sql) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.environment().auditFile(), StandardCharsets.UTF_8)) {
      JsonNode event = JSON.readTree(line);
      if (sql.equals(event.path("sql").textValue())) {
        found.add(event);
      }
    }
    assertEquals(1, found.size(), "one audit event for: " + sql);
    return found.get(0);
  }

  private static List<String> fieldNames(JsonNode object) {
    assertNotNull(object);
    assertTrue(object.isObject(), "an object: " + object);
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> strings(JsonNode array) {
    assertTrue(array.isArray(), "an array: " + array);
    List<String> values = new ArrayList<>();
    array.forEach(value -> {
      assertTrue(value.isTextual(), "strings only: " + array);
      values.add(value.textValue());
    });
    return values;
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException impossible) {
      throw new AssertionError(impossible);
    }
  }

  private static String quoteAll(List<String> texts) {
    StringBuilder array = new StringBuilder("[");
    for (String text : texts) {
      array.append(array.length() > 1 ? "," : "").append(quote(text));
    }
    return array.append(']').toString();
  }
}
