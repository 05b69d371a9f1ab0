package io.meshgate.proxy.governance;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Access;
import io.meshgate.policy.DdlAction;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.StatementKind;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.rewriter.RowFilterCheck;
import io.meshgate.rewriter.PreparedStatementUse;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of governing one statement: either SQL to forward or a refusal, with what the
 * audit event needs either way (kind, relations, decision, policy revision, timings), and what
 * the statement does to the session's prepared statements.
 *
 * @param ddlAction what a statement of kind {@code ddl} does, as its policy input said, or for DDL
 *     refused in its analysis, before a policy input was built, as its words state it
 *     ({@code SqlRefusal.ddlAction}); empty for every other kind, and for DDL whose action is
 *     uncertain or has no word in the contract
 */
public record GovernedStatement(
    String originalSql,
    Optional<String> forwardedSql,
    Optional<ErrorFields> refusal,
    Outcome outcome,
    String kind,
    Optional<DdlAction> ddlAction,
    List<RelationAccess> relations,
    Optional<Decision> decision,
    String policyRevision,
    StageTimings timings,
    List<RowFilterCheck> rowFilterChecks,
    Optional<PreparedStatementUse> preparedStatementUse) {
  /** What the client reads instead of the backend's detail, when it is withheld. */
  public static final String WITHHELD_DETAIL = "Meshgate withheld PostgreSQL's detail of this error:"
      + " it can show values of the row that your policy filters, masks or denies.";

  /** Why a statement is forwarded or refused; drives metrics and the audit outcome. */
  public enum Outcome {
    /** Forwarded after a decision that allowed it. */
    ALLOWED,
    /** Forwarded without a decision (utility allowlist, catalog reads). */
    PASSTHROUGH,
    /** Refused by the policy (allow false, denied column, malformed decision). */
    DENIED,
    /** Refused because Meshgate could not govern it (syntax, unsupported, engine down). */
    FAILED
  }

  public GovernedStatement {
    requireNonNull(originalSql, "originalSql is null");
    requireNonNull(forwardedSql, "forwardedSql is null");
    requireNonNull(refusal, "refusal is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(ddlAction, "ddlAction is null");
    relations = List.copyOf(requireNonNull(relations, "relations is null"));
    requireNonNull(decision, "decision is null");
    requireNonNull(policyRevision, "policyRevision is null");
    requireNonNull(timings, "timings is null");
    rowFilterChecks = List.copyOf(requireNonNull(rowFilterChecks, "rowFilterChecks is null"));
    requireNonNull(preparedStatementUse, "preparedStatementUse is null");
    if (forwardedSql.isPresent() == refusal.isPresent()) {
      throw new IllegalArgumentException("a governed statement is either forwarded or refused");
    }
    boolean forwarded = outcome == Outcome.ALLOWED || outcome == Outcome.PASSTHROUGH;
    if (forwarded != forwardedSql.isPresent()) {
      throw new IllegalArgumentException("outcome " + outcome + " does not match forwarding");
    }
    if (ddlAction.isPresent() && !kind.equals(StatementKind.DDL.wireName())) {
      throw new IllegalArgumentException("a statement of kind " + kind + " has no DDL action");
    }
  }

  /**
   * A read or utility statement: no check of its own, nothing done to prepared statements, not
   * DDL.
   */
  public GovernedStatement(
      String originalSql,
      Optional<String> forwardedSql,
      Optional<ErrorFields> refusal,
      Outcome outcome,
      String kind,
      List<RelationAccess> relations,
      Optional<Decision> decision,
      String policyRevision,
      StageTimings timings) {
    this(originalSql, forwardedSql, refusal, outcome, kind, Optional.empty(), relations, decision, policyRevision,
        timings, List.of(), Optional.empty());
  }

  /** This statement refused with {@code error}, keeping what its audit event needs. */
  public GovernedStatement refusedWith(ErrorFields error, Outcome refusedOutcome) {
    return new GovernedStatement(originalSql, Optional.empty(), Optional.of(error), refusedOutcome, kind, ddlAction,
        relations, decision, policyRevision, timings, List.of(), Optional.empty());
  }

  /**
   * What the client sees for an error the backend raised while running this statement: the
   * backend's own error, unless it is one of this statement's row filter checks failing, which
   * is shown as the refusal it stands for (42501; the backend's message is dropped), or the
   * statement writes a relation whose policy filters, masks or denies something, in which case
   * the backend's detail is withheld (see {@link #withholdsErrorDetails()}).
   */
  public ErrorFields clientError(ErrorFields backendError) {
    Optional<RowFilterCheck> raised = raisedRowFilterCheck(backendError);
    if (raised.isPresent()) {
      return ErrorFields.error(StatementGovernor.DENIED, raised.get().violationMessage())
          .withHint("Write only rows that the row filters of your policy let you see.");
    }
    if (withholdsErrorDetails()) {
      // a new ErrorFields: the session sends it instead of relaying the backend's frame
      return new ErrorFields(backendError.severity(), backendError.sqlState(), backendError.message(),
          Optional.of(WITHHELD_DETAIL), Optional.empty());
    }
    return backendError;
  }

  /**
   * Whether a backend error is one of this statement's row filter checks failing: the policy's
   * row filters refused the row, so the statement ends denied, not failed, although it ran.
   */
  public boolean isRowFilterViolation(ErrorFields backendError) {
    return raisedRowFilterCheck(backendError).isPresent();
  }

  private Optional<RowFilterCheck> raisedRowFilterCheck(ErrorFields backendError) {
    return rowFilterChecks.stream()
        .filter(check -> check.raised(backendError.sqlState(), backendError.message()))
        .findFirst();
  }

  /**
   * Whether the backend's errors for this statement are shown without their detail, hint and
   * context: it writes (or locks) a relation whose policy has row filters, masks or denied
   * columns. PostgreSQL describes the row a constraint rejects in the detail ({@code Failing row
   * contains (...)}, {@code Key (a, b)=(...)}, an exclusion constraint's conflicting existing
   * key) with the raw value of every column, masked or denied ones too, and the service
   * identity Meshgate connects as may read them all. PostgreSQL itself leaves that detail out
   * when row-level security applies to the table or the user may not read every column.
   */
  public boolean withholdsErrorDetails() {
    if (decision.isEmpty()) {
      return false;
    }
    for (RelationAccess relation : relations) {
      if (relation.access() != Access.READ
          && !decision.get().policyFor(relation.relation()).isUnrestricted()) {
        return true;
      }
    }
    return false;
  }

  public boolean isForwarded() {
    return forwardedSql.isPresent();
  }

  /** Nanoseconds spent in each governance stage; zero for stages not reached. */
  public record StageTimings(long parseNanos, long decideNanos, long rewriteNanos) {}
}
