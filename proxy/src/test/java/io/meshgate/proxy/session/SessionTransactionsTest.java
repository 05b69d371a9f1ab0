package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.meshgate.audit.AuditTransaction;
import io.meshgate.audit.AuditTransaction.State;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.protocol.TransactionStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which transaction each statement ran in and what had become of it at its ReadyForQuery, from
 * the CommandComplete tags and errors PostgreSQL sends (the ITs in {@code audit/TransactionAuditIT}
 * check the same against a real backend).
 */
class SessionTransactionsTest {
  private final SessionTransactions transactions = new SessionTransactions(1000, most -> { });

  private static GovernedStatement statement(String sql, String kind) {
    return new GovernedStatement(sql, Optional.of(sql), Optional.empty(), GovernedStatement.Outcome.PASSTHROUGH, kind,
        List.of(), Optional.empty(), "rev", new GovernedStatement.StageTimings(0, 0, 0));
  }

  /** A statement sent and answered with {@code tag} (null: an error). */
  private StatementExecution answered(String sql, String kind, String tag) {
    StatementExecution execution = new StatementExecution(statement(sql, kind), 1, 1);
    transactions.sent(execution.governed(), 1, execution);
    if (tag == null) {
      execution.error("22012", "division by zero");
    } else {
      execution.commandComplete(tag);
    }
    execution.answered(2);
    return execution;
  }

  private List<AuditTransaction> readyForQuery(TransactionStatus status) {
    transactions.cycleSent();
    return transactions.readyForQuery(status).stream().map(SessionTransactions.Recorded::transaction).toList();
  }

  private static AuditTransaction at(long ordinal, long statement, State state) {
    return new AuditTransaction(ordinal, statement, state, null);
  }

  @Test
  void autocommitStatementsAreEachTheirOwnCommittedTransaction() {
    answered("INSERT 1", "insert", "INSERT 0 1");
    assertEquals(List.of(at(1, 1, State.COMMITTED)), readyForQuery(TransactionStatus.IDLE));
    answered("SELECT 1", "select", "SELECT 1");
    assertEquals(List.of(at(2, 1, State.COMMITTED)), readyForQuery(TransactionStatus.IDLE));
  }

  /**
   * tokio-postgres's COPY FROM STDIN: Execute and Sync, then the data, CopyDone and Sync. The
   * backend ignores the first Sync (it arrives in copy-in mode), so one ReadyForQuery answers
   * both, and the statements after the copy must still be written at their own ReadyForQuery.
   */
  @Test
  void aSyncTheBackendIgnoredInCopyInBeginsNoCycle() {
    StatementExecution copy = new StatementExecution(statement("COPY t FROM STDIN", "copy_in"), 1, 1);
    transactions.sent(copy.governed(), 1, copy);
    transactions.cycleSent(); // the Sync right behind the Execute
    transactions.syncsIgnoredInCopy(copy, 1);
    copy.commandComplete("COPY 500");
    copy.answered(2);
    assertEquals(List.of(at(1, 1, State.COMMITTED)), readyForQuery(TransactionStatus.IDLE));
    answered("SELECT 1", "select", "SELECT 1");
    assertEquals(List.of(at(2, 1, State.COMMITTED)), readyForQuery(TransactionStatus.IDLE));
  }

  @Test
  void aFailedStatementRollsBackItsImplicitTransaction() {
    answered("INSERT 1", "insert", "INSERT 0 1");
    answered("INSERT 2", "insert", "INSERT 0 1");
    answered("SELECT 1/0", "select", null);
    assertEquals(List.of(at(1, 1, State.ROLLED_BACK), at(1, 2, State.ROLLED_BACK), at(1, 3, State.ROLLED_BACK)),
        readyForQuery(TransactionStatus.IDLE));
  }

  /** A deferred constraint fails as the implicit transaction commits: an error of no statement. */
  @Test
  void anErrorAfterTheLastStatementRollsBackItsImplicitTransaction() {
    answered("INSERT 1", "insert", "INSERT 0 1");
    transactions.errorSeen();
    assertEquals(List.of(at(1, 1, State.ROLLED_BACK)), readyForQuery(TransactionStatus.IDLE));
    answered("INSERT 2", "insert", "INSERT 0 1");
    assertEquals(List.of(at(2, 1, State.COMMITTED)), readyForQuery(TransactionStatus.IDLE));
  }

