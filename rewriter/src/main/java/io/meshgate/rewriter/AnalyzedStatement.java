package io.meshgate.rewriter;

import io.meshgate.policy.DdlAction;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.StatementKind;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * One analysed statement. Either it needs no decision (an allowlisted utility statement, a
 * catalog-only read, a query without relations) and {@link #passthroughSql()} is what to
 * send, or it reads governed relations and {@link #rewrite(Decision)} gives the SQL to send
 * under a decision. Instances are immutable and thread-safe; {@code rewrite} may be called
 * any number of times.
 */
public interface AnalyzedStatement {
  /**
   * {@code UTILITY}, {@code SELECT}, {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code
   * COPY_OUT} ({@code COPY ... TO STDOUT}), {@code COPY_IN} ({@code COPY ... FROM STDIN}) or
   * {@code DDL} (the forms of the {@code ddl} package); other kinds are refused during analysis.
   */
  StatementKind kind();

  /**
   * False for allowlisted utility statements, catalog-only reads and relation-free queries
   * (and COPY TO STDOUT of those); COPY FROM STDIN always needs a decision.
   */
  boolean requiresDecision();

  /** The governed relations for the policy input; empty when no decision is required. */
  List<RelationAccess> relations();

  /**
   * The relations of the {@code meshgate} schema the statement reads. When there are any, the
   * statement requires a decision (even with no governed relation) and is rewritten with
   * {@link #rewrite(Decision, DiscoveryRows)}.
   */
  default Set<VirtualRelation> virtualRelations() {
    return Set.of();
  }

  /**
   * What to send when no decision is required: the client's text for utility statements,
   * the unparsed (analysed) SQL for queries.
   *
   * @throws IllegalStateException if the statement requires a decision
   */
  String passthroughSql();

  /**
   * The PostgreSQL SQL to forward under {@code decision}.
   *
   * @throws SqlRefusal if the decision does not allow the statement, a denied column is
   *     named, or the decision's filters or masks do not validate
   * @throws IllegalStateException if the statement requires no decision, or reads virtual
   *     relations
   */
  String rewrite(Decision decision) throws SqlRefusal;

  /**
   * Like {@link #rewrite(Decision)}, with the checks the rewritten SQL raises on purpose (a
   * write's new row outside the row filters), so the session can show the client a refusal
   * instead of the backend's error.
   */
  default RewrittenStatement rewriteWithChecks(Decision decision) throws SqlRefusal {
    return new RewrittenStatement(rewrite(decision), List.of());
  }

  /**
   * Like {@link #rewrite(Decision)}, with {@code rows} as the contents of the virtual relations
   * the statement reads, computed for the session's user.
   */
  default String rewrite(Decision decision, DiscoveryRows rows) throws SqlRefusal {
    return rewrite(decision);
  }

  /** {@link #rewriteWithChecks(Decision)} with the contents of the virtual relations it reads. */
  default RewrittenStatement rewriteWithChecks(Decision decision, DiscoveryRows rows) throws SqlRefusal {
    return virtualRelations().isEmpty()
        ? rewriteWithChecks(decision)
        : new RewrittenStatement(rewrite(decision, rows), List.of());
  }

  /**
   * What the statement does to the session's prepared statements (PREPARE, EXECUTE,
   * DEALLOCATE, DISCARD ALL); empty for every other statement.
   */
  default Optional<PreparedStatementUse> preparedStatementUse() {
    return Optional.empty();
  }

  /**
   * What a statement of kind {@code DDL} does to its targets (the policy input's {@code
   * ddl_action}); empty for every other kind.
   */
  default Optional<DdlAction> ddlAction() {
    return Optional.empty();
  }
}
