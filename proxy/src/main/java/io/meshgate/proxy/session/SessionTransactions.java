package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.AuditTransaction;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.protocol.TransactionStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Follows the backend session's transactions so that each statement's audit event says which
 * transaction it ran in and what had become of that transaction when the event was written
 * ({@link AuditTransaction}). An event cannot be amended once written, so the events of the
 * statements the backend answers before a ReadyForQuery wait here until it arrives: by then the
 * backend has ended an implicit transaction (a simple Query, or extended-protocol messages up to
 * a Sync) one way or the other, and the events can say which.
 *
 * <p>Statements are taken in the order they were sent, which is the order the backend runs them.
 * A transaction begins with the first statement after the previous one ended and ends at a
 * CommandComplete {@code COMMIT} (committed) or {@code ROLLBACK} (rolled back: a {@code ROLLBACK},
 * or a {@code COMMIT} of a failed transaction), or at a ReadyForQuery {@code I} (an implicit
 * transaction: committed unless a statement of it failed). A statement Meshgate refused counts as
 * a failed one: its refusal goes through the backend, which aborts the transaction. {@code
 * ROLLBACK TO SAVEPOINT} undoes the statements after its savepoint. Confined to the session's
 * event loop; the per-statement work is a few field sets, so the prepared-statement path pays
 * nothing that grows.
 *
 * <p>The wait is bounded: a client may send Bind/Execute without a Sync for as long as it likes
 * (a driver pipelining a large batch; pgjdbc sends a Sync every 256 or so, others need not), and
 * each Execute is answered, so nothing else stops it. Once {@code heldLimit} answered statements wait, {@link #writeEarly} gives their events to
 * be written at once with their transaction still {@code open}, which is true; the events still
 * waiting, always at least the last statement before the Sync, say at the ReadyForQuery how the
 * transaction ended, as a later event settles an explicit transaction's {@code open} events.
 */
final class SessionTransactions {
  /** Marks where the statements a ReadyForQuery will answer end. */
  private static final Object CYCLE_END = new Object();

  private final int heldLimit;
  private final IntConsumer mostHeldObserver;
  /** Answered statements waiting: the backend answers in order, so they lead {@link #waiting}. */
  private int answeredHeld;
  private int mostHeld;

  /** Statements sent and not yet recorded, with {@link #CYCLE_END} after each Sync or Query. */
  private final Deque<Object> waiting = new ArrayDeque<>();
  /** The transaction under way, null between transactions. */
  private Transaction current;
  private long lastOrdinal;
  private long position;
  private boolean failed;
  /** The backend sent an error since the last ReadyForQuery. */
  private boolean errorInCycle;
  private final Deque<Savepoint> savepoints = new ArrayDeque<>();
  /** The backend's status at the last ReadyForQuery: whether a transaction block is open. */
  private TransactionStatus lastStatus = TransactionStatus.IDLE;

  /**
   * @param heldLimit how many answered statements may wait for their transaction's end before
   *     their events are written with it {@code open}; at least 1
   * @param mostHeldObserver told each time more answered statements wait than ever before in
   *     this session (so rarely: at most {@code heldLimit} times)
   */
  SessionTransactions(int heldLimit, IntConsumer mostHeldObserver) {
    if (heldLimit < 1) {
      throw new IllegalArgumentException("heldLimit must be at least 1");
    }
    this.heldLimit = heldLimit;
    this.mostHeldObserver = requireNonNull(mostHeldObserver, "mostHeldObserver is null");
  }

  /** A statement whose event is to be written, with where it ran. */
  record Recorded(GovernedStatement governed, long start, StatementExecution execution, AuditTransaction transaction) {
    Recorded {
      requireNonNull(governed, "governed is null");
    }
  }

  /**
   * A statement was sent to the backend: {@code execution} is null for one Meshgate refused
   * (through the backend) or left unsent.
   */
  void sent(GovernedStatement governed, long start, StatementExecution execution) {
    waiting.add(new Statement(governed, start, execution));
  }

  /** A Sync or a Query was sent: a ReadyForQuery will answer everything sent before it. */
  void cycleSent() {
    waiting.add(CYCLE_END);
  }

  /**
   * The backend began a COPY FROM STDIN for {@code copy}'s Execute, and ignores the {@code
   * syncs} Syncs the client sent right behind it (the client sends its data after them): no
   * ReadyForQuery will answer them, so the cycles they began must not wait for one, or every
   * later statement's event would be written a ReadyForQuery late.
   */
  void syncsIgnoredInCopy(StatementExecution copy, int syncs) {
    requireNonNull(copy, "copy is null");
    Iterator<Object> queued = waiting.iterator();
    while (queued.hasNext()) {
      if (queued.next() instanceof Statement statement && statement.execution == copy) {
        for (int forgotten = 0; forgotten < syncs && queued.hasNext(); forgotten++) {
          if (queued.next() != CYCLE_END) {
            throw new IllegalStateException("a statement was sent between the COPY's Execute and its Syncs");
          }
          queued.remove();
        }
        return;
      }
    }
    throw new IllegalStateException("the COPY's Execute is not waiting for its ReadyForQuery");
  }

  /**
   * The backend sent an ErrorResponse. Most belong to a statement, which records it; but one
   * may belong to none: a deferred constraint, checked as the implicit transaction commits at
   * the Sync or at the end of a simple Query, fails after its statement's CommandComplete. Any
   * error aborts the transaction under way, and the backend runs nothing more before the
   * ReadyForQuery, so the transaction that is under way when that arrives failed.
   */
  void errorSeen() {
    errorInCycle = true;
  }

  /**
   * The backend answered an Execute (CommandComplete, EmptyQueryResponse or PortalSuspended).
   *
   * @return whether so many answered statements wait that {@link #writeEarly} should be called
   */
  boolean answered() {
    if (++answeredHeld > mostHeld) {
      mostHeld = answeredHeld;
      mostHeldObserver.accept(mostHeld);
    }
    return answeredHeld >= heldLimit;
  }

  /**
   * Too many answered statements wait: the events of those that are not the last statement
   * before a Sync (or before the end of what was sent so far), in order, their transaction as
   * it stands now ({@code open}, unless a {@code COMMIT} or {@code ROLLBACK} among them ended
   * it). The statement kept back is written at the ReadyForQuery, or at the session's end, with
   * how the transaction ended, and settles the others.
   */
  List<Recorded> writeEarly() {
    List<Statement> written = new ArrayList<>();
    while (waiting.peek() instanceof Statement statement && statement.isAnswered()) {
      waiting.poll();
      if (!(waiting.peek() instanceof Statement)) {
        // the last statement before the Sync, or the last sent: it settles the others
        waiting.addFirst(statement);
        break;
      }
      place(statement);
      written.add(statement);
    }
    answeredHeld = waiting.peek() instanceof Statement statement && statement.isAnswered() ? 1 : 0;
    return recorded(written);
  }

  /** The backend's ReadyForQuery: the events of the statements it answered, in order. */
  List<Recorded> readyForQuery(TransactionStatus status) {
    // the backend answers in order: whatever was answered belongs to the cycle this ends
    answeredHeld = 0;
    List<Statement> answered = new ArrayList<>();
    while (!waiting.isEmpty()) {
      Object next = waiting.poll();
      if (next == CYCLE_END) {
        break;
      }
      Statement statement = (Statement) next;
      place(statement);
      answered.add(statement);
    }
    if (errorInCycle && current != null) {
      failed = true;
    }
    errorInCycle = false;
    if (current != null && status == TransactionStatus.IDLE) {
      end(failed ? AuditTransaction.State.ROLLED_BACK : AuditTransaction.State.COMMITTED);
    }
    lastStatus = status;
    return recorded(answered);
  }

  /**
   * What the end of the session (client gone, backend lost, or Terminate) leaves to record.
   *
   * @param recorded the events of every statement still waiting, with what the end did to
   *     their transaction
   * @param idleTransactionEnd when the session ended idle in a transaction block, so that no
   *     statement's event says how that transaction ended: the transaction of an event of its
   *     own, one position past its last statement; null otherwise
   */
  record Ending(List<Recorded> recorded, AuditTransaction idleTransactionEnd) {
    Ending {
      recorded = List.copyOf(recorded);
    }
  }

  /**
   * The session ends. The backend connection is closed, so PostgreSQL rolls back a transaction
   * left open, unless a statement still under way might have committed it first, which no one
   * can tell any more. Called once; nothing is waiting afterwards.
   */
  Ending sessionEnded() {
    if (waiting.isEmpty()) {
      if (current == null) {
        return new Ending(List.of(), null);
      }
      AuditTransaction end = new AuditTransaction(current.ordinal, position + 1, AuditTransaction.State.ROLLED_BACK, null);
      end(AuditTransaction.State.ROLLED_BACK);
      return new Ending(List.of(), end);
    }
    List<Statement> remaining = new ArrayList<>();
    boolean mayHaveCommitted = false;
    boolean blockOpen = lastStatus != TransactionStatus.IDLE;
    // Forwarded statements of the cycle being read that could commit: any of an implicit
    // transaction, or one that may end a transaction block.
    boolean cycleMayCommit = false;
    while (!waiting.isEmpty()) {
      Object next = waiting.poll();
      if (next == CYCLE_END) {
        // A Sync or Query sent without its ReadyForQuery: it may have ended the transaction
        // with a commit (a simple Query commits before its last CommandComplete).
        mayHaveCommitted |= cycleMayCommit;
        cycleMayCommit = false;
        continue;
      }
      Statement statement = (Statement) next;
      place(statement);
      remaining.add(statement);
      boolean couldCommit = statement.execution != null && (!blockOpen || mightEndTransaction(statement.governed));
      cycleMayCommit |= couldCommit;
      // one still under way may have committed as the connection went
      mayHaveCommitted |= couldCommit && statement.execution.answeredNanos() == 0;
    }
    if (current != null) {
      end(mayHaveCommitted ? AuditTransaction.State.UNKNOWN : AuditTransaction.State.ROLLED_BACK);
    }
    return new Ending(recorded(remaining), null);
  }

  /**
   * A Query sent before an extended-protocol error was known: the backend skips it and never
   * answers it, so the ReadyForQuery it would have had does not come.
   */
  void querySkipped() {
    waiting.remove(CYCLE_END);
  }

  /** A statement that may commit: a transaction-control (utility) statement or a procedure. */
  private static boolean mightEndTransaction(GovernedStatement governed) {
    return governed.kind().equals("utility") || governed.kind().equals("call");
  }

  private void place(Statement statement) {
    if (current == null) {
      current = new Transaction(++lastOrdinal);
      position = 0;
      failed = false;
      savepoints.clear();
    }
    statement.transaction = current;
    statement.position = ++position;
    StatementExecution execution = statement.execution;
    if (execution == null || execution.sqlState() != null) {
      // refused through the backend, or failed there: the transaction (or the savepoint's
      // subtransaction) is aborted
      failed = true;
      return;
    }
    switch (execution.transactionCommand()) {
      case NONE -> {
        // no effect on the transaction
      }
      case COMMIT -> end(AuditTransaction.State.COMMITTED);
      case ROLLBACK -> {
        SavepointCommand command = SavepointCommand.of(statement.governed.originalSql());
        if (command.kind() == SavepointCommand.Kind.ROLLBACK_TO) {
          statement.undoneFrom = rollBackTo(command.name());
          failed = false;
        } else {
          end(AuditTransaction.State.ROLLED_BACK);
        }
      }
      case SAVEPOINT -> savepoints.push(new Savepoint(SavepointCommand.of(statement.governed.originalSql()).name(), position));
      case RELEASE -> release(SavepointCommand.of(statement.governed.originalSql()).name());
      // the transaction's fate is decided later by COMMIT PREPARED, which the log cannot tie to it
      case PREPARE -> end(AuditTransaction.State.UNKNOWN);
    }
  }

  /**
   * The savepoint's statement position plus one: the first statement undone. A savepoint
   * Meshgate cannot tell (a name it could not read, here or where it was established) counts
   * from the transaction's first statement, so no undone statement is taken for committed, and
   * makes a commit of the transaction {@code unknown}, so none kept is taken for undone either;
   * and as PostgreSQL dropped the savepoints after it, which Meshgate cannot tell, it forgets
   * them all, so that no later ROLLBACK TO finds one PostgreSQL no longer has.
   */
  private long rollBackTo(Optional<String> name) {
    for (Savepoint savepoint : savepoints) {
      if (name.isPresent() && savepoint.name.equals(name)) {
        // later savepoints are gone; this one stays, as in PostgreSQL
        while (savepoints.peek() != savepoint) {
          savepoints.pop();
        }
        return savepoint.position + 1;
      }
    }
    savepoints.clear();
    current.undoneUnknown = true;
    return 1;
  }

  /**
   * Releasing a savepoint releases those after it too. One Meshgate cannot tell releases, for
   * all it knows, every savepoint: a later ROLLBACK TO then counts from the first statement.
   */
  private void release(Optional<String> name) {
    for (Savepoint savepoint : savepoints) {
      if (name.isPresent() && savepoint.name.equals(name)) {
        while (savepoints.pop() != savepoint) {
          // the later ones
        }
        return;
      }
    }
    savepoints.clear();
  }

  private void end(AuditTransaction.State state) {
    current.state = state == AuditTransaction.State.COMMITTED && current.undoneUnknown
        ? AuditTransaction.State.UNKNOWN
        : state;
    current = null;
  }

  private static List<Recorded> recorded(List<Statement> statements) {
    List<Recorded> recorded = new ArrayList<>(statements.size());
    for (Statement statement : statements) {
      recorded.add(new Recorded(statement.governed, statement.start, statement.execution,
          new AuditTransaction(statement.transaction.ordinal, statement.position, statement.transaction.state,
              statement.undoneFrom)));
    }
    return recorded;
  }

  /** One transaction of the session; its state is final once it is not {@code OPEN}. */
  private static final class Transaction {
    private final long ordinal;
    private AuditTransaction.State state = AuditTransaction.State.OPEN;
    /** A ROLLBACK TO undid statements from a savepoint Meshgate could not tell. */
    private boolean undoneUnknown;

    Transaction(long ordinal) {
      this.ordinal = ordinal;
    }
  }

  private static final class Statement {
    private final GovernedStatement governed;
    private final long start;
    private final StatementExecution execution;
    private Transaction transaction;
    private long position;
    private Long undoneFrom;

    Statement(GovernedStatement governed, long start, StatementExecution execution) {
      this.governed = governed;
      this.start = start;
      this.execution = execution;
    }

    /** Ran and answered; a refusal (no execution) is left to the ReadyForQuery. */
    boolean isAnswered() {
      return execution != null && execution.answeredNanos() != 0;
    }
  }

  /** A savepoint and where it was established; an empty name is one Meshgate could not read. */
  private record Savepoint(Optional<String> name, long position) {}
}
