package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditChainVerifier;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditLog;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditTransaction;
import io.meshgate.audit.TransactionOutcome;
import io.meshgate.audit.TransactionOutcomes;
import io.meshgate.audit.jsonl.EventJson;
import io.meshgate.proxy.SeededMesh;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that sends Bind/Execute (with Flush, to read the answers) without a Sync, here 400
 * times, runs one implicit transaction whose events cannot say how it ended before the Sync.
 * The session holds at most {@code audit.max_held_events} (50 here) of them: the rest are in the
 * log before the Sync, {@code open}, and the statement at the Sync settles them, as {@link
 * TransactionOutcomes} (and so {@code meshgate audit export --transaction-outcome}) reads it.
 */
class HeldAuditEventsIT {
  private static final int BOUND = 50;
  private static final int ROWS = 400;
  private static final int PER_FLUSH = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withRepositoryPolicies().users("alice")
      .properties(properties -> properties.setProperty("audit.max_held_events", Integer.toString(BOUND)))
      .watchingLeaks();

  private static String insert(String day) {
    return "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, DATE '" + day
        + "', $1, $2)";
  }

  @Test
  void aLongBatchIsLoggedBeforeItsSyncAndSettledCommittedAtIt() throws Exception {
    String sql = insert("2026-07-01");
    try (RawClient client = batchWithoutSync(sql, ROWS)) {
      List<AuditEvent> beforeSync = eventsOf(sql);
      assertTrue(beforeSync.size() >= ROWS - BOUND,
          "events written before the Sync: " + beforeSync.size() + " of " + ROWS);
      beforeSync.forEach(event -> assertEquals(AuditTransaction.State.OPEN, event.transaction().state(), event.toString()));
      assertHeldAtMost(BOUND);
      client.send(FrontendFrames.sync());
      assertEquals(List.of('Z'), types(client.readThrough('Z')));
    }
    List<AuditEvent> events = eventsOf(sql);
    assertEquals(ROWS, events.size());
    TransactionOutcomes outcomes = outcomes();
    long ordinal = events.get(0).transaction().ordinal();
    for (int index = 0; index < ROWS; index++) {
      AuditEvent event = events.get(index);
      assertEquals(AuditOutcome.Status.OK, event.outcome().status());
      assertEquals(ordinal, event.transaction().ordinal(), "one implicit transaction");
      assertEquals(index + 1, event.transaction().statement());
      assertEquals(TransactionOutcome.COMMITTED, outcomes.of(event), event.toString());
    }
    assertEquals(AuditTransaction.State.COMMITTED, events.get(ROWS - 1).transaction().state(), "the last settles");
    assertEquals(ROWS, backendRows("2026-07-01"));
    assertTrue(AuditChainVerifier.verifyAll(auditFile()).intact(), "the log verifies");
  }

  @Test
  void aPgjdbcBatchIsAuditedWholeAndCommitted() throws Exception {
    String sql = "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, DATE '2026-07-04', ?, 'EU')";
    int rows = 1_000;
    try (Connection alice = mesh.connect("alice"); PreparedStatement insert = alice.prepareStatement(sql)) {
      for (int row = 1; row <= rows; row++) {
        insert.setBigDecimal(1, new BigDecimal(row + ".00"));
        insert.addBatch();
      }
      insert.executeBatch();
    }
    // the log holds the SQL as PostgreSQL got it: pgjdbc numbers the parameters
    List<AuditEvent> events = eventsOf(sql.replace("?", "$1"));
    assertEquals(rows, events.size());
    assertTrue(events.stream().anyMatch(event -> event.transaction().state() == AuditTransaction.State.OPEN),
        "some written before their Sync");
    assertFates(events, TransactionOutcome.COMMITTED);
    assertEquals(rows, backendRows("2026-07-04"));
    assertHeldAtMost(BOUND);
  }

  @Test
  void aLongBatchWhoseLastRowIsRefusedIsSettledRolledBack() throws Exception {
    String sql = insert("2026-07-02");
    try (RawClient client = batchWithoutSync(sql, ROWS - 1)) {
      // alice may write only EU rows: the row filters refuse this one in the backend
      client.send(FrontendFrames.bind("", "insert", List.of("1.00", "US")), FrontendFrames.execute("", 0),
          FrontendFrames.sync());
      List<BackendMessage> answer = client.readThrough('Z');
      assertEquals(List.of('2', 'E', 'Z'), types(answer));
      assertEquals("42501", answer.get(1).sqlState().orElseThrow());
    }
    List<AuditEvent> events = eventsOf(sql);
    assertEquals(ROWS, events.size());
    assertTrue(events.stream().filter(event -> event.transaction().state() == AuditTransaction.State.OPEN).count()
        >= ROWS - BOUND, "written before the Sync, open");
    assertFates(events, TransactionOutcome.ROLLED_BACK);
    assertEquals(AuditOutcome.Status.DENIED, events.get(ROWS - 1).outcome().status());
    assertEquals(0, backendRows("2026-07-02"));
    assertHeldAtMost(BOUND);
  }

