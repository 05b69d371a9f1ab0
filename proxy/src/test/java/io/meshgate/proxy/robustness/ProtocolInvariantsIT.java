package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The security invariants on protocol paths no driver takes, from raw frames: fail closed
 * (nothing reaches the backend ungoverned or under a policy that has changed), and every
 * statement audited. Each test is a message sequence a client with a valid login can send.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProtocolInvariantsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.withEditablePolicies();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "alice";
  /** A governed table alice may read (her region's rows). */
  private static final String TRANSACTIONS = "SELECT transaction_id FROM sales.store_transactions";

  private static RawClient connect() throws Exception {
    DemoEnvironment environment = mesh.environment();
    RawClient client = RawClient.connect(environment.meshgate().port(), Duration.ofSeconds(10));
    client.authenticate(USER, environment.backend().database(), USER, new SecureRandom());
    return client;
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** The messages in short: errors in full, a run of one type as its count. */
  private static String describe(List<BackendMessage> messages) {
    List<String> parts = new ArrayList<>();
    int index = 0;
    while (index < messages.size()) {
      BackendMessage message = messages.get(index);
      int end = index + 1;
      while (end < messages.size() && messages.get(end).type() == message.type() && message.type() != 'E') {
        end++;
      }
      parts.add(message.type() == 'E' ? message.toString() : end - index == 1 ? "" + message.type() : message.type() + "x" + (end - index));
      index = end;
    }
    return String.join(", ", parts);
  }

  private static List<Character> types(List<BackendMessage> messages) {
    return messages.stream().map(BackendMessage::type).toList();
  }

  /** "status sql_state" of each audit event that mentions {@code marker}, in order. */
  private static List<String> audited(String marker) throws IOException {
    List<String> outcomes = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.environment().auditFile())) {
      if (line.contains(marker)) {
        JsonNode outcome = JSON.readTree(line).path("outcome");
        JsonNode sqlState = outcome.path("sql_state");
        outcomes.add(outcome.path("status").asText() + (sqlState.isTextual() ? " " + sqlState.asText() : ""));
      }
    }
    return outcomes;
  }

  /**
   * Meshgate lexes what a client sends, and writes what it forwards, as UTF-8. A backend that
   * reads the session's SQL in another client encoding reads other SQL: in SJIS the UTF-8 bytes
   * of U+00C1 and a backslash (C3 81 5C) are a katakana and a double-byte character, so in
   * {@code E'<U+00C1>\\'} one backslash is left to escape the closing quote, and what Meshgate
   * lexed as a string value of an allowlisted SET runs as statements no policy saw.
   */
  @Test
  @Order(0)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aSessionInAClientEncodingOtherThanUtf8IsRefused() throws Exception {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", USER);
    parameters.put("database", mesh.environment().backend().database());
    parameters.put("client_encoding", "SJIS");
    try (RawClient client = RawClient.connect(mesh.environment().meshgate().port(), Duration.ofSeconds(10))) {
      try {
        client.authenticate(FrontendFrames.startup(FrontendFrames.PROTOCOL_3_0, parameters), USER, new SecureRandom());
      } catch (RawClient.RefusedException refused) {
        assertEquals("22023", refused.error().sqlState().orElseThrow(), refused.getMessage());
        return;
      }
      // PostgreSQL refuses \\' in such encodings unless told otherwise, which a client may do
      client.send(FrontendFrames.query("SET backslash_quote = on"));
      client.readThrough('Z');
      client.send(FrontendFrames.query(
          "SET search_path = E'\u00c1\\\\', '; SELECT station_id FROM weather.stations_raw; --'"));
      fail("a session in client encoding SJIS was accepted, and one allowlisted SET ran as: "
          + describe(client.readThrough('Z')));
    }
  }

  /**
   * PostgreSQL continues a string literal across whitespace with a newline, and a -- comment
   * before that newline counts as whitespace: the continuation belongs to the literal before it,
   * an E'' string's backslash escapes included. Lexed otherwise, {@code '\\'} after the comment
   * is a string of its own for Meshgate while PostgreSQL reads an escaped quote, and what
   * Meshgate lexed as a value of an allowlisted SET runs as statements no policy saw.
   */
  @Test
  @Order(6)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aStringContinuedAfterACommentIsLexedAsPostgresLexesIt() throws Exception {
    try (RawClient client = connect()) {
      client.send(FrontendFrames.query("SET search_path = E'a' -- comment\n"
          + "'\\', '; SELECT station_id FROM weather.stations_raw; --'"));
      List<BackendMessage> answer = client.readThrough('Z');
      assertTrue(types(answer).equals(List.of('E', 'Z')), () -> "one SET for Meshgate ran as: " + describe(answer));
      assertEquals("42501", answer.get(0).sqlState().orElseThrow(), "the SELECT is governed, and denied: " + answer);
    }
  }

  /**
   * pg_prepared_statements and pg_cursors show the session's statements as Meshgate rewrote
   * them: the policy's masks in full, a hash mask's salt included, which EXPLAIN refuses to
   * show for that reason.
   */
  @Test
  @Order(7)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void theRewrittenStatementsOfTheSessionAreNotReadBack() throws Exception {
    try (RawClient client = connect()) {
      client.send(FrontendFrames.query("PREPARE redteam_emails AS SELECT customer_email FROM sales.store_transactions"));
      assertEquals(List.of('C', 'Z'), types(client.readThrough('Z')));
      for (String view : List.of("pg_prepared_statements", "pg_cursors")) {
        client.send(FrontendFrames.query("SELECT statement FROM pg_catalog." + view));
        List<BackendMessage> answer = client.readThrough('Z');
        assertTrue(types(answer).equals(List.of('E', 'Z')), () -> view + " read back: " + describe(answer)
            + answer.stream().filter(message -> message.type() == 'D').map(message -> message.column(0)).toList());
        assertEquals("42501", answer.get(0).sqlState().orElseThrow(), answer.toString());
      }
    }
  }

  /**
   * A cursor declared with DECLARE is a portal at the backend, so a protocol Execute can name
   * it. Meshgate attributes an Execute's rows to the statement the portal was bound to; a
   * portal no Bind created has none, and its rows would leave with no audit event at all.
   */
  @Test
  @Order(1)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void anExecuteOfAPortalNoBindCreatedIsRefusedAndAudited() throws Exception {
    String cursor = unique("redteam_cursor");
    try (RawClient client = connect()) {
      declareInTransaction(client, cursor);
      assertExecuteRefused(client, cursor);
    }
    // the DECLARE, then the refused Execute
    assertEquals(List.of("ok", "failed 34000"), audited(cursor), "the refused Execute is audited");
  }

  /**
   * A portal bound in a transaction that has ended is gone at the backend, and its name is free
   * for a cursor: an Execute of that name reads the cursor, not the statement once bound to it.
   */
  @Test
  @Order(2)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aPortalNameACursorTookAfterTheTransactionEndedIsNotTheStatementOnceBoundToIt() throws Exception {
    String portal = unique("redteam_portal");
    String innocent = unique("redteam_innocent");
    try (RawClient client = connect()) {
      runBound(client, portal, innocent);
      declareInTransaction(client, portal);
      assertExecuteRefused(client, portal);
    }
    assertEquals(List.of("ok"), audited(innocent), "only the one execution of the statement bound to the portal");
  }

  /**
   * Within one transaction, CLOSE ends a portal a Bind created and DECLARE gives its name to a
   * cursor: an Execute of that name would read the cursor's rows, audited as the statement once
   * bound to it. After DECLARE (and after CLOSE) the name is no portal Meshgate bound.
   */
  @Test
  @Order(2)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aCursorDeclaredUnderAClosedPortalsNameIsNotTheStatementOnceBoundToIt() throws Exception {
    String portal = unique("closed_portal");
    String innocent = unique("closed_innocent");
    try (RawClient client = connect()) {
      client.send(FrontendFrames.query("BEGIN"));
      client.readThrough('Z');
      runBound(client, portal, innocent);
      client.send(FrontendFrames.query("CLOSE " + portal + "; DECLARE " + portal + " CURSOR FOR " + TRANSACTIONS));
      List<BackendMessage> declared = client.readThrough('Z');
      assertEquals(List.of('C', 'C', 'Z'), types(declared), "closed and declared: " + describe(declared));
      assertExecuteRefused(client, portal);
    }
    assertEquals(List.of("ok"), audited(innocent), "only the one execution of the statement bound to the portal");
  }

  /**
   * PostgreSQL keys a statement by the first 63 bytes of its name: a Bind naming the same first
   * 63 bytes runs that statement there, so it is that statement to Meshgate too (governed,
   * checked and audited as it), not an unknown name refused, nor another statement.
   */
  @Test
  @Order(2)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aStatementNameIsItsFirstSixtyThreeBytesAsInPostgres() throws Exception {
    String innocent = unique("long_name");
    String prefix = (innocent + "_".repeat(63)).substring(0, 63);
    try (RawClient client = connect()) {
      client.send(FrontendFrames.parse(prefix + "A", "SELECT 1 AS " + innocent), FrontendFrames.bind("", prefix + "B", List.of()),
          FrontendFrames.execute("", 0), FrontendFrames.sync());
      List<BackendMessage> answer = client.readThrough('Z');
      assertEquals(List.of('1', '2', 'D', 'C', 'Z'), types(answer), "one statement to PostgreSQL: " + describe(answer));
      client.send(FrontendFrames.close('S', prefix + "C"), FrontendFrames.sync());
      client.readThrough('Z');
      client.send(FrontendFrames.bind("", prefix + "A", List.of()), FrontendFrames.execute("", 0), FrontendFrames.sync());
      List<BackendMessage> closed = client.readThrough('Z');
      assertEquals(List.of('E', 'Z'), types(closed), "closed under another long name: " + describe(closed));
      assertEquals("26000", closed.get(0).sqlState().orElseThrow(), closed.toString());
    }
    // the execution, audited as the statement PostgreSQL ran; then the refused Bind, which names it
    assertEquals(List.of("ok", "failed 26000"), audited(innocent));
  }

  /**
   * A Bind the backend refuses (here: the portal's name is a cursor's) creates no portal: an
   * Execute of that name after ROLLBACK TO SAVEPOINT reads the cursor, not the refused Bind's
   * statement.
   */
  @Test
  @Order(3)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aBindTheBackendRefusedCreatesNoPortal() throws Exception {
    String cursor = unique("redteam_taken");
    String innocent = unique("redteam_innocent");
    try (RawClient client = connect()) {
      declareInTransaction(client, cursor);
      client.send(FrontendFrames.query("SAVEPOINT before_bind"));
      client.readThrough('Z');
      client.send(FrontendFrames.parse(innocent, "SELECT 1 AS " + innocent), FrontendFrames.bind(cursor, innocent, List.of()),
          FrontendFrames.sync());
      List<BackendMessage> refused = client.readThrough('Z');
      assertEquals(List.of('1', 'E', 'Z'), types(refused), "the cursor's name is taken: " + refused);
      client.send(FrontendFrames.query("ROLLBACK TO SAVEPOINT before_bind"));
      client.readThrough('Z');
      assertExecuteRefused(client, cursor);
    }
    assertEquals(List.of(), audited(innocent), "the statement whose Bind failed never ran");
  }

  /** Invariant 5: a Bind refused by Meshgate (unknown or stale statement) has its audit event too. */
  @Test
  @Order(4)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aRefusedBindIsAudited() throws Exception {
    String statement = unique("redteam_missing");
    try (RawClient client = connect()) {
      client.send(FrontendFrames.bind("", statement, List.of()), FrontendFrames.execute("", 0), FrontendFrames.sync());
      List<BackendMessage> answer = client.readThrough('Z');
      assertEquals(List.of('E', 'Z'), types(answer), answer.toString());
      assertEquals("26000", answer.get(0).sqlState().orElseThrow(), answer.toString());
    }
    assertEquals(List.of("failed 26000"), audited(statement), "the refused Bind is audited");
  }

  /**
   * PostgreSQL ignores every message after an error up to Sync, a Query too. A proxy that
   * forwards the Query and waits for its answer waits forever (the Sync behind it is never
   * sent), with a statement it forwarded that is never audited at all.
   */
  @Test
  @Order(5)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aQueryBetweenARefusedParseAndItsSyncIsIgnoredAsPostgresIgnoresIt() throws Exception {
    String ignored = unique("redteam_ignored");
    try (RawClient client = connect()) {
      client.send(FrontendFrames.parse("", "SELECT station_id FROM weather.stations_raw"),
          FrontendFrames.query("SELECT 1 AS " + ignored), FrontendFrames.sync());
      List<BackendMessage> answer = client.readThrough('Z');
      assertEquals(List.of('E', 'Z'), types(answer), answer.toString());
      assertEquals("42501", answer.get(0).sqlState().orElseThrow(), answer.toString());

      client.send(FrontendFrames.query("SELECT 2"));
      assertEquals(List.of('T', 'D', 'C', 'Z'), types(client.readThrough('Z')), "the session goes on");
    }
    assertEquals(List.of(), audited(ignored), "the ignored query never ran: nothing to audit");
  }

  /**
   * After an error the backend skips the rest of the batch, a Parse too: the unnamed statement
   * stays what it was. If Meshgate believed the skipped Parse, a statement governed under an
   * older policy would run as the skipped one, past the stale-statement check, and be audited as
   * the skipped one.
   */
  @Test
  @Order(100)
  @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aParseTheBackendSkippedAfterAnErrorDoesNotReplaceTheStatementItKeeps() throws Exception {
    String old = unique("redteam_old");
    String skipped = unique("redteam_skipped");
    try (RawClient client = connect()) {
      client.send(FrontendFrames.parse("", TRANSACTIONS + " /* " + old + " */"), FrontendFrames.sync());
      assertEquals(List.of('1', 'Z'), types(client.readThrough('Z')));

      changePolicyRevision();

      String failing = unique("redteam_failing");
      client.send(FrontendFrames.parse(failing, "SELECT 1 / 0"), FrontendFrames.bind("", failing, List.of()),
          FrontendFrames.execute("", 0), FrontendFrames.parse("", "SELECT 1 AS " + skipped), FrontendFrames.sync());
      List<BackendMessage> failed = client.readThrough('Z');
      assertEquals(List.of("22012"), failed.stream().flatMap(message -> message.sqlState().stream()).toList(),
          "the batch fails at the division: " + failed);

      client.send(FrontendFrames.bind("", "", List.of()), FrontendFrames.execute("", 0), FrontendFrames.sync());
      List<BackendMessage> answer = client.readThrough('Z');
      assertTrue(types(answer).equals(List.of('E', 'Z')),
          () -> "the unnamed statement is still the one governed under the old policy: " + describe(answer));
      assertEquals("26000", answer.get(0).sqlState().orElseThrow(), answer.toString());
    }
    assertEquals(List.of(), audited(skipped), "nothing ran as the skipped statement");
  }

  /**
   * Invariant 5: a fastpath function call (which would run a function with no decision) is
   * refused, and the refusal is audited like any refused statement.
   */
  @Test
  @Order(6)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aRefusedFastpathCallIsAudited() throws Exception {
    int functionOid = 1_000_000_000 + new SecureRandom().nextInt(1_000_000_000);
    try (RawClient client = connect()) {
      client.send(FrontendFrames.functionCall(functionOid));
      BackendMessage answer = client.read();
      assertEquals('E', answer.type(), answer.toString());
      assertEquals("42501", answer.sqlState().orElseThrow(), answer.toString());
    }
    assertEquals(List.of("failed 42501"), auditedEventually("function OID " + functionOid));
  }

  /** {@link #audited}, waiting briefly: a session that ends does not wait for its last event. */
  private static List<String> auditedEventually(String marker) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> outcomes = audited(marker);
    while (outcomes.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      outcomes = audited(marker);
    }
    return outcomes;
  }

  /** {@code SELECT 1 AS innocent}, prepared as {@code innocent}, bound to {@code portal} and run: one row. */
  private static void runBound(RawClient client, String portal, String innocent) throws IOException {
    client.send(FrontendFrames.parse(innocent, "SELECT 1 AS " + innocent), FrontendFrames.bind(portal, innocent, List.of()),
        FrontendFrames.execute(portal, 0), FrontendFrames.sync());
    assertEquals(List.of('1', '2', 'D', 'C', 'Z'), types(client.readThrough('Z')));
  }

  /** BEGIN, then a cursor over alice's transactions (governed, and audited as a DECLARE). */
  private static void declareInTransaction(RawClient client, String cursor) throws IOException {
    client.send(FrontendFrames.query("BEGIN"));
    assertEquals(List.of('C', 'Z'), types(client.readThrough('Z')));
    client.send(FrontendFrames.query("DECLARE " + cursor + " CURSOR FOR " + TRANSACTIONS));
    assertEquals(List.of('C', 'Z'), types(client.readThrough('Z')), "the cursor is declared");
  }

  /** An Execute of {@code portal} is refused (34000): no row of the cursor leaves. */
  private static void assertExecuteRefused(RawClient client, String portal) throws IOException {
    client.send(FrontendFrames.execute(portal, 0), FrontendFrames.sync());
    List<BackendMessage> answer = client.readThrough('Z');
    assertTrue(types(answer).equals(List.of('E', 'Z')), () -> "an Execute naming the cursor: " + describe(answer));
    assertEquals("34000", answer.get(0).sqlState().orElseThrow(), answer.toString());
  }

  /**
   * Meshgate lexes with standard-conforming strings; a backend whose database says otherwise
   * reads a backslash in a plain string as an escape, so {@code 'a\', '} ends later there than
   * Meshgate thought, and what Meshgate lexed as a value of an allowlisted SET runs as
   * statements no policy saw. Such a backend gets no session.
   */
  @Test
  @Order(300)
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aBackendThatReadsStringsOtherwiseGetsNoSession() throws Exception {
    String database = mesh.environment().backend().database();
    try (Connection superuser = mesh.backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("ALTER DATABASE " + database + " SET standard_conforming_strings = off");
      try (RawClient client = RawClient.connect(mesh.environment().meshgate().port(), Duration.ofSeconds(10))) {
        try {
          client.authenticate(USER, database, USER, new SecureRandom());
        } catch (RawClient.RefusedException refused) {
          assertEquals("08001", refused.error().sqlState().orElseThrow(), refused.getMessage());
          return;
        }
        client.send(FrontendFrames.query(
            "SET search_path = 'a\\', '; SELECT station_id FROM weather.stations_raw; --'"));
        fail("a backend with standard_conforming_strings off served a session, and one allowlisted SET ran as: "
            + describe(client.readThrough('Z')));
      } finally {
        statement.execute("ALTER DATABASE " + database + " RESET standard_conforming_strings");
      }
    }
  }

  /** A change of the sales domain's data (its description): a new policy revision. */
  private static void changePolicyRevision() throws Exception {
    String revision = activeRevision();
    Path data = mesh.policiesDirectory().resolve("sales/data.json");
    String original = Files.readString(data);
    String edited = original.replaceFirst("\"description\": \"", "\"description\": \"(revised " + UUID.randomUUID() + ") ");
    assertNotEquals(original, edited);
    Files.writeString(data, edited);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (activeRevision().equals(revision) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertNotEquals(revision, activeRevision(), "the policies were reloaded");
  }

  private static String activeRevision() {
    return mesh.environment().meshgate().policyReloader().orElseThrow().status().activeRevision();
  }
}
