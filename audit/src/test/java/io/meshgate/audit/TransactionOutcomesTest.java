package io.meshgate.audit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.audit.AuditSinkOptions.Fsync;
import io.meshgate.audit.AuditTransaction.State;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fate of each statement's transaction, derived from events that each say only what was
 * known when they were written, across sessions and rotated files; and the export's filters and
 * column built on it.
 */
class TransactionOutcomesTest {
  @TempDir Path directory;

  /** Events by their SQL, each with the transaction its session wrote. */
  private final Map<String, AuditEvent> events = new LinkedHashMap<>();

  private void add(String session, String sql, AuditTransaction transaction) {
    AuditEvent event = SampleEvents.utility();
    events.put(sql, new AuditEvent(event.eventId(), event.time(), session, event.user(), event.groups(),
        event.clientAddress(), event.applicationName(), event.database(), event.statementKind(), null, sql,
        sql, event.relations(), event.decision(), event.outcome(), event.backend(), transaction));
  }

  private static AuditTransaction at(long ordinal, long statement, State state) {
    return new AuditTransaction(ordinal, statement, state, null);
  }

  private AuditLog write() throws Exception {
    Path file = directory.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(file, SampleEvents.options(Fsync.NEVER).withMaxFileBytes(1_200))) {
      for (AuditEvent event : events.values()) {
        sink.append(event).get(10, SECONDS);
      }
    }
    return AuditLog.of(file);
  }

  /** Sessions interleaved, as on a busy instance; each case's fate written out by hand. */
  private void workload() {
    // a: BEGIN; INSERT 1; ROLLBACK, each its own cycle
    add("a", "begin a1", at(1, 1, State.OPEN));
    // b: an autocommit statement, whose own event says it committed
    add("b", "insert b1", at(1, 1, State.COMMITTED));
    add("a", "insert a1", at(1, 2, State.OPEN));
    add("a", "rollback a1", at(1, 3, State.ROLLED_BACK));
    // a: BEGIN; INSERT 2; SAVEPOINT; INSERT 3; ROLLBACK TO (undoes 4); INSERT 4; COMMIT
    add("a", "begin a2", at(2, 1, State.OPEN));
    add("a", "insert a2", at(2, 2, State.OPEN));
    add("a", "savepoint a2", at(2, 3, State.OPEN));
    add("a", "insert a3", at(2, 4, State.OPEN));
    add("b", "insert b2", at(2, 1, State.ROLLED_BACK));
    add("a", "rollback to a2", new AuditTransaction(2, 5, State.OPEN, 4L));
    add("a", "insert a4", at(2, 6, State.OPEN));
    add("a", "commit a2", at(2, 7, State.COMMITTED));
    // c: a transaction the log never sees end (the instance stopped)
    add("c", "insert c1", at(1, 1, State.OPEN));
    // d: the connection went while a COMMIT was under way
    add("d", "insert d1", at(1, 1, State.OPEN));
    add("d", "commit d1", at(1, 2, State.UNKNOWN));
    // e: one Query "BEGIN; SAVEPOINT s; INSERT; ROLLBACK TO s; COMMIT": all written committed
    add("e", "insert e1", at(1, 3, State.COMMITTED));
    add("e", "rollback to e1", new AuditTransaction(1, 4, State.COMMITTED, 3L));
    // f: the same ordinal in another session is another transaction
    add("f", "insert f1", at(2, 2, State.COMMITTED));
    // g: a line written before Meshgate recorded transactions
    add("g", "select g1", null);
  }

  private static final Map<String, TransactionOutcome> EXPECTED = expected();

  private static Map<String, TransactionOutcome> expected() {
    Map<String, TransactionOutcome> expected = new LinkedHashMap<>();
    TransactionOutcome committed = TransactionOutcome.COMMITTED;
    TransactionOutcome rolledBack = TransactionOutcome.ROLLED_BACK;
    TransactionOutcome unknown = TransactionOutcome.UNKNOWN;
    expected.put("begin a1", rolledBack);
    expected.put("insert b1", committed);
    expected.put("insert a1", rolledBack);
    expected.put("rollback a1", rolledBack);
    expected.put("begin a2", committed);
    expected.put("insert a2", committed);
    expected.put("savepoint a2", committed);
    expected.put("insert a3", rolledBack);
    expected.put("insert b2", rolledBack);
    expected.put("rollback to a2", committed);
    expected.put("insert a4", committed);
    expected.put("commit a2", committed);
    expected.put("insert c1", unknown);
    expected.put("insert d1", unknown);
    expected.put("commit d1", unknown);
    expected.put("insert e1", rolledBack);
    expected.put("rollback to e1", committed);
    expected.put("insert f1", committed);
    expected.put("select g1", unknown);
    return expected;
  }

  @Test
  void eachStatementGetsTheFateItsTransactionsLaterEventsTell() throws Exception {
    workload();
    AuditLog log = write();
    TransactionOutcomes outcomes = TransactionOutcomes.read(log);
    Map<String, TransactionOutcome> derived = new LinkedHashMap<>();
    events.forEach((sql, event) -> derived.put(sql, outcomes.of(event)));
    assertEquals(EXPECTED, derived);
  }

  @Test
  void exportFiltersByTransactionOutcomeAndShowsItInTheCsv() throws Exception {
    workload();
    AuditLog log = write();
    for (TransactionOutcome wanted : TransactionOutcome.values()) {
      List<String> expected = new ArrayList<>();
      EXPECTED.forEach((sql, outcome) -> {
        if (outcome == wanted) {
          expected.add(sql);
        }
      });
      StringWriter csv = new StringWriter();
      AuditExport.export(log, AuditFilter.all().withTransactionOutcome(wanted), AuditExport.Format.CSV, csv);
      List<List<String>> records = Rfc4180.parse(csv.toString());
      int sqlColumn = AuditExport.CSV_COLUMNS.indexOf("sql");
      int outcomeColumn = AuditExport.CSV_COLUMNS.indexOf("transaction_outcome");
      assertEquals(expected, records.subList(1, records.size()).stream().map(row -> row.get(sqlColumn)).toList(),
          wanted.toString());
      records.subList(1, records.size())
          .forEach(row -> assertEquals(wanted.wireName(), row.get(outcomeColumn), row.toString()));
    }
  }

  @Test
  void csvShowsEachStatementsTransactionAndPosition() throws Exception {
    workload();
    AuditLog log = write();
    StringWriter csv = new StringWriter();
    AuditExport.export(log, AuditFilter.all().withUser("alice"), AuditExport.Format.CSV, csv);
    List<List<String>> records = Rfc4180.parse(csv.toString());
    int sql = AuditExport.CSV_COLUMNS.indexOf("sql");
    int ordinal = AuditExport.CSV_COLUMNS.indexOf("transaction");
    int statement = AuditExport.CSV_COLUMNS.indexOf("transaction_statement");
    List<String> row = records.stream().filter(record -> record.get(sql).equals("insert a3")).findFirst().orElseThrow();
    assertEquals(List.of("2", "4", "rolled_back"),
        List.of(row.get(ordinal), row.get(statement), row.get(AuditExport.CSV_COLUMNS.indexOf("transaction_outcome"))));
    List<String> old = records.stream().filter(record -> record.get(sql).equals("select g1")).findFirst().orElseThrow();
    assertEquals(List.of("", "", "unknown"),
        List.of(old.get(ordinal), old.get(statement), old.get(AuditExport.CSV_COLUMNS.indexOf("transaction_outcome"))));
  }

  @Test
  void exportFiltersByOutcomeStatusSoRowFilterDenialsOfAllowedWritesAreFound() throws Exception {
    AuditEvent allowed = SampleEvents.allowedSelect();
    // allowed by the decision, refused by Meshgate's row-filter check while it ran
    AuditEvent rowDenied = new AuditEvent(AuditEvent.randomEventId(), allowed.time(), "h", "alice", allowed.groups(),
        allowed.clientAddress(), allowed.applicationName(), allowed.database(), "insert", null,
        "insert into sales.orders values (1, 'US')", "INSERT ...", allowed.relations(), allowed.decision(),
        new AuditOutcome(AuditOutcome.Status.DENIED, "42501", 0, 0, 10, "new row violates the row filters"),
        allowed.backend(), at(1, 1, State.ROLLED_BACK));
    events.put("allowed", allowed);
    events.put("row denied", rowDenied);
    events.put("denied", SampleEvents.denied());
    AuditLog log = write();
    StringWriter jsonl = new StringWriter();
    AuditExport.export(log, AuditFilter.all().withOutcome(AuditOutcome.Status.DENIED), AuditExport.Format.JSONL, jsonl);
    assertEquals(2, jsonl.toString().lines().count());
    assertEquals(true, jsonl.toString().contains("new row violates the row filters"));
    StringWriter allowedButDenied = new StringWriter();
    AuditExport.export(log, AuditFilter.all().withOutcome(AuditOutcome.Status.DENIED).withDecision(DecisionKind.ALLOW),
        AuditExport.Format.JSONL, allowedButDenied);
    assertEquals(1, allowedButDenied.toString().lines().count());
    assertEquals(true, allowedButDenied.toString().contains(rowDenied.eventId()));
  }
}