  @Test
  void aRefusedStatementAbortsTheTransactionLikeAnError() {
    answered("INSERT 1", "insert", "INSERT 0 1");
    transactions.sent(statement("DROP TABLE x", "ddl"), 1, null);
    assertEquals(List.of(at(1, 1, State.ROLLED_BACK), at(1, 2, State.ROLLED_BACK)),
        readyForQuery(TransactionStatus.IDLE));
  }

  @Test
  void anExplicitBlockStaysOpenUntilItsCommitOrRollback() {
    answered("BEGIN", "utility", "BEGIN");
    answered("INSERT 1", "insert", "INSERT 0 1");
    assertEquals(List.of(at(1, 1, State.OPEN), at(1, 2, State.OPEN)), readyForQuery(TransactionStatus.IN_TRANSACTION));
    answered("SELECT 1/0", "select", null);
    assertEquals(List.of(at(1, 3, State.OPEN)), readyForQuery(TransactionStatus.FAILED_TRANSACTION));
    // COMMIT of a failed transaction: PostgreSQL answers ROLLBACK
    answered("COMMIT", "utility", "ROLLBACK");
    assertEquals(List.of(at(1, 4, State.ROLLED_BACK)), readyForQuery(TransactionStatus.IDLE));
    answered("BEGIN", "utility", "BEGIN");
    answered("COMMIT", "utility", "COMMIT");
    answered("INSERT 2", "insert", "INSERT 0 1");
    // one Query "BEGIN; COMMIT; INSERT": two transactions
    assertEquals(List.of(at(2, 1, State.COMMITTED), at(2, 2, State.COMMITTED), at(3, 1, State.COMMITTED)),
        readyForQuery(TransactionStatus.IDLE));
  }

  @Test
  void aRollbackToSavepointNamesTheFirstStatementItUndid() {
    answered("BEGIN", "utility", "BEGIN");
    answered("SAVEPOINT outer_one", "utility", "SAVEPOINT");
    answered("INSERT 1", "insert", "INSERT 0 1");
    answered("savepoint \"Inner\"", "utility", "SAVEPOINT");
    answered("INSERT 2", "insert", "INSERT 0 1");
    answered("ROLLBACK TO SAVEPOINT \"Inner\"", "utility", "ROLLBACK");
    answered("INSERT 3", "insert", "INSERT 0 1");
    answered("rollback work to Outer_One", "utility", "ROLLBACK");
    answered("SELECT 1/0", "select", null);
    // recovers the failed transaction
    answered("ROLLBACK TO outer_one", "utility", "ROLLBACK");
    answered("COMMIT", "utility", "COMMIT");
    List<AuditTransaction> recorded = readyForQuery(TransactionStatus.IDLE);
    assertEquals(5L, recorded.get(5).undoneFrom());
    assertEquals(3L, recorded.get(7).undoneFrom());
    assertEquals(3L, recorded.get(9).undoneFrom());
    assertNull(recorded.get(4).undoneFrom());
    recorded.forEach(transaction -> assertEquals(State.COMMITTED, transaction.state()));
    assertEquals(11, recorded.get(10).statement());
  }

  /** PostgreSQL rolled back to some savepoint, Meshgate cannot tell which: the commit is unknown. */
  @Test
  void aRollbackToASavepointMeshgateCannotTellLeavesTheCommitUnknown() {
    answered("BEGIN", "utility", "BEGIN");
    answered("INSERT 1", "insert", "INSERT 0 1");
    answered("SAVEPOINT U&\"\\0061\"", "utility", "SAVEPOINT");
    answered("INSERT 2", "insert", "INSERT 0 1");
    answered("ROLLBACK TO a", "utility", "ROLLBACK");
    answered("COMMIT", "utility", "COMMIT");
    List<AuditTransaction> recorded = readyForQuery(TransactionStatus.IDLE);
    assertEquals(1L, recorded.get(4).undoneFrom());
    recorded.forEach(transaction -> assertEquals(State.UNKNOWN, transaction.state()));
  }

  @Test
  void aSessionThatEndsIdleInATransactionRecordsItsRollback() {
    answered("BEGIN", "utility", "BEGIN");
    answered("INSERT 1", "insert", "INSERT 0 1");
    readyForQuery(TransactionStatus.IN_TRANSACTION);
    SessionTransactions.Ending ending = transactions.sessionEnded();
    assertEquals(List.of(), ending.recorded());
    assertEquals(at(1, 3, State.ROLLED_BACK), ending.idleTransactionEnd());
    assertNull(transactions.sessionEnded().idleTransactionEnd());
  }