  @Test
  void aSessionThatEndsBeforeTheSyncLeavesTheBatchRolledBack() throws Exception {
    String sql = insert("2026-07-03");
    batchWithoutSync(sql, ROWS).close(); // without a Sync
    // the backend rolls the implicit transaction back as the connection closes
    List<AuditEvent> events = eventsOf(sql);
    for (int attempt = 0; events.size() < ROWS && attempt < 500; attempt++) {
      Thread.sleep(20);
      events = eventsOf(sql);
    }
    assertEquals(ROWS, events.size());
    assertFates(events, TransactionOutcome.ROLLED_BACK);
    assertEquals(0, backendRows("2026-07-03"));
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /**
   * alice's session with {@code sql} prepared as "insert" and then bound and executed {@code
   * rows} times (EU rows) without a Sync, each round of them ended by a Flush.
   */
  private static RawClient batchWithoutSync(String sql, int rows) throws Exception {
    RawClient client = RawClient.connect(mesh.meshgate().port(), Duration.ofSeconds(30));
    try {
      client.authenticate("alice", mesh.backend().backend().database(), "alice", new SecureRandom());
      client.send(FrontendFrames.parse("insert", sql), FrontendFrames.sync());
      assertEquals(List.of('1', 'Z'), types(client.readThrough('Z')));
      executeWithoutSync(client, rows);
      return client;
    } catch (Exception | Error e) {
      client.close();
      throw e;
    }
  }

  private static void executeWithoutSync(RawClient client, int rows) throws IOException {
    int sent = 0;
    while (sent < rows) {
      List<Frame> frames = new ArrayList<>();
      int round = Math.min(PER_FLUSH, rows - sent);
      for (int row = 0; row < round; row++) {
        frames.add(FrontendFrames.bind("", "insert", List.of(Integer.toString(sent + row + 1) + ".00", "EU")));
        frames.add(FrontendFrames.execute("", 0));
      }
      frames.add(FrontendFrames.flush());
      client.send(frames.toArray(Frame[]::new));
      for (int row = 0; row < round; row++) {
        assertEquals('2', client.read().type());
        BackendMessage complete = client.read();
        assertEquals('C', complete.type(), complete.toString());
      }
      sent += round;
    }
  }

  private static void assertHeldAtMost(int bound) {
    Double most = mesh.meshgate().metrics().registry().getSampleValue("meshgate_audit_events_held_max");
    assertNotNull(most, "meshgate_audit_events_held_max is exported");
    assertTrue(most > 0 && most <= bound, "the most events a session held: " + most);
  }

  private static void assertFates(List<AuditEvent> events, TransactionOutcome expected) throws IOException {
    TransactionOutcomes outcomes = outcomes();
    events.forEach(event -> assertEquals(expected, outcomes.of(event), event.toString()));
  }

  private static List<Character> types(List<BackendMessage> messages) {
    return messages.stream().map(BackendMessage::type).toList();
  }

  private static Path auditFile() {
    return mesh.directory().resolve("audit.jsonl");
  }

  private static TransactionOutcomes outcomes() throws IOException {
    return TransactionOutcomes.read(AuditLog.of(auditFile()));
  }

  private static List<AuditEvent> eventsOf(String sql) throws IOException {
    List<AuditEvent> events = new ArrayList<>();
    for (String line : Files.readAllLines(auditFile(), StandardCharsets.UTF_8)) {
      AuditEvent event = EventJson.read(JSON.readTree(line));
      if (event.sql().equals(sql)) {
        events.add(event);
      }
    }
    return events;
  }

  private static int backendRows(String day) throws Exception {
    try (Connection backend = mesh.backend().backendAsSuperuser(); Statement statement = backend.createStatement();
        ResultSet count = statement.executeQuery(
            "SELECT count(*) FROM sales.store_transactions WHERE day = DATE '" + day + "'")) {
      count.next();
      return count.getInt(1);
    }
  }
}
