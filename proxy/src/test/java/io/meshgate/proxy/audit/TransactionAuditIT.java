package io.meshgate.proxy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import io.meshgate.proxy.DemoMesh;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whether a write took effect can be read from the audit log: each statement's event names its
 * session's transaction and what had become of it when the event was written, and {@link
 * TransactionOutcomes} (what {@code meshgate audit export} uses) derives each statement's fate.
 * Every case runs real pgjdbc through Meshgate against PostgreSQL, and the fate the log tells is
 * compared with what the backend holds afterwards.
 */
class TransactionAuditIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An INSERT alice may make (region EU), told apart by its amount. */
  private static String insert(String amount) {
    return insert(amount, "EU");
  }

  private static String insert(String amount, String region) {
    return "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, DATE '2026-06-01', "
        + amount + ", '" + region + "')";
  }

  @Test
  void anUpdateRolledBackIsAuditedRolledBackAndOneCommittedCommitted() throws Exception {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      alice.setAutoCommit(false);
      statement.executeUpdate(insert("7101.01"));
      alice.rollback();
      statement.executeUpdate(insert("7101.02"));
      alice.commit();
    }
    assertBackendHas("7101.01", 0);
    assertBackendHas("7101.02", 1);
    Logged rolledBack = only(insert("7101.01"));
    assertEquals(AuditOutcome.Status.OK, rolledBack.event.outcome().status());
    assertEquals(1, rolledBack.event.outcome().rows());
    // written while the transaction was open: the ROLLBACK's event tells its end
    assertEquals(AuditTransaction.State.OPEN, rolledBack.event.transaction().state());
    assertEquals(TransactionOutcome.ROLLED_BACK, rolledBack.outcome);
    Logged rollback = sameTransaction(rolledBack, "ROLLBACK");
    assertEquals(AuditTransaction.State.ROLLED_BACK, rollback.event.transaction().state());
    Logged committed = only(insert("7101.02"));
    assertEquals(TransactionOutcome.COMMITTED, committed.outcome);
    assertTrue(committed.event.transaction().ordinal() > rolledBack.event.transaction().ordinal());
    assertEquals(AuditTransaction.State.COMMITTED, sameTransaction(committed, "COMMIT").event.transaction().state());
    assertIntact();
  }

  @Test
  void aSimpleQueryThatRollsBackIsAuditedRolledBackAtOnce() throws Exception {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", "simple");
        Statement statement = alice.createStatement()) {
      statement.execute("BEGIN; " + insert("7102.01") + "; ROLLBACK");
    }
    assertBackendHas("7102.01", 0);
    Logged rolledBack = only(insert("7102.01"));
    // one Query message: the ReadyForQuery came with the transaction over, so the event says so
    assertEquals(AuditTransaction.State.ROLLED_BACK, rolledBack.event.transaction().state());
    assertEquals(2, rolledBack.event.transaction().statement());
    assertEquals(TransactionOutcome.ROLLED_BACK, rolledBack.outcome);
  }

  @Test
  void aCommitOfAFailedTransactionIsAuditedRolledBack() throws Exception {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      alice.setAutoCommit(false);
      statement.executeUpdate(insert("7103.01"));
      assertThrows(SQLException.class, () -> statement.executeQuery("SELECT 1 / 0"));
      // PostgreSQL answers the COMMIT with ROLLBACK (pgjdbc does not raise it by default)
      alice.commit();
    }
    assertBackendHas("7103.01", 0);
    Logged insert = only(insert("7103.01"));
    assertEquals(AuditOutcome.Status.OK, insert.event.outcome().status());
    assertEquals(TransactionOutcome.ROLLED_BACK, insert.outcome);
    Logged commit = sameTransaction(insert, "COMMIT");
    assertEquals(AuditOutcome.Status.OK, commit.event.outcome().status());
    assertEquals(AuditTransaction.State.ROLLED_BACK, commit.event.transaction().state());
  }

  @Test
  void aBatchWhoseLastStatementIsDeniedRollsBackTheOthers() throws Exception {
    String sql = "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, DATE '2026-06-01', ?, ?)";
    try (Connection alice = mesh.connect("alice"); PreparedStatement insert = alice.prepareStatement(sql)) {
      // autocommit: pgjdbc sends Parse/Bind/Execute for each, then one Sync: one implicit transaction
      for (String[] row : new String[][] {{"7104.01", "EU"}, {"7104.02", "EU"}, {"7104.03", "US"}}) {
        insert.setBigDecimal(1, new java.math.BigDecimal(row[0]));
        insert.setString(2, row[1]);
        insert.addBatch();
      }
      SQLException refused = assertThrows(SQLException.class, insert::executeBatch);
      assertTrue(refused.getMessage().contains("row filters"), refused.getMessage());
    }
    assertEquals(List.of("0"), mesh.backendColumn(
        "SELECT count(*) FROM sales.store_transactions WHERE amount BETWEEN 7104 AND 7105"));
    List<Logged> batch = all(parsed(sql));
    assertEquals(3, batch.size(), batch.toString());
    assertEquals(List.of(AuditOutcome.Status.OK, AuditOutcome.Status.OK, AuditOutcome.Status.DENIED),
        batch.stream().map(logged -> logged.event.outcome().status()).toList());
    for (Logged logged : batch) {
      assertEquals(batch.get(0).event.transaction().ordinal(), logged.event.transaction().ordinal());
      assertEquals(AuditTransaction.State.ROLLED_BACK, logged.event.transaction().state());
      assertEquals(TransactionOutcome.ROLLED_BACK, logged.outcome);
    }
  }

  @Test
  void anAutocommitBatchThatSucceedsIsCommittedWithNoExtraEvent() throws Exception {
    String sql = "INSERT INTO sales.store_transactions (store_id, day, amount, region) VALUES (1, DATE '2026-06-02', ?, 'EU')";
    try (Connection alice = mesh.connect("alice"); PreparedStatement insert = alice.prepareStatement(sql)) {
      for (String amount : List.of("7105.01", "7105.02")) {
        insert.setBigDecimal(1, new java.math.BigDecimal(amount));
        insert.addBatch();
      }
      insert.executeBatch();
    }
    List<Logged> batch = all(parsed(sql));
    assertEquals(2, batch.size());
    for (Logged logged : batch) {
      assertEquals(AuditTransaction.State.COMMITTED, logged.event.transaction().state());
      assertEquals(TransactionOutcome.COMMITTED, logged.outcome);
    }
    assertEquals(List.of("2"), mesh.backendColumn(
        "SELECT count(*) FROM sales.store_transactions WHERE amount BETWEEN 7105 AND 7106"));
    // one event per statement of the session (pgjdbc's SET application_name and the two
    // INSERTs), none for the transaction's end
    String session = batch.get(0).event.sessionId();
    List<String> ofSession = events().stream().filter(event -> event.sessionId().equals(session))
        .map(AuditEvent::sql).toList();
    assertEquals(List.of("SET application_name = 'PostgreSQL JDBC Driver'", parsed(sql), parsed(sql)), ofSession);
  }

  @Test
  void aRollbackToSavepointUndoesOnlyTheStatementsAfterIt() throws Exception {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      alice.setAutoCommit(false);
      statement.executeUpdate(insert("7106.01"));
      Savepoint savepoint = alice.setSavepoint("before_second");
      statement.executeUpdate(insert("7106.02"));
      alice.rollback(savepoint);
      statement.executeUpdate(insert("7106.03"));
      alice.commit();
    }
    assertBackendHas("7106.01", 1);
    assertBackendHas("7106.02", 0);
    assertBackendHas("7106.03", 1);
    assertEquals(TransactionOutcome.COMMITTED, only(insert("7106.01")).outcome);
    assertEquals(TransactionOutcome.ROLLED_BACK, only(insert("7106.02")).outcome);
    assertEquals(TransactionOutcome.COMMITTED, only(insert("7106.03")).outcome);
    Logged undone = only(insert("7106.02"));
    Logged rollbackTo = sameTransaction(undone, "ROLLBACK TO SAVEPOINT");
    assertEquals(undone.event.transaction().statement(), rollbackTo.event.transaction().undoneFrom());
  }

  /**
   * Savepoint names spelled so that a reader who does not follow PostgreSQL's lexer exactly
   * takes a ROLLBACK TO for the later of two savepoints while PostgreSQL rolls back to the
   * earlier: the write between them would be logged as committed although it was undone.
   * Nested block comments, non-ASCII letters (PostgreSQL folds only A-Z in UTF8), Unicode
   * escapes and names longer than 63 bytes (truncated) each decide which savepoint is meant.
   */
  @Test
  void aRollbackToSavepointIsReadAsPostgresReadsTheName() throws Exception {
    String long63 = "s".repeat(63);
    String[][] spellings = {
        // first savepoint, second savepoint, ROLLBACK TO
        {"b", "a", "ROLLBACK TO /* /* */ a */ b"},
        {"\u00e9", "\u00c9", "ROLLBACK TO \u00e9"},
        {"U&\"\\0062\"", "\"u&\"", "ROLLBACK TO U&\"\\0062\""},
        {"a\u2003b", "a", "ROLLBACK TO a\u2003b"},
        {long63, "\"" + long63 + "x\"", "RELEASE " + long63 + "y; ROLLBACK TO \"" + long63 + "x\""},
    };
    int index = 0;
    for (String[] spelling : spellings) {
      index++;
      String undone = "7110." + String.format("%02d", index);
      try (Connection alice = mesh.connect("alice", "preferQueryMode", "simple");
          Statement statement = alice.createStatement()) {
        alice.setAutoCommit(false);
        statement.execute("SAVEPOINT " + spelling[0]);
        statement.executeUpdate(insert(undone));
        statement.execute("SAVEPOINT " + spelling[1]);
        for (String command : spelling[2].split("; ")) {
          statement.execute(command);
        }
        alice.commit();
      } catch (SQLException refused) {
        // refusing the spelling is as good: the transaction then rolls back, and must be logged so
      }
      assertBackendHas(undone, 0);
      // a U& name Meshgate does not read: the log cannot tell what was undone, and says so
      TransactionOutcome expected = spelling[2].contains("U&") ? TransactionOutcome.UNKNOWN : TransactionOutcome.ROLLED_BACK;
      assertEquals(expected, awaitFinalOutcome(only(insert(undone))), String.join(" | ", spelling));
    }
  }

  /**
   * Transaction control in every spelling PostgreSQL takes, several statements to one simple
   * Query (PostgreSQL commits and starts transactions in the middle of one) or one to each: for
   * each INSERT, the fate the log tells must be the fate the backend shows.
   */
  @Test
  void everyInsertsLoggedFateIsItsFateInTheBackend() throws Exception {
    String[][] scenarios = {
        {"{a}; COMMIT; {b}; SELECT 1/0"},
        {"BEGIN; {a}; COMMIT AND CHAIN; {b}; ROLLBACK"},
        {"BEGIN; {a}; ROLLBACK AND CHAIN; {b}; COMMIT"},
        {"{a}; ROLLBACK; {b}"},
        {"BEGIN; {a}; SAVEPOINT s; {b}; RELEASE s; SAVEPOINT s; {c}; ROLLBACK TO s; COMMIT"},
        {"BEGIN; SAVEPOINT s; {a}; SAVEPOINT t; {b}; RELEASE t; ROLLBACK TO s; COMMIT"},
        {"START TRANSACTION; {a}; END"},
        {"BEGIN; {a}; ABORT"},
        {"{a}; BEGIN; {b}; COMMIT; {c}; SELECT 1/0"},
        {"BEGIN; {a}; DROP TABLE sales.store_transactions; COMMIT"},
        {"BEGIN", "{a}", "COMMIT AND CHAIN", "{b}"},
        {"BEGIN", "{a}", "SAVEPOINT s", "SELECT 1/0", "ROLLBACK TO s", "{b}", "COMMIT"},
        {"BEGIN", "SAVEPOINT s", "{a}", "RELEASE s", "SAVEPOINT s", "ROLLBACK TO s", "COMMIT"},
        {"BEGIN; {a}", "COMMIT; {b}; SELECT 1/0"},
        {"{a}; SELECT 1/0; {b}"},
    };
    int scenario = 0;
    for (String[] queries : scenarios) {
      scenario++;
      List<String> amounts = new ArrayList<>();
      try (Connection alice = mesh.connect("alice", "preferQueryMode", "simple");
          Statement statement = alice.createStatement()) {
        for (String query : queries) {
          for (String name : List.of("a", "b", "c")) {
            String amount = (7200 + scenario) + ".0" + (1 + "abc".indexOf(name));
            if (query.contains("{" + name + "}")) {
              query = query.replace("{" + name + "}", insert(amount));
              amounts.add(amount);
            }
          }
          try {
            statement.execute(query);
          } catch (SQLException expected) {
            // a failure is part of the scenario
          }
        }
      }
      for (String amount : amounts) {
        boolean inBackend = !mesh.backendColumn(
            "SELECT count(*) FROM sales.store_transactions WHERE amount = " + amount).equals(List.of("0"));
        TransactionOutcome logged = awaitFinalOutcome(only(insert(amount)));
        assertEquals(inBackend ? TransactionOutcome.COMMITTED : TransactionOutcome.ROLLED_BACK, logged,
            amount + " in " + String.join(" | ", queries));
      }
    }
  }

  /**
   * A deferred constraint is checked when the transaction commits: for an autocommit statement
   * that is after its CommandComplete, at the Sync or at the end of the simple Query, so the
   * error that rolls it back belongs to no statement. The write must still be logged rolled back.
   */
  @Test
  void aWriteWhoseDeferredConstraintFailsAtCommitIsLoggedRolledBack() throws Exception {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute("CREATE FUNCTION public.txaudit_refuse_7301() RETURNS trigger LANGUAGE plpgsql AS"
          + " $$BEGIN IF NEW.amount BETWEEN 7301 AND 7302 THEN RAISE EXCEPTION 'deferred refusal'"
          + " USING ERRCODE = '23514'; END IF; RETURN NULL; END$$");
      statement.execute("CREATE CONSTRAINT TRIGGER txaudit_deferred AFTER INSERT ON sales.store_transactions"
          + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.txaudit_refuse_7301()");
    }
    try {
      for (String mode : List.of("extended", "simple")) {
        String amount = mode.equals("extended") ? "7301.01" : "7301.02";
        try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
            Statement statement = alice.createStatement()) {
          SQLException atCommit = assertThrows(SQLException.class, () -> statement.executeUpdate(insert(amount)));
          assertEquals("23514", atCommit.getSQLState(), atCommit.getMessage());
        }
        assertBackendHas(amount, 0);
        assertEquals(TransactionOutcome.ROLLED_BACK, only(insert(amount)).outcome, mode);
      }
      try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
        alice.setAutoCommit(false);
        statement.executeUpdate(insert("7301.03"));
        assertThrows(SQLException.class, alice::commit);
      }
      assertBackendHas("7301.03", 0);
      assertEquals(TransactionOutcome.ROLLED_BACK, awaitFinalOutcome(only(insert("7301.03"))));
    } finally {
      try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
        statement.execute("DROP TRIGGER txaudit_deferred ON sales.store_transactions");
        statement.execute("DROP FUNCTION public.txaudit_refuse_7301()");
      }
    }
  }

  @Test
  void aClientThatDisconnectsInsideATransactionLeavesItRolledBack() throws Exception {
    Connection alice = mesh.connect("alice");
    alice.setAutoCommit(false);
    try (Statement statement = alice.createStatement()) {
      statement.executeUpdate(insert("7107.01"));
    }
    // no Terminate, no ROLLBACK: the socket just closes
    alice.abort(Executors.newSingleThreadExecutor());
    Logged insert = only(insert("7107.01"));
    assertEquals(AuditTransaction.State.OPEN, insert.event.transaction().state());
    Logged end = awaitSameTransaction(insert, "");
    assertEquals(AuditTransaction.State.ROLLED_BACK, end.event.transaction().state());
    assertEquals("utility", end.event.statementKind());
    assertEquals(TransactionOutcome.ROLLED_BACK, outcomeOf(insert.event));
    assertBackendHas("7107.01", 0);
  }

  @Test
  void aLostBackendInsideATransactionLeavesItRolledBack() throws Exception {
    String application = "txaudit-lost-backend";
    try (Connection alice = mesh.connect("alice", "ApplicationName", application);
        Statement statement = alice.createStatement()) {
      alice.setAutoCommit(false);
      statement.executeUpdate(insert("7108.01"));
      assertEquals(List.of("t"), mesh.backendColumn("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
          + " WHERE application_name = 'meshgate:alice/" + application + "'"));
      assertThrows(SQLException.class, () -> statement.executeUpdate(insert("7108.02")));
    }
    Logged insert = only(insert("7108.01"));
    assertEquals(TransactionOutcome.ROLLED_BACK, awaitFinalOutcome(insert));
    assertBackendHas("7108.01", 0);
    assertBackendHas("7108.02", 0);
  }

  @Test
  void prepareTransactionIsRefusedAndTheTransactionRollsBack() throws Exception {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      alice.setAutoCommit(false);
      statement.executeUpdate(insert("7109.01"));
      SQLException refused = assertThrows(SQLException.class, () -> statement.execute("PREPARE TRANSACTION 'txaudit'"));
      assertNotNull(refused.getSQLState());
      alice.commit();
    }
    assertBackendHas("7109.01", 0);
    assertEquals(List.of("0"), mesh.backendColumn("SELECT count(*) FROM pg_prepared_xacts"));
    Logged prepare = only("PREPARE TRANSACTION 'txaudit'");
    assertTrue(prepare.event.outcome().status() != AuditOutcome.Status.OK, prepare.toString());
    assertEquals(TransactionOutcome.ROLLED_BACK, only(insert("7109.01")).outcome);
  }

  // ---- the log and the backend ----------------------------------------------------------------

  private record Logged(AuditEvent event, TransactionOutcome outcome) {}

  /** The SQL pgjdbc parses for a prepared statement: its parameters numbered. */
  private static String parsed(String sql) {
    String numbered = sql;
    for (int parameter = 1; numbered.contains("?"); parameter++) {
      numbered = numbered.replaceFirst("\\?", "\\$" + parameter);
    }
    return numbered;
  }

  private static void assertBackendHas(String amount, int rows) throws SQLException {
    assertEquals(List.of(Integer.toString(rows)),
        mesh.backendColumn("SELECT count(*) FROM sales.store_transactions WHERE amount = " + amount), amount);
  }

  private static void assertIntact() throws IOException {
    assertTrue(AuditChainVerifier.verifyAll(mesh.environment().auditFile()).intact(), "the log verifies");
  }

  private static List<AuditEvent> events() throws IOException {
    List<AuditEvent> events = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.environment().auditFile(), StandardCharsets.UTF_8)) {
      events.add(EventJson.read(JSON.readTree(line)));
    }
    return events;
  }

  private static TransactionOutcome outcomeOf(AuditEvent event) throws IOException {
    return TransactionOutcomes.read(AuditLog.of(mesh.environment().auditFile())).of(event);
  }

  private static List<Logged> all(String sql) throws IOException {
    TransactionOutcomes outcomes = TransactionOutcomes.read(AuditLog.of(mesh.environment().auditFile()));
    return events().stream()
        .filter(event -> event.sql().equals(sql))
        .map(event -> new Logged(event, outcomes.of(event)))
        .toList();
  }

  private static Logged only(String sql) throws IOException {
    List<Logged> found = all(sql);
    assertEquals(1, found.size(), "one event for " + sql + ": " + found);
    return found.get(0);
  }

  /**
   * The event of the same session and transaction whose SQL starts with {@code prefix}, or for
   * an empty prefix the one without SQL (the end of a session inside the transaction).
   */
  private static Logged sameTransaction(Logged statement, String prefix) throws IOException {
    TransactionOutcomes outcomes = TransactionOutcomes.read(AuditLog.of(mesh.environment().auditFile()));
    List<Logged> found = events().stream()
        .filter(event -> event.sessionId().equals(statement.event.sessionId())
            && event.transaction() != null
            && event.transaction().ordinal() == statement.event.transaction().ordinal()
            && (prefix.isEmpty() ? event.sql().isEmpty() : event.sql().toUpperCase(java.util.Locale.ROOT).startsWith(prefix))
            && event != statement.event
            && !event.eventId().equals(statement.event.eventId()))
        .map(event -> new Logged(event, outcomes.of(event)))
        .toList();
    assertEquals(1, found.size(), "one '" + prefix + "' in the transaction of " + statement + ": " + found);
    return found.get(0);
  }

  /** The session's end is recorded as the session closes, after the client has gone. */
  private static Logged awaitSameTransaction(Logged statement, String prefix) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return sameTransaction(statement, prefix);
      } catch (AssertionError notYet) {
        if (attempt > 500) {
          throw notYet;
        }
        Thread.sleep(20);
      }
    }
  }

  private static TransactionOutcome awaitFinalOutcome(Logged statement) throws Exception {
    for (int attempt = 0; ; attempt++) {
      TransactionOutcome outcome = outcomeOf(statement.event);
      if (outcome != TransactionOutcome.UNKNOWN || attempt > 500) {
        return outcome;
      }
      Thread.sleep(20);
    }
  }
}