  @Test
  void aSessionThatEndsWhileACommitMayBeUnderWayLeavesItUnknown() {
    answered("BEGIN", "utility", "BEGIN");
    answered("INSERT 1", "insert", "INSERT 0 1");
    readyForQuery(TransactionStatus.IN_TRANSACTION);
    StatementExecution commit = new StatementExecution(statement("COMMIT", "utility"), 1, 1);
    transactions.sent(commit.governed(), 1, commit);
    transactions.cycleSent();
    commit.error("57014", "the client disconnected");
    SessionTransactions.Ending ending = transactions.sessionEnded();
    assertEquals(List.of(at(1, 3, State.UNKNOWN)), ending.recorded().stream().map(SessionTransactions.Recorded::transaction).toList());
    assertNull(ending.idleTransactionEnd());
  }

  @Test
  void aSessionThatEndsWhileAWriteRunsInABlockLeavesItRolledBack() {
    answered("BEGIN", "utility", "BEGIN");
    readyForQuery(TransactionStatus.IN_TRANSACTION);
    StatementExecution write = new StatementExecution(statement("UPDATE t SET a = 1", "update"), 1, 1);
    transactions.sent(write.governed(), 1, write);
    transactions.cycleSent();
    write.error("57014", "the client disconnected");
    assertEquals(List.of(at(1, 2, State.ROLLED_BACK)),
        transactions.sessionEnded().recorded().stream().map(SessionTransactions.Recorded::transaction).toList());
  }

  /**
   * "INSERT; COMMIT; INSERT" in one Query inside a block: the COMMIT ends the block, and the
   * second INSERT runs in an implicit transaction that may have committed as the connection went.
   */
  @Test
  void aSessionThatEndsAfterACommitEndedTheBlockLeavesWhatFollowsUnknown() {
    answered("BEGIN", "utility", "BEGIN");
    readyForQuery(TransactionStatus.IN_TRANSACTION);
    answered("INSERT 1", "insert", "INSERT 0 1");
    answered("COMMIT", "utility", "COMMIT");
    StatementExecution write = new StatementExecution(statement("INSERT 2", "insert"), 1, 1);
    transactions.sent(write.governed(), 1, write);
    transactions.cycleSent();
    write.error("57014", "the client disconnected");
    assertEquals(List.of(at(1, 2, State.COMMITTED), at(1, 3, State.COMMITTED), at(2, 1, State.UNKNOWN)),
        transactions.sessionEnded().recorded().stream().map(SessionTransactions.Recorded::transaction).toList());
  }

  @Test
  void aSessionThatEndsWhileAnAutocommitStatementRunsLeavesItUnknown() {
    StatementExecution write = new StatementExecution(statement("UPDATE t SET a = 1", "update"), 1, 1);
    transactions.sent(write.governed(), 1, write);
    transactions.cycleSent();
    assertEquals(List.of(at(1, 1, State.UNKNOWN)),
        transactions.sessionEnded().recorded().stream().map(SessionTransactions.Recorded::transaction).toList());
  }

  @Test
  void aSkippedQueryGetsNoReadyForQueryOfItsOwn() {
    answered("INSERT 1", "insert", null);
    StatementExecution skipped = new StatementExecution(statement("INSERT 2", "insert"), 1, 1);
    transactions.sent(skipped.governed(), 1, skipped);
    transactions.cycleSent();
    skipped.error("22012", "not executed");
    transactions.querySkipped();
    assertEquals(List.of(at(1, 1, State.ROLLED_BACK), at(1, 2, State.ROLLED_BACK)),
        readyForQuery(TransactionStatus.IDLE));
    answered("INSERT 3", "insert", "INSERT 0 1");
    assertEquals(List.of(at(2, 1, State.COMMITTED)), readyForQuery(TransactionStatus.IDLE));
  }

  // ---- a batch longer than the bound -------------------------------------------------------

  private final List<Integer> mostHeld = new java.util.ArrayList<>();
  private final SessionTransactions bounded = new SessionTransactions(3, mostHeld::add);

