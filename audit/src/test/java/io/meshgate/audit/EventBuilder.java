package io.meshgate.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds events with the attributes a test cares about; the rest realistic and fixed. */
final class EventBuilder {

  private String eventId = AuditEvent.randomEventId();
  private String user = "alice";
  private List<String> groups = List.of("analysts");
  private Instant time = SampleEvents.TIME;
  private long durationMicros = 1_000;
  private DecisionKind decision = DecisionKind.ALLOW;
  private boolean refused;
  private String sql = "select 1";
  private String ddlAction;
  private final List<AuditRelation> relations = new ArrayList<>();

  static EventBuilder event() {
    return new EventBuilder();
  }

  /** The n-th fixed event id, {@code 00000000-0000-4000-8000-<n as 12 digits>}. */
  static String id(int number) {
    return String.format("00000000-0000-4000-8000-%012d", number);
  }

  EventBuilder id(String eventId) {
    this.eventId = eventId;
    return this;
  }

  EventBuilder number(int number) {
    return id(id(number));
  }

  EventBuilder user(String user) {
    this.user = user;
    return this;
  }

  EventBuilder groups(String... groups) {
    this.groups = List.of(groups);
    return this;
  }

  EventBuilder time(String time) {
    this.time = Instant.parse(time);
    return this;
  }

  EventBuilder time(Instant time) {
    this.time = time;
    return this;
  }

  EventBuilder durationMicros(long durationMicros) {
    this.durationMicros = durationMicros;
    return this;
  }

  /** An allowed statement that ran. */
  EventBuilder allowed() {
    this.decision = DecisionKind.ALLOW;
    this.refused = false;
    return this;
  }

  /** Refused by a policy decision. */
  EventBuilder denied() {
    this.decision = DecisionKind.DENY;
    this.refused = true;
    return this;
  }

  /** Ran without a decision (allowlisted utility statement). */
  EventBuilder withoutDecision() {
    this.decision = DecisionKind.NONE;
    this.refused = false;
    return this;
  }

  /** Refused by fail-closed enforcement before any decision (42601: it did not parse). */
  EventBuilder refusedWithoutDecision() {
    this.decision = DecisionKind.NONE;
    this.refused = true;
    return this;
  }

  EventBuilder sql(String sql) {
    this.sql = sql;
    return this;
  }

  /** A DDL statement (kind {@code ddl}) with this action, e.g. {@code drop_table}. */
  EventBuilder ddl(String action) {
    this.ddlAction = action;
    return this;
  }

  EventBuilder reads(String relation) {
    return touches(relation, "read");
  }

  EventBuilder touches(String relation, String access) {
    relations.add(
        new AuditRelation(relation, access, List.of("id"), List.of(), Map.of(), List.of()));
    return this;
  }

  AuditEvent build() {
    AuditDecision auditDecision =
        switch (decision) {
          case ALLOW ->
              new AuditDecision(
                  true, List.of(), List.of("sales.readers", "global.pii"), "rev-7");
          case DENY ->
              new AuditDecision(
                  false, List.of("not allowed"), List.of("global.default_deny"), "rev-7");
          case NONE -> null;
        };
    AuditOutcome outcome =
        refused
            ? new AuditOutcome(
                AuditOutcome.Status.DENIED,
                decision == DecisionKind.DENY ? "42501" : "42601",
                0,
                0,
                durationMicros,
                "refused")
            : AuditOutcome.ok(2, 64, durationMicros);
    return new AuditEvent(
        eventId,
        time,
        "session-1",
        user,
        groups,
        "10.1.2.3",
        "psql",
        "mesh",
        ddlAction != null ? "ddl" : decision == DecisionKind.NONE && !refused ? "utility" : "select",
        ddlAction,
        sql,
        refused ? null : "/* rewritten */ " + sql,
        relations,
        auditDecision,
        outcome,
        "postgresql://db:5432/mesh",
        null);
  }
}
