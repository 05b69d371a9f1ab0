package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.StatementKind;
import java.util.List;
import java.util.Optional;

/**
 * {@code PREPARE name AS <statement>} or {@code DECLARE name CURSOR FOR <query>}: the
 * statement is governed exactly as if it were sent alone (same kind, relations, decision and
 * rewrite), and what is forwarded is Meshgate's own head followed by the rewritten statement.
 */
final class WrappedStatement implements AnalyzedStatement {
  private final String head;
  private final AnalyzedStatement inner;
  private final Optional<PreparedStatementUse> use;

  /**
   * @param head what precedes the statement, ending in a space ({@code PREPARE "p" AS })
   */
  WrappedStatement(String head, AnalyzedStatement inner, Optional<PreparedStatementUse> use) {
    this.head = requireNonNull(head, "head is null");
    this.inner = requireNonNull(inner, "inner is null");
    this.use = requireNonNull(use, "use is null");
  }

  @Override
  public StatementKind kind() {
    return inner.kind();
  }

  @Override
  public boolean requiresDecision() {
    return inner.requiresDecision();
  }

  @Override
  public List<RelationAccess> relations() {
    return inner.relations();
  }

  @Override
  public String passthroughSql() {
    return head + inner.passthroughSql();
  }

  @Override
  public String rewrite(Decision decision) throws SqlRefusal {
    return head + inner.rewrite(decision);
  }

  @Override
  public Optional<PreparedStatementUse> preparedStatementUse() {
    return use;
  }

  @Override
  public String toString() {
    return "WrappedStatement[" + head + inner + "]";
  }
}
