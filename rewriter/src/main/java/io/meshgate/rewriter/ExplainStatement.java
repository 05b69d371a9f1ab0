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
 * and any plan over a relation with row filters. The planner chooses a plan from statistics
 * over every row, hidden ones included, so even with {@code COSTS off} the plan's shape answers
 * questions about hidden rows: under a filter {@code region = 'EU'}, {@code WHERE name = 'Smith'}
 * is planned as a sequential scan when 'Smith' is common among the rows of other regions and as
 * an index scan when it is rare, and a join above the filtered table switches between a hash
 * join and a nested loop the same way (PostgreSQL estimates a subquery's column from the base
 * table's statistics); a range predicate walked across the switch point reads the histogram.
 * That is what {@code pg_stats} (refused) would show. {@code EXPLAIN ANALYZE} would in addition
 * count the rows the filter removes. {@code ExplainPlanShapeIT} shows the plans on PostgreSQL.
 */
final class ExplainStatement implements AnalyzedStatement {
  private final String head;
  private final AnalyzedStatement query;

  ExplainStatement(String head, AnalyzedStatement query) {
    this.head = requireNonNull(head, "head is null");
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
      if (!policy.rowFilters().isEmpty()) {
        throw refusal("EXPLAIN is not allowed on " + name + ": the policy filters its rows, and the plan"
            + " PostgreSQL chooses (with or without COSTS) depends on statistics over all of them, hidden"
            + " rows included; run the query itself instead");
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
