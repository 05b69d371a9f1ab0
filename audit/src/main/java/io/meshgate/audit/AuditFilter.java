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
 * @param decision events whose decision is of this kind
 */
public record AuditFilter(
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<String> user,
    Optional<String> relation,
    Optional<DecisionKind> decision) {

  public AuditFilter {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(user, "user is null");
    requireNonNull(relation, "relation is null");
    requireNonNull(decision, "decision is null");
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw new IllegalArgumentException(
          "from (inclusive) must be before to (exclusive): " + from.get() + " .. " + to.get());
    }
  }

  /** No filter: every event. */
  public static AuditFilter all() {
    return new AuditFilter(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public AuditFilter withFrom(Instant from) {
    return new AuditFilter(Optional.of(from), to, user, relation, decision);
  }

  public AuditFilter withTo(Instant to) {
    return new AuditFilter(from, Optional.of(to), user, relation, decision);
  }

  public AuditFilter withUser(String user) {
    return new AuditFilter(from, to, Optional.of(user), relation, decision);
  }

  public AuditFilter withRelation(String relation) {
    return new AuditFilter(from, to, user, Optional.of(relation), decision);
  }

  public AuditFilter withDecision(DecisionKind decision) {
    return new AuditFilter(from, to, user, relation, Optional.of(decision));
  }

  public boolean matches(AuditEvent event) {
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
        && decision.map(kind -> DecisionKind.of(event) == kind).orElse(true);
  }
}
