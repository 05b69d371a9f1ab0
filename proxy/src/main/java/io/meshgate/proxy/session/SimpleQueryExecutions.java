package io.meshgate.proxy.session;

import java.util.List;
import java.util.Optional;

/**
 * The statements of one forwarded simple Query, in order. PostgreSQL ends each statement's
 * results with CommandComplete (or EmptyQueryResponse), and after an ErrorResponse skips the
 * rest of the message, so the backend's frames are attributed by counting: every statement
 * gets its own rows, outcome and audit event.
 */
final class SimpleQueryExecutions {
  private static final String NOT_EXECUTED = "not executed: an earlier statement of the same query failed";

  private final List<StatementExecution> executions;
  private int current;

  SimpleQueryExecutions(List<StatementExecution> executions) {
    this.executions = List.copyOf(executions);
  }

  /** The statement the backend is answering now; empty once all are answered. */
  Optional<StatementExecution> current() {
    return current < executions.size() ? Optional.of(executions.get(current)) : Optional.empty();
  }

  /** CommandComplete or EmptyQueryResponse: the next frames belong to the next statement. */
  void completed() {
    current++;
  }

  /** ErrorResponse: the current statement failed and PostgreSQL runs none after it. */
  void failed(String sqlState, String message) {
    failed(sqlState, message, false);
  }

  /**
   * ErrorResponse: the current statement failed (or its policy refused a row it wrote, {@code
   * deniedByPolicy}) and PostgreSQL runs none after it.
   */
  void failed(String sqlState, String message, boolean deniedByPolicy) {
    for (int index = current; index < executions.size(); index++) {
      if (index == current) {
        executions.get(index).error(sqlState, message, deniedByPolicy);
      } else {
        executions.get(index).error(sqlState, NOT_EXECUTED);
      }
    }
    current = executions.size();
  }

  /** Statements not yet answered: they end with {@code sqlState} (disconnect, lost backend). */
  List<StatementExecution> unfinished() {
    return executions.subList(Math.min(current, executions.size()), executions.size());
  }

  List<StatementExecution> all() {
    return executions;
  }
}
