package io.meshgate.proxy.governance;

import io.meshgate.proxy.protocol.ErrorFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statements of one simple Query message, which run as a whole or not at all: if one is
 * refused, nothing is forwarded. PostgreSQL would have run the statements before the failing
 * one; Meshgate refuses the message before anything runs, so a refusal can never leave half a
 * message executed.
 */
public final class SimpleQueryStatements {
  private SimpleQueryStatements() {}

  /**
   * The statements of a message as they will be audited, and the error the client sees when
   * the message is refused.
   */
  public record Message(List<GovernedStatement> statements, Optional<ErrorFields> refusal) {
    public Message {
      statements = List.copyOf(statements);
      java.util.Objects.requireNonNull(refusal, "refusal is null");
    }
  }

  /**
   * The statements unchanged if none is refused. Otherwise the first refusal is what the
   * client sees (naming its position), and every statement that would have been forwarded is
   * refused as not forwarded, keeping its decision for the audit log.
   */
  public static Message wholeOrNothing(List<GovernedStatement> statements) {
    Optional<GovernedStatement> firstRefused = statements.stream().filter(statement -> !statement.isForwarded()).findFirst();
    if (firstRefused.isEmpty() || statements.size() == 1) {
      return new Message(statements, firstRefused.flatMap(GovernedStatement::refusal));
    }
    int position = statements.indexOf(firstRefused.get()) + 1;
    ErrorFields refusal = firstRefused.get().refusal().orElseThrow();
    String where = "statement " + position + " of " + statements.size();
    ErrorFields clientError = new ErrorFields(refusal.severity(), refusal.sqlState(), where + " of the query: "
        + refusal.message() + "; no statement of the query was run", refusal.detail(), refusal.hint());
    List<GovernedStatement> result = new ArrayList<>(statements.size());
    for (GovernedStatement statement : statements) {
      if (statement == firstRefused.get()) {
        result.add(statement.refusedWith(clientError, statement.outcome()));
      } else if (statement.isForwarded()) {
        result.add(statement.refusedWith(
            ErrorFields.error(refusal.sqlState(), "not forwarded: " + where + " of the same query was refused"),
            GovernedStatement.Outcome.FAILED));
      } else {
        result.add(statement);
      }
    }
    return new Message(result, Optional.of(clientError));
  }

  /** What to send for statements that are all forwarded: one query string, in order. */
  public static String joined(List<GovernedStatement> statements) {
    return String.join("; ", statements.stream().map(statement -> statement.forwardedSql().orElseThrow()).toList());
  }
}
