package io.meshgate.rewriter.ddl;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Access;
import io.meshgate.policy.DdlAction;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import java.util.List;
import java.util.Optional;

/**
 * One DDL statement of the allowlist, analysed: its action, its targets (access {@code DDL})
 * and the SQL to forward, rebuilt from what was read. It needs a decision that allows it and
 * leaves every target unrestricted: a row filter, mask or denied column says the subject may
 * not see all of the table, and DDL acts on all of it (TRUNCATE deletes every row; a unique
 * index or a new NOT NULL column can echo values of hidden rows in its error).
 */
final class DdlStatement implements AnalyzedStatement {
  private final DdlAction action;
  private final List<RelationAccess> targets;
  private final String sql;

  DdlStatement(DdlAction action, List<RelationAccess> targets, String sql) {
    this.action = requireNonNull(action, "action is null");
    this.targets = List.copyOf(requireNonNull(targets, "targets is null"));
    this.sql = requireNonNull(sql, "sql is null");
    if (targets.isEmpty() || targets.stream().anyMatch(target -> target.access() != Access.DDL)) {
      throw new IllegalArgumentException("a DDL statement has targets, all of access DDL: " + targets);
    }
  }

  @Override
  public StatementKind kind() {
    return StatementKind.DDL;
  }

  @Override
  public Optional<DdlAction> ddlAction() {
    return Optional.of(action);
  }

  @Override
  public boolean requiresDecision() {
    return true;
  }

  @Override
  public List<RelationAccess> relations() {
    return targets;
  }

  @Override
  public String passthroughSql() {
    throw new IllegalStateException("this statement needs a decision; call rewrite(decision)");
  }

  @Override
  public String rewrite(Decision decision) throws SqlRefusal {
    requireNonNull(decision, "decision is null");
    if (!decision.allow()) {
      throw SqlRefusal.deniedByPolicy(decision.denyReasons(), StatementKind.DDL);
    }
    for (RelationAccess target : targets) {
      if (!decision.policyFor(target.relation()).isUnrestricted()) {
        throw new SqlRefusal(
            Reason.PERMISSION_DENIED,
            "permission denied: the policy puts row filters, column masks or denied columns on "
                + target.relation().schema() + "." + target.relation().table() + " for you, and "
                + action.wireName() + " acts on the whole table; the statement was not forwarded",
            StatementKind.DDL);
      }
    }
    return sql;
  }

  @Override
  public String toString() {
    return "DdlStatement[" + action.wireName() + " " + sql + "]";
  }
}
