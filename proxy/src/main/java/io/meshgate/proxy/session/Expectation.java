package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.protocol.ErrorFields;
import java.util.Optional;

/**
 * What the backend owes the client for one message Meshgate forwarded, in order. The
 * backend answers messages strictly in sequence, so a FIFO of expectations tells which
 * message each response belongs to (for audit, and to swap in Meshgate's own refusals).
 */
sealed interface Expectation {

  /**
   * A refusal sent to the backend as a statement that fails to parse, so the backend's own
   * error handling (abort the transaction, skip to Sync) matches PostgreSQL's exactly; its
   * ErrorResponse is replaced by Meshgate's, recognised by the unique marker in it.
   */
  record Refusal(String marker, ErrorFields error) {
    public Refusal {
      requireNonNull(marker, "marker is null");
      requireNonNull(error, "error is null");
    }
  }

  /**
   * ParseComplete, or an error (possibly a refusal placeholder). {@code replaced} is what the
   * session knew under the statement's name before: if the backend refuses the Parse (the
   * name is taken), the name still means that statement.
   */
  record ParseResponse(Optional<Refusal> refusal, String statementName, Optional<GovernedStatement> replaced)
      implements Expectation {}

  /**
   * BindComplete, or the error of a refused Bind (a placeholder naming no statement). {@code
   * portalName} is the portal the Bind creates; if it fails, or is skipped, there is none.
   */
  record BindResponse(String portalName, Optional<Refusal> refusal) implements Expectation {}

  /** ParameterDescription then RowDescription/NoData (statement), or RowDescription/NoData (portal). */
  record DescribeResponse(boolean statement) implements Expectation {}

  /**
   * DataRow* then CommandComplete, EmptyQueryResponse or PortalSuspended; audited. Only a
   * portal Meshgate bound is executed, so there is always a statement to attribute it to.
   */
  record ExecuteResponse(StatementExecution execution) implements Expectation {
    public ExecuteResponse {
      requireNonNull(execution, "execution is null");
    }
  }

  /** CloseComplete. */
  record CloseResponse() implements Expectation {}

  /** ReadyForQuery after Sync. */
  record SyncResponse() implements Expectation {}

  /**
   * Everything up to ReadyForQuery for a simple Query; each of its statements is audited. A
   * refusal is a placeholder Query (no executions) whose error is swapped.
   */
  record SimpleQueryResponse(SimpleQueryExecutions executions, Optional<Refusal> refusal) implements Expectation {}

  /** The statement a response belongs to, for frames that carry results. */
  static Optional<StatementExecution> executionOf(Expectation expectation) {
    return switch (expectation) {
      case ExecuteResponse execute -> Optional.of(execute.execution());
      case SimpleQueryResponse query -> query.executions().current();
      case ParseResponse parse -> Optional.empty();
      case BindResponse bind -> Optional.empty();
      case DescribeResponse describe -> Optional.empty();
      case CloseResponse close -> Optional.empty();
      case SyncResponse sync -> Optional.empty();
    };
  }
}
