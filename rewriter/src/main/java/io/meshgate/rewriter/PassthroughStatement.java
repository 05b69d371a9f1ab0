package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.StatementKind;
import java.util.List;
import java.util.Optional;

/** A statement forwarded without a decision. */
final class PassthroughStatement implements AnalyzedStatement {
  private final StatementKind kind;
  private final String sql;
  private final Optional<PreparedStatementUse> use;

  PassthroughStatement(StatementKind kind, String sql) {
    this(kind, sql, Optional.empty());
  }

  PassthroughStatement(StatementKind kind, String sql, Optional<PreparedStatementUse> use) {
    this.kind = requireNonNull(kind, "kind is null");
    this.sql = requireNonNull(sql, "sql is null");
    this.use = requireNonNull(use, "use is null");
  }

  @Override
  public Optional<PreparedStatementUse> preparedStatementUse() {
    return use;
  }

  @Override
  public StatementKind kind() {
    return kind;
  }

  @Override
  public boolean requiresDecision() {
    return false;
  }

  @Override
  public List<RelationAccess> relations() {
    return List.of();
  }

  @Override
  public String passthroughSql() {
    return sql;
  }

  @Override
  public String rewrite(Decision decision) {
    throw new IllegalStateException("this statement needs no decision; send passthroughSql()");
  }

  @Override
  public String toString() {
    return "PassthroughStatement[" + kind + ": " + sql + "]";
  }
}
