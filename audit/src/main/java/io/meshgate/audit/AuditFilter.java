package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Which events an export takes. Every filter given must match (they are ANDed); an empty one
 * matches everything.
 *
 * @param from events whose {@code time} is at or after this instant (inclusive)
 * @param to events whose {@code time} is before this instant (exclusive), so that consecutive
 *     ranges ({@code [day, next day)}) neither overlap nor leave gaps
 * @param user events of exactly this user
 * @param relation events that touched exactly this relation ({@code catalog.schema.table}) in
 *     any of their relation entries, whatever the access
 * @param decision events whose decision is of this kind (a write the row filters refused while
 *     it ran has an allowing decision: find denials by {@code outcome})
 * @param outcome events whose {@code outcome.status} is this one
 * @param transactionOutcome events whose statement's transaction ended so ({@link
 *     TransactionOutcomes}); an export that filters on it reads the log twice
 */
public record AuditFilter(
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> user,
    Optional<String> relation,
    Optional<DecisionKind> decision,
    Optional<AuditOutcome.Status> outcome,
    Optional<TransactionOutcome> transactionOutcome) {

  public AuditFilter {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(user, "user is null");
    requireNonNull(relation, "relation is null");
    requireNonNull(decision, "decision is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(transactionOutcome, "transactionOutcome is null");
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new IllegalArgumentException(
          "from (inclusive) must be before to (exclusive): " + from.get() + " .. " + to.get());
    }
  }

  /** No filter: every event. */
  public static AuditFilter all() {
    return new AuditFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  public AuditFilter withFrom(Instant from) {
    return new AuditFilter(Optional.of(from), to, user, relation, decision, outcome, transactionOutcome);
  }

  public AuditFilter withTo(Instant to) {
    return new AuditFilter(from, Optional.of(to), user, relation, decision, outcome, transactionOutcome);
  }

  public AuditFilter withUser(String user) {
    return new AuditFilter(from, to, Optional.of(user), relation, decision, outcome, transactionOutcome);
  }

  public AuditFilter withRelation(String relation) {
    return new AuditFilter(from, to, user, Optional.of(relation), decision, outcome, transactionOutcome);
  }

  public AuditFilter withDecision(DecisionKind decision) {
    return new AuditFilter(from, to, user, relation, Optional.of(decision), outcome, transactionOutcome);
  }

  public AuditFilter withOutcome(AuditOutcome.Status outcome) {
    return new AuditFilter(from, to, user, relation, decision, Optional.of(outcome), transactionOutcome);
  }

  public AuditFilter withTransactionOutcome(TransactionOutcome transactionOutcome) {
    return new AuditFilter(from, to, user, relation, decision, outcome, Optional.of(transactionOutcome));
  }

  /**
   * Whether the event matches every filter but {@link #transactionOutcome}, which needs the whole
   * log ({@link #matches(AuditEvent, TransactionOutcome)}).
   */
  public boolean matchesEvent(AuditEvent event) {
    requireNonNull(event, "event is null");
    return from.map(start -> !event.time().isBefore(start)).orElse(true)
        && to.map(end -> event.time().isBefore(end)).orElse(true)
        && user.map(event.user()::equals).orElse(true)
        && relation
            .map(
                name ->
                    event.relations().stream()
                        .anyMatch(touched -> touched.relation().equals(name)))
            .orElse(true)
        && decision.map(kind -> DecisionKind.of(event) == kind).orElse(true)
        && outcome.map(status -> event.outcome().status() == status).orElse(true);
  }

  /** Whether the event, whose statement's transaction ended {@code resolved}, matches. */
  public boolean matches(AuditEvent event, TransactionOutcome resolved) {
    requireNonNull(resolved, "resolved is null");
    return matchesEvent(event) && transactionOutcome.map(resolved::equals).orElse(true);
  }

  /** Whether the event matches; only for a filter without {@link #transactionOutcome}. */
  public boolean matches(AuditEvent event) {
    if (transactionOutcome.isPresent()) {
      throw new IllegalStateException("a transaction outcome filter needs TransactionOutcomes");
    }
    return matchesEvent(event);
  }
}