  /**
   * An Execute sent to {@link #bounded} and answered; the written-early events, if any. As in
   * the session, only a CommandComplete counts: after an error the backend skips to the Sync.
   */
  private List<AuditTransaction> boundedAnswered(String sql, String tag) {
    StatementExecution execution = new StatementExecution(statement(sql, "insert"), 1, 1);
    bounded.sent(execution.governed(), 1, execution);
    execution.answered(2);
    if (tag == null) {
      execution.error("42501", "new row violates the row filters");
      return List.of();
    }
    execution.commandComplete(tag);
    return bounded.answered() ? transactions(bounded.writeEarly()) : List.of();
  }

  private static List<AuditTransaction> transactions(List<SessionTransactions.Recorded> recorded) {
    return recorded.stream().map(SessionTransactions.Recorded::transaction).toList();
  }

  @Test
  void aLongBatchIsWrittenOpenAtTheBoundAndSettledByItsLastStatement() {
    List<AuditTransaction> early = new java.util.ArrayList<>();
    for (int row = 1; row <= 7; row++) {
      early.addAll(boundedAnswered("INSERT " + row, "INSERT 0 1"));
    }
    // at 3 answered, the first 2 are written and the last kept; again at the 5th and 7th
    assertEquals(List.of(at(1, 1, State.OPEN), at(1, 2, State.OPEN), at(1, 3, State.OPEN), at(1, 4, State.OPEN),
        at(1, 5, State.OPEN), at(1, 6, State.OPEN)), early);
    assertEquals(List.of(1, 2, 3), mostHeld);
    bounded.cycleSent();
    assertEquals(List.of(at(1, 7, State.COMMITTED)), transactions(bounded.readyForQuery(TransactionStatus.IDLE)));
    // the next batch counts from nothing
    assertEquals(List.of(), boundedAnswered("INSERT 8", "INSERT 0 1"));
    bounded.cycleSent();
    assertEquals(List.of(at(2, 1, State.COMMITTED)), transactions(bounded.readyForQuery(TransactionStatus.IDLE)));
  }

  @Test
  void aLongBatchWhoseLastRowIsRefusedIsSettledRolledBack() {
    for (int row = 1; row <= 4; row++) {
      boundedAnswered("INSERT " + row, "INSERT 0 1");
    }
    assertEquals(List.of(), boundedAnswered("INSERT 5", null));
    bounded.cycleSent();
    assertEquals(List.of(at(1, 3, State.ROLLED_BACK), at(1, 4, State.ROLLED_BACK), at(1, 5, State.ROLLED_BACK)),
        transactions(bounded.readyForQuery(TransactionStatus.IDLE)));
  }

  @Test
  void onlyAnsweredStatementsBeforeTheLastAreWrittenEarly() {
    boundedAnswered("INSERT 1", "INSERT 0 1");
    boundedAnswered("INSERT 2", "INSERT 0 1");
    StatementExecution running = new StatementExecution(statement("INSERT 3", "insert"), 1, 1);
    bounded.sent(running.governed(), 1, running);
    // the Sync is sent; a statement pipelined behind it is not part of this transaction
    bounded.cycleSent();
    StatementExecution next = new StatementExecution(statement("INSERT 4", "insert"), 1, 1);
    bounded.sent(next.governed(), 1, next);
    running.commandComplete("INSERT 0 1");
    running.answered(2);
    assertEquals(true, bounded.answered());
    // 1 and 2 go; 3 is the last before the Sync and stays to settle them
    assertEquals(List.of(at(1, 1, State.OPEN), at(1, 2, State.OPEN)), transactions(bounded.writeEarly()));
    assertEquals(List.of(at(1, 3, State.COMMITTED)), transactions(bounded.readyForQuery(TransactionStatus.IDLE)));
  }

  @Test
  void aSessionThatEndsBeforeTheSyncRollsTheBatchBack() {
    for (int row = 1; row <= 4; row++) {
      boundedAnswered("INSERT " + row, "INSERT 0 1");
    }
    // no Sync: the backend rolls back the implicit transaction as the connection closes
    SessionTransactions.Ending ending = bounded.sessionEnded();
    assertEquals(List.of(at(1, 3, State.ROLLED_BACK), at(1, 4, State.ROLLED_BACK)), transactions(ending.recorded()));
    assertNull(ending.idleTransactionEnd());
  }
}
