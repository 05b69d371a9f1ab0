package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code COPY table [(columns)] FROM STDIN}: the policy input names the table with access
 * INSERT and the listed columns (all of them without a list). Meshgate cannot check rows it
 * only relays, so the statement is forwarded only when the decision allows it and puts no
 * row filter, mask or denied column on the table; it is then forwarded as written, the table
 * name fully qualified (so the backend's search path cannot send the rows elsewhere) and the
 * names quoted.
 */
final class CopyInStatement implements AnalyzedStatement {
  private final RelationAccess access;
  private final List<String> columns;
  private final String options;

  /**
   * @param columns the columns the client listed, as PostgreSQL stores them; empty for none
   * @param options the validated option clause as the client wrote it, or empty
   */
  CopyInStatement(RelationAccess access, List<String> columns, String options) {
    this.access = requireNonNull(access, "access is null");
    this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
    this.options = requireNonNull(options, "options is null");
  }

  @Override
  public StatementKind kind() {
    return StatementKind.COPY_IN;
  }

  @Override
  public boolean requiresDecision() {
    return true;
  }

  @Override
  public List<RelationAccess> relations() {
    return List.of(access);
  }

  @Override
  public String passthroughSql() {
    throw new IllegalStateException("this statement needs a decision; call rewrite(decision)");
  }

  @Override
  public String rewrite(Decision decision) throws SqlRefusal {
    requireNonNull(decision, "decision is null");
    RelationName relation = access.relation();
    if (!decision.allow()) {
      throw SqlRefusal.deniedByPolicy(decision.denyReasons(), StatementKind.COPY_IN);
    }
    RelationPolicy policy = decision.policyFor(relation);
    if (!policy.isUnrestricted()) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "COPY FROM is not governed yet: the policy puts row filters, column masks or denied"
              + " columns on " + relation.schema() + "." + relation.table()
              + ", which Meshgate cannot apply to copied rows; the statement was not forwarded",
          StatementKind.COPY_IN);
    }
    String columnList = columns.isEmpty()
        ? ""
        : columns.stream().map(PgIdentifiers::quote).collect(Collectors.joining(", ", " (", ")"));
    return "COPY " + PgIdentifiers.quote(relation.schema()) + "." + PgIdentifiers.quote(relation.table())
        + columnList + " FROM STDIN" + (options.isEmpty() ? "" : " " + options);
  }

  @Override
  public String toString() {
    return "CopyInStatement[" + access.relation() + " " + columns + "]";
  }
}
