package io.meshgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditEventTest {

  @Test
  void keepsTimeToTheMicrosecond() {
    AuditEvent event = SampleEvents.allowedSelect();

    assertEquals(Instant.parse("2026-11-21T10:15:00.123456Z"), event.time());
  }

  @Test
  void copiesCollectionsSoLaterChangesDoNotReachTheEvent() {
    List<String> groups = new ArrayList<>(List.of("analysts"));
    Map<String, String> masks = new HashMap<>(Map.of("email", "email"));
    AuditRelation relation =
        new AuditRelation("mesh.a.b", "read", List.of(), List.of(), masks, List.of());
    AuditEvent event = withGroups(groups, relation);

    groups.add("admins");
    masks.put("ssn", "null");

    assertEquals(List.of("analysts"), event.groups());
    assertEquals(Map.of("email", "email"), event.relations().get(0).masks());
    assertThrows(UnsupportedOperationException.class, () -> event.groups().add("x"));
  }

  @Test
  void rejectsAnEventIdThatIsNotACanonicalUuid() {
    AuditEvent valid = SampleEvents.allowedSelect();

    String upperCase = valid.eventId().toUpperCase(Locale.ROOT);
    for (String eventId : List.of("1-1-1-1-1", "not a uuid", upperCase)) {
      IllegalArgumentException rejected =
          assertThrows(IllegalArgumentException.class, () -> withEventId(valid, eventId));
      assertTrue(rejected.getMessage().contains("eventId"), rejected.getMessage());
    }
  }

  @Test
  void rejectsEmptyIdentityFields() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SampleEvents.allowedSelect("", "select 1"));
  }

  @Test
  void aRefusingDecisionMustEndDeniedWithoutRewrittenSql() {
    AuditEvent denied = SampleEvents.denied();

    IllegalArgumentException notDenied =
        assertThrows(
            IllegalArgumentException.class,
            () -> withOutcome(denied, null, AuditOutcome.ok(0, 0, 1)));
    assertTrue(notDenied.getMessage().contains("DENIED"), notDenied.getMessage());

    IllegalArgumentException forwarded =
        assertThrows(
            IllegalArgumentException.class,
            () -> withOutcome(denied, "SELECT 1", denied.outcome()));
    assertTrue(forwarded.getMessage().contains("rewritten"), forwarded.getMessage());
  }

  @Test
  void outcomeHasASqlStateExactlyWhenItIsNotOk() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new AuditOutcome(AuditOutcome.Status.OK, "00000", 0, 0, 0, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AuditOutcome(AuditOutcome.Status.FAILED, null, 0, 0, 0, "boom"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AuditOutcome(AuditOutcome.Status.FAILED, "4250", 0, 0, 0, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AuditOutcome(AuditOutcome.Status.CANCELLED, "57014", -1, 0, 0, null));
    assertEquals(
        "57014",
        new AuditOutcome(AuditOutcome.Status.CANCELLED, "57014", 10, 0, 0, null).sqlState());
  }

  @Test
  void statementKindAndAccessAreContractWords() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new AuditRelation("mesh.a.b", "READ", List.of(), List.of(), Map.of(), List.of()));
    AuditEvent valid = SampleEvents.utility();
    assertThrows(IllegalArgumentException.class, () -> withKind(valid, "Select"));
    assertEquals("copy_out", withKind(valid, "copy_out").statementKind());
  }

  @Test
  void aDdlActionIsAContractWordOfADdlStatement() {
    AuditEvent drop = SampleEvents.deniedDdl();
    assertEquals("drop_table", drop.ddlAction());
    assertEquals("add_column", withDdlAction(drop, "ddl", "add_column").ddlAction());
    // A DDL statement refused before its action was known, or read from an older line.
    assertEquals(null, withDdlAction(drop, "ddl", null).ddlAction());
    assertEquals(null, SampleEvents.utility().ddlAction());

    for (String notAWord : List.of("", "DROP_TABLE", "drop table", "_drop", "drop-table")) {
      IllegalArgumentException rejected =
          assertThrows(IllegalArgumentException.class, () -> withDdlAction(drop, "ddl", notAWord));
      assertTrue(rejected.getMessage().contains("ddlAction"), rejected.getMessage());
    }
    IllegalArgumentException notDdl =
        assertThrows(
            IllegalArgumentException.class, () -> withDdlAction(drop, "select", "drop_table"));
    assertTrue(notDdl.getMessage().contains("kind select"), notDdl.getMessage());
  }

  @Test
  void policyIdsBelongToTheRelationsFiltersAndMasks() {
    List<String> filters = List.of("region in ('EU')");
    Map<String, String> masks = Map.of("email", "email");

    AuditRelation withoutIds = new AuditRelation("mesh.a.b", "read", List.of(), filters, masks, List.of());
    assertEquals(List.of(Optional.empty()), withoutIds.rowFilterPolicies());
    assertEquals(Map.of(), withoutIds.maskPolicies());
    assertThrows(
        IllegalArgumentException.class,
        () -> new AuditRelation("mesh.a.b", "read", List.of(), filters, masks, List.of(), List.of(), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AuditRelation("mesh.a.b", "read", List.of(), filters, masks, List.of(),
            List.of(Optional.of("a.rule")), Map.of("phone", "global.pii.phone")));
  }

  private static AuditEvent withGroups(List<String> groups, AuditRelation relation) {
    AuditEvent base = SampleEvents.utility();
    return new AuditEvent(
        base.eventId(), base.time(), base.sessionId(), base.user(), groups,
        base.clientAddress(), base.applicationName(), base.database(), base.statementKind(),
        base.sql(), base.rewrittenSql(), List.of(relation), base.decision(), base.outcome(),
        base.backend());
  }

  private static AuditEvent withEventId(AuditEvent base, String eventId) {
    return new AuditEvent(
        eventId, base.time(), base.sessionId(), base.user(), base.groups(),
        base.clientAddress(), base.applicationName(), base.database(), base.statementKind(),
        base.sql(), base.rewrittenSql(), base.relations(), base.decision(), base.outcome(),
        base.backend());
  }

  private static AuditEvent withKind(AuditEvent base, String kind) {
    return new AuditEvent(
        base.eventId(), base.time(), base.sessionId(), base.user(), base.groups(),
        base.clientAddress(), base.applicationName(), base.database(), kind,
        base.sql(), base.rewrittenSql(), base.relations(), base.decision(), base.outcome(),
        base.backend());
  }

  private static AuditEvent withDdlAction(AuditEvent base, String kind, String ddlAction) {
    return new AuditEvent(
        base.eventId(), base.time(), base.sessionId(), base.user(), base.groups(),
        base.clientAddress(), base.applicationName(), base.database(), kind, ddlAction,
        base.sql(), base.rewrittenSql(), base.relations(), base.decision(), base.outcome(),
        base.backend(), null);
  }

  private static AuditEvent withOutcome(
      AuditEvent base, String rewrittenSql, AuditOutcome outcome) {
    return new AuditEvent(
        base.eventId(), base.time(), base.sessionId(), base.user(), base.groups(),
        base.clientAddress(), base.applicationName(), base.database(), base.statementKind(),
        base.sql(), rewrittenSql, base.relations(), base.decision(), outcome, base.backend());
  }
}
