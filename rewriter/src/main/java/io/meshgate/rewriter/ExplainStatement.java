package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal.Reason;
import java.util.List;

/**
 * {@code EXPLAIN [options] <query>}: the query is governed like the query itself and the plan
 * of the rewritten query is shown, so the plan shows the policy's filters and masks as
 * applied (never data). Two plans would show more, and are refused: one whose masks include a
 * salted hash (the plan prints the salt, which must stay secret to keep hashes unguessable),
 * and, on relations with row filters, {@code EXPLAIN ANALYZE} (its "Rows Removed by Filter"
 * counts the rows the policy hides) and the planner's estimates: they come from statistics
 * over every row, hidden ones included, so {@code EXPLAIN SELECT * FROM t WHERE region = 'US'}
 * under a filter {@code region = 'EU'} estimates from the frequency of 'US', a value the user
 * may not see, as {@code pg_stats} (refused) would show it. {@code COSTS off} shows the plan
 * without estimates.
 */
final class ExplainStatement implements AnalyzedStatement {
  private final String head;
  private final boolean analyze;
  private final boolean costs;
  private final AnalyzedStatement query;

  ExplainStatement(String head, boolean analyze, boolean costs, AnalyzedStatement query) {
    this.head = requireNonNull(head, "head is null");
    this.analyze = analyze;
    this.costs = costs;
    this.query = requireNonNull(query, "query is null");
  }

  @Override
  public StatementKind kind() {
    return query.kind();
  }

  @Override
  public boolean requiresDecision() {
    return query.requiresDecision();
  }

  @Override
  public List<RelationAccess> relations() {
    return query.relations();
  }

  @Override
  public String passthroughSql() {
    return head + query.passthroughSql();
  }

  @Override
  public String rewrite(Decision decision) throws SqlRefusal {
    String rewritten = query.rewrite(decision);
    for (RelationAccess relation : query.relations()) {
      RelationPolicy policy = decision.policyFor(relation.relation());
      String name = relation.relation().schema() + "." + relation.relation().table();
      boolean salted = policy.columnMasks().values().stream()
          .anyMatch(mask -> mask instanceof ColumnMask.Hash hash && !hash.salt().isEmpty());
      if (salted) {
        throw refusal("EXPLAIN is not allowed on " + name + ": the policy hashes a column with a"
            + " salt, and the plan would show it; run the query itself instead");
      }
      if (analyze && !policy.rowFilters().isEmpty()) {
        throw refusal("EXPLAIN ANALYZE is not allowed on " + name + ": the policy filters its"
            + " rows, and the plan would count the rows it hides; use EXPLAIN (COSTS off) without ANALYZE");
      }
      if (costs && !policy.rowFilters().isEmpty()) {
        throw refusal("EXPLAIN with estimates is not allowed on " + name + ": the policy filters its"
            + " rows, and the planner estimates from statistics over all of them, hidden rows included;"
            + " use EXPLAIN (COSTS off)");
      }
    }
    return head + rewritten;
  }

  private SqlRefusal refusal(String message) {
    return new SqlRefusal(Reason.PERMISSION_DENIED, message, query.kind());
  }

  @Override
  public String toString() {
    return "ExplainStatement[" + head + query + "]";
  }
}
