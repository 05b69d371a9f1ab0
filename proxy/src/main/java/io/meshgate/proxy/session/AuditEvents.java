package io.meshgate.proxy.session;

import io.meshgate.audit.AuditDecision;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditRelation;
import io.meshgate.audit.AuditTransaction;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.DdlAction;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.proxy.protocol.ErrorFields;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Maps a governed (and possibly executed) statement to its audit event. */
final class AuditEvents {
  /** PostgreSQL's query_canceled. */
  private static final String QUERY_CANCELED = "57014";
  /** PostgreSQL's connection_failure. */
  private static final String CONNECTION_FAILURE = "08006";
  private static final String UTILITY = "utility";

  /**
   * Each action's contract spelling, one string per action: the audit log's encoder reuses a
   * statement's encoding by the identity of its fields, so a prepared DDL statement executed
   * again must hand over the same string.
   */
  private static final Map<DdlAction, String> DDL_ACTION_NAMES = Arrays.stream(DdlAction.values())
      .collect(Collectors.toUnmodifiableMap(action -> action, DdlAction::wireName));

  private AuditEvents() {}

  static AuditEvent of(
      SessionIdentity identity,
      GovernedStatement governed,
      StatementExecution execution,
      long durationNanos,
      Instant time,
      String backend,
      AuditTransaction transaction) {
    return of(identity, governed, StatementParts.of(governed), execution, durationNanos, time, backend, transaction);
  }

  /**
   * The event of a session that ended idle in a transaction block: no SQL (the client sent
   * none), kind {@code utility}, failed with 08006, and the transaction rolled back.
   */
  static AuditEvent transactionEndedWithSession(SessionIdentity identity, Instant time, String backend,
      AuditTransaction transaction) {
    GovernedStatement noStatement = new GovernedStatement("", Optional.empty(),
        Optional.of(ErrorFields.error(CONNECTION_FAILURE,
            "the session ended inside a transaction; the backend rolled the transaction back")),
        GovernedStatement.Outcome.FAILED, UTILITY, List.of(), Optional.empty(), "unknown",
        new GovernedStatement.StageTimings(0, 0, 0));
    return of(identity, noStatement, null, 0, time, backend, transaction);
  }

  private static AuditEvent of(
      SessionIdentity identity,
      GovernedStatement governed,
      StatementParts parts,
      StatementExecution execution,
      long durationNanos,
      Instant time,
      String backend,
      AuditTransaction transaction) {
    return new AuditEvent(
        UUID.randomUUID().toString(),
        time,
        identity.sessionId(),
        identity.subject().user(),
        identity.subject().groups(),
        identity.clientAddress(),
        identity.applicationName(),
        identity.database(),
        governed.kind(),
        governed.ddlAction().map(DDL_ACTION_NAMES::get).orElse(null),
        governed.originalSql(),
        governed.forwardedSql().orElse(null),
        parts.relations(),
        parts.decision(),
        outcome(governed, execution, durationNanos / 1_000),
        backend,
        transaction);
  }

  /**
   * What a statement's events share however often it runs: its relations with their policies
   * and its decision. A prepared statement executed again and again reuses them instead of
   * mapping its relations per Execute.
   */
  private record StatementParts(List<AuditRelation> relations, AuditDecision decision) {
    static StatementParts of(GovernedStatement governed) {
      Decision decision = governed.decision().orElse(null);
      // List.copyOf, not toList(): the event keeps this very list (it copies lists that may
      // hold nulls), and the audit log's encoder reuses the encoding of a list it has seen.
      List<AuditRelation> relations = List.copyOf(governed.relations().stream()
          .map(relation -> relation(relation, decision))
          .toList());
      AuditDecision auditDecision = decision == null
          ? null
          : new AuditDecision(decision.allow(), decision.denyReasons(), decision.policies(), governed.policyRevision());
      return new StatementParts(relations, auditDecision);
    }
  }

  /**
   * One session's events, with the parts of its recent statements kept by what they are made
   * of: the same relations, decision and policy revision (the same objects: a governed statement
   * never changes them) always map to the same parts. A prepared statement executed again hands
   * over the same objects; so do the statements of one shape in the simple protocol, which share
   * their sentinel statement's analysis and the cached decision. Direct-mapped and bounded, since
   * every new statement brings new objects. Used on the session's event loop only.
   */
  static final class SessionEvents {
    private static final int REMEMBERED_STATEMENTS = 32;
    private final Known[] known = new Known[REMEMBERED_STATEMENTS];

    AuditEvent of(
        SessionIdentity identity,
        GovernedStatement governed,
        StatementExecution execution,
        long durationNanos,
        Instant time,
        String backend,
        AuditTransaction transaction) {
      List<RelationAccess> relations = governed.relations();
      Decision decision = governed.decision().orElse(null);
      String revision = governed.policyRevision();
      int hash = System.identityHashCode(relations) * 31 + System.identityHashCode(decision);
      int slot = (hash ^ (hash >>> 16)) & (REMEMBERED_STATEMENTS - 1);
      Known entry = known[slot];
      if (entry == null || entry.relations != relations || entry.decision != decision
          || !revision.equals(entry.revision)) {
        entry = new Known(relations, decision, revision, StatementParts.of(governed));
        known[slot] = entry;
      }
      return AuditEvents.of(identity, governed, entry.parts, execution, durationNanos, time, backend, transaction);
    }

    private record Known(List<RelationAccess> relations, Decision decision, String revision, StatementParts parts) {}
  }

  private static AuditOutcome outcome(GovernedStatement governed, StatementExecution execution, long micros) {
    if (governed.refusal().isPresent()) {
      ErrorFields refusal = governed.refusal().get();
      // A statement cancelled while Meshgate governed it is refused with query_canceled.
      AuditOutcome.Status status = governed.outcome() == GovernedStatement.Outcome.DENIED
          ? AuditOutcome.Status.DENIED
          : QUERY_CANCELED.equals(refusal.sqlState()) ? AuditOutcome.Status.CANCELLED
          : AuditOutcome.Status.FAILED;
      return new AuditOutcome(status, refusal.sqlState(), 0, 0, micros, refusal.message());
    }
    if (execution == null) {
      return new AuditOutcome(AuditOutcome.Status.CANCELLED, QUERY_CANCELED, 0, 0, micros, "session closed before the statement ran");
    }
    if (execution.sqlState() == null) {
      // Also when a cancel request came too late to stop it: the client got every result.
      return AuditOutcome.ok(execution.rows(), execution.bytes(), micros);
    }
    // query_canceled is how a statement ends that was cancelled: by a CancelRequest, a
    // statement timeout, or a client that went away while it ran. A row the policy's filters
    // refused (Meshgate's own check, raised in the backend) is a denial, although the statement
    // reached the backend. Any other error (even one that beat a cancel request) is a failure.
    AuditOutcome.Status status = execution.deniedByPolicy() ? AuditOutcome.Status.DENIED
        : QUERY_CANCELED.equals(execution.sqlState()) ? AuditOutcome.Status.CANCELLED
        : AuditOutcome.Status.FAILED;
    return new AuditOutcome(status, execution.sqlState(), execution.rows(), execution.bytes(), micros,
        execution.errorMessage());
  }

  private static AuditRelation relation(RelationAccess access, Decision decision) {
    RelationPolicy policy = decision == null ? RelationPolicy.UNRESTRICTED : decision.policyFor(access.relation());
    Map<String, String> masks = new LinkedHashMap<>();
    policy.columnMasks().forEach((column, mask) -> masks.put(column, describe(mask)));
    return new AuditRelation(
        access.relation().key(),
        access.access().wireName(),
        access.referencedColumns(),
        policy.rowFilters().stream().map(AuditEvents::describe).toList(),
        masks,
        policy.deniedColumns().stream().sorted().toList(),
        policy.rowFilterPolicies(),
        policy.columnMaskPolicies());
  }

  private static String describe(RowFilter filter) {
    return switch (filter) {
      case RowFilter.Comparison comparison -> comparison.column() + " " + comparison.operator().wireName()
          + (comparison.values().isEmpty() ? "" : " " + comparison.values().stream()
              .map(AuditEvents::literal)
              .collect(Collectors.joining(", ", "(", ")")));
      case RowFilter.Expression expression -> expression.expression();
    };
  }

  private static String literal(Object value) {
    return switch (value) {
      case String text -> "'" + text.replace("'", "''") + "'";
      case BigDecimal number -> number.toPlainString();
      default -> String.valueOf(value);
    };
  }

  /** Mask descriptions never include a hash salt. */
  private static String describe(ColumnMask mask) {
    return switch (mask) {
      case ColumnMask.Null m -> m.function();
      case ColumnMask.Redact m -> m.function();
      case ColumnMask.Constant m -> m.function();
      case ColumnMask.Hash m -> m.function();
      case ColumnMask.ShowLast m -> m.function() + "(n => " + m.n() + ")";
      case ColumnMask.ShowFirst m -> m.function() + "(n => " + m.n() + ")";
      case ColumnMask.Email m -> m.function();
      case ColumnMask.TruncateDate m -> m.function() + "(unit => " + m.unit().name().toLowerCase(java.util.Locale.ROOT) + ")";
      case ColumnMask.Round m -> m.function() + "(digits => " + m.digits() + ")";
      case ColumnMask.Expression m -> m.function();
    };
  }
}
