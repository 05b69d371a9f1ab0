package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditRelation;
import io.meshgate.policy.Access;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.DdlAction;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.Subject;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.proxy.governance.StatementGovernor;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.StatementAnalyzer;
import io.meshgate.rewriter.TableSchema;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a governed and executed statement becomes its audit event. */
class AuditEventsTest {
  private static final RelationName ORDERS = new RelationName("mesh", "sales", "orders");
  private static final SessionIdentity IDENTITY = new SessionIdentity("session-1",
      new Subject("alice", List.of("analysts"), Map.of()), "mesh", "10.0.0.7", "report");
  private static final Instant TIME = Instant.parse("2026-11-21T10:15:00.123456Z");

  @Test
  void copiesIdentityStatementDecisionAndOutcome() {
    Decision decision = new Decision(true, List.of(), Map.of(ORDERS.key(), new RelationPolicy(
        List.of(new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU", "it's")),
            new RowFilter.Comparison("amount", FilterOperator.LESS, List.of(new BigDecimal("100.50"))),
            new RowFilter.Comparison("deleted_at", FilterOperator.IS_NULL, List.of()),
            new RowFilter.Expression("day > current_date - 7")),
        Map.of("email", new ColumnMask.Email(), "card", new ColumnMask.ShowLast(4),
            "salt", new ColumnMask.Hash("secret-salt")),
        Set.of("ssn", "iban"),
        List.of(Optional.of("sales.regional"), Optional.empty(), Optional.of("sales.live_rows"), Optional.of("sales.recent")),
        Map.of("email", "global.pii.email", "card", "sales.card_digits"))), List.of("sales.readers", "global.pii.email"));
    StatementExecution execution = new StatementExecution(allowed(decision), 0, 0);
    execution.dataRow(20);
    execution.dataRow(22);
    execution.commandComplete("SELECT 2");

    AuditEvent event = AuditEvents.of(IDENTITY, allowed(decision), execution, 1_234_999, TIME,
        "postgresql://db:5432/mesh", null);

    assertEquals("session-1", event.sessionId());
    assertEquals("alice", event.user());
    assertEquals(List.of("analysts"), event.groups());
    assertEquals("10.0.0.7", event.clientAddress());
    assertEquals("report", event.applicationName());
    assertEquals("mesh", event.database());
    assertEquals("select", event.statementKind());
    assertEquals("SELECT * FROM sales.orders", event.sql());
    assertEquals("SELECT \"id\" FROM (…) AS \"orders\"", event.rewrittenSql());
    assertEquals(TIME, event.time());
    assertEquals("postgresql://db:5432/mesh", event.backend());
    assertEquals(List.of(new AuditRelation("mesh.sales.orders", "read", List.of("id", "email"),
        List.of("region in ('EU', 'it''s')", "amount < (100.50)", "deleted_at is_null", "day > current_date - 7"),
        Map.of("email", "email", "card", "show_last(n => 4)", "salt", "hash"),
        List.of("iban", "ssn"),
        List.of(Optional.of("sales.regional"), Optional.empty(), Optional.of("sales.live_rows"), Optional.of("sales.recent")),
        Map.of("email", "global.pii.email", "card", "sales.card_digits"))), event.relations());
    assertEquals(List.of("sales.readers", "global.pii.email"), event.decision().policies());
    assertEquals("rev-7", event.decision().policyRevision());
    assertEquals(AuditOutcome.ok(2, 42, 1_234), event.outcome());
  }

  @Test
  void aDdlStatementCarriesItsActionAllowedOrDeniedAndOthersNone() {
    GovernedStatement drop = new GovernedStatement("DROP TABLE sales.orders", Optional.of("DROP TABLE \"sales\".\"orders\""),
        Optional.empty(), GovernedStatement.Outcome.ALLOWED, "ddl", Optional.of(DdlAction.DROP_TABLE),
        List.of(new RelationAccess(ORDERS, Access.DDL, List.of(), List.of())), Optional.of(unrestricted()), "rev-7",
        new GovernedStatement.StageTimings(0, 0, 0), List.of(), Optional.empty());
    GovernedStatement refused = drop.refusedWith(ErrorFields.error("42501", "permission denied: not yours"),
        GovernedStatement.Outcome.DENIED);

    AuditEvent allowedEvent = AuditEvents.of(IDENTITY, drop, null, 0, TIME, "b", null);
    AuditEvent deniedEvent = AuditEvents.of(IDENTITY, refused, null, 0, TIME, "b", null);

    assertEquals("ddl", allowedEvent.statementKind());
    assertEquals("drop_table", allowedEvent.ddlAction());
    assertEquals("drop_table", deniedEvent.ddlAction());
    assertEquals(AuditOutcome.Status.DENIED, deniedEvent.outcome().status());
    // One string per action, so the log's encoder reuses the statement's encoding.
    assertSame(allowedEvent.ddlAction(), AuditEvents.of(IDENTITY, drop, null, 0, TIME, "b", null).ddlAction());
    assertNull(AuditEvents.of(IDENTITY, allowed(unrestricted()), null, 0, TIME, "b", null).ddlAction());
  }

  /**
   * DDL refused while it is read, before any policy input: the event names the action when the
   * statement's words make it certain (so selecting every drop_table finds the refused CASCADE),
   * and none otherwise. Governed for real, by the governor over the rewriter.
   */
  @Test
  void aDdlStatementRefusedWhileReadNamesItsActionOnlyWhenCertain() {
    TableSchema orders = new TableSchema(ORDERS, List.of(new ColumnSchema("id", "integer")));
    List<PolicyInput> asked = new ArrayList<>();
    PolicyEngine policy = new PolicyEngine() {
      @Override
      public Decision decide(PolicyInput input) {
        asked.add(input);
        return unrestricted();
      }

      @Override
      public String revision() {
        return "rev-7";
      }
    };
    StatementGovernor governor = new StatementGovernor(
        new StatementAnalyzer((schema, table) -> schema.equals("sales") && table.equals("orders")
            ? Optional.of(orders) : Optional.empty(), "mesh"),
        policy, Clock.systemUTC());
    Map<String, String> actions = new LinkedHashMap<>();
    actions.put("DROP TABLE sales.orders CASCADE", "drop_table");
    actions.put("ALTER TABLE sales.gone ADD COLUMN note text", "add_column");
    // CREATE TABLE ... AS creates a table whatever its query; refused because the query is not governed.
    actions.put("CREATE TABLE sales.copy AS SELECT * FROM sales.orders", "create_table");
    actions.put("ALTER TABLE sales.orders ADD CONSTRAINT c UNIQUE (id)", null);
    actions.put("ALTER TABLE sales.orders ALTER COLUMN id TYPE bigint", null);
    actions.put("GRANT SELECT ON sales.orders TO PUBLIC", null);
    actions.forEach((sql, action) -> {
      AuditEvent event = AuditEvents.of(IDENTITY,
          governor.govern(IDENTITY, sql, List.of("$user", "public")), null, 0, TIME, "b", null);
      assertEquals("ddl", event.statementKind(), sql);
      assertEquals(action, event.ddlAction(), sql);
      assertNull(event.decision(), sql);
      assertNull(event.rewrittenSql(), sql);
      assertTrue(event.outcome().status() != AuditOutcome.Status.OK, sql);
    });
    assertEquals(List.of(), asked);
  }

  @Test
  void aCancelRequestThatCameTooLateLeavesTheStatementOk() {
    StatementExecution execution = new StatementExecution(allowed(unrestricted()), 0, 0);
    execution.dataRow(10);
    execution.commandComplete("SELECT 1");

    AuditOutcome outcome = AuditEvents.of(IDENTITY, allowed(unrestricted()), execution, 5_000, TIME, "b", null).outcome();

    assertEquals(AuditOutcome.Status.OK, outcome.status());
    assertNull(outcome.sqlState());
  }

  @Test
  void queryCanceledIsCancelledAndEveryOtherErrorFailed() {
    StatementExecution cancelled = new StatementExecution(allowed(unrestricted()), 0, 0);
    cancelled.dataRow(10);
    cancelled.error("57014", "canceling statement due to user request");
    AuditOutcome cancelledOutcome =
        AuditEvents.of(IDENTITY, allowed(unrestricted()), cancelled, 5_000, TIME, "b", null).outcome();
    assertEquals(new AuditOutcome(AuditOutcome.Status.CANCELLED, "57014", 1, 10, 5,
        "canceling statement due to user request"), cancelledOutcome);

    StatementExecution failed = new StatementExecution(allowed(unrestricted()), 0, 0);
    failed.error("22012", "division by zero");
    // A later error (e.g. from a cancel request that arrived after the failure) does not
    // replace the first one.
    failed.error("57014", "canceling statement due to user request");
    AuditOutcome failedOutcome = AuditEvents.of(IDENTITY, allowed(unrestricted()), failed, 5_000, TIME, "b", null).outcome();
    assertEquals(new AuditOutcome(AuditOutcome.Status.FAILED, "22012", 0, 0, 5, "division by zero"), failedOutcome);
  }

  @Test
  void aRowTheRowFiltersRefusedIsDeniedWithTheDecisionThatAllowedTheStatement() {
    StatementExecution refused = new StatementExecution(allowed(unrestricted()), 0, 0);
    refused.error("42501", "new row violates the row filters of relation sales.t", true);
    AuditEvent event = AuditEvents.of(IDENTITY, allowed(unrestricted()), refused, 5_000, TIME, "b", null);
    assertEquals(new AuditOutcome(AuditOutcome.Status.DENIED, "42501", 0, 0, 5,
        "new row violates the row filters of relation sales.t"), event.outcome());
    assertTrue(event.decision().allow());
    assertNotNull(event.rewrittenSql());
  }

  @Test
  void aStatementTheSessionNeverRanIsCancelled() {
    AuditOutcome outcome = AuditEvents.of(IDENTITY, allowed(unrestricted()), null, 5_000, TIME, "b", null).outcome();

    assertEquals(AuditOutcome.Status.CANCELLED, outcome.status());
    assertEquals("57014", outcome.sqlState());
  }

  /**
   * A session keeps the mapped relations and decision of the statements it runs again; each
   * statement must still get its own, never the parts of another statement it ran before.
   */
  @Test
  void aSessionReusesTheRelationsOfAStatementRunAgainButNeverAnotherStatements() {
    AuditEvents.SessionEvents session = new AuditEvents.SessionEvents();
    Decision filtered = new Decision(true, List.of(), Map.of(ORDERS.key(), new RelationPolicy(
        List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))), Map.of(), Set.of(),
        List.of(Optional.of("sales.regional")), Map.of())), List.of("sales.regional"));
    GovernedStatement unrestrictedStatement = allowed(unrestricted());
    GovernedStatement filteredStatement = allowed(filtered);
    for (int round = 0; round < 3; round++) {
      for (GovernedStatement statement : List.of(unrestrictedStatement, filteredStatement)) {
        AuditEvent remembered = session.of(IDENTITY, statement, null, 5_000, TIME, "b", null);
        AuditEvent fresh = AuditEvents.of(IDENTITY, statement, null, 5_000, TIME, "b", null);
        assertEquals(fresh.relations(), remembered.relations());
        assertEquals(fresh.decision(), remembered.decision());
      }
    }
    assertEquals(List.of("region = ('EU')"),
        session.of(IDENTITY, filteredStatement, null, 0, TIME, "b", null).relations().get(0).rowFilters());
    assertEquals(List.of(), session.of(IDENTITY, unrestrictedStatement, null, 0, TIME, "b", null).relations().get(0).rowFilters());
    // More statements than it remembers: still each its own.
    for (int index = 0; index < 100; index++) {
      GovernedStatement statement = index % 2 == 0 ? allowed(filtered) : allowed(unrestricted());
      assertEquals(index % 2 == 0 ? 1 : 0,
          session.of(IDENTITY, statement, null, 0, TIME, "b", null).relations().get(0).rowFilters().size());
    }
  }

  /**
   * Statements of one shape (simple protocol) are new objects that share their relations and
   * decision: they share the mapped parts, which the audit log's encoder then encodes once. A
   * new policy revision with the same objects still gets its own decision record.
   */
  @Test
  void statementsSharingRelationsAndDecisionShareTheirPartsButNotAcrossRevisions() {
    AuditEvents.SessionEvents session = new AuditEvents.SessionEvents();
    GovernedStatement first = allowed(unrestricted());
    GovernedStatement sameShape = new GovernedStatement("SELECT * FROM sales.orders WHERE id = 2", first.forwardedSql(),
        Optional.empty(), GovernedStatement.Outcome.ALLOWED, "select", first.relations(), first.decision(), "rev-7",
        new GovernedStatement.StageTimings(0, 0, 0));
    GovernedStatement newRevision = new GovernedStatement(first.originalSql(), first.forwardedSql(), Optional.empty(),
        GovernedStatement.Outcome.ALLOWED, "select", first.relations(), first.decision(), "rev-8",
        new GovernedStatement.StageTimings(0, 0, 0));

    AuditEvent one = session.of(IDENTITY, first, null, 0, TIME, "b", null);
    AuditEvent two = session.of(IDENTITY, sameShape, null, 0, TIME, "b", null);
    AuditEvent three = session.of(IDENTITY, newRevision, null, 0, TIME, "b", null);

    assertSame(one.relations(), two.relations());
    assertSame(one.decision(), two.decision());
    assertEquals("rev-7", two.decision().policyRevision());
    assertEquals("rev-8", three.decision().policyRevision());
  }

  private static Decision unrestricted() {
    return new Decision(true, List.of(), Map.of(), List.of("sales.readers"));
  }

  private static GovernedStatement allowed(Decision decision) {
    return new GovernedStatement("SELECT * FROM sales.orders", Optional.of("SELECT \"id\" FROM (…) AS \"orders\""),
        Optional.empty(), GovernedStatement.Outcome.ALLOWED, "select",
        List.of(new RelationAccess(ORDERS, Access.READ, List.of("id", "email", "region"), List.of("id", "email"))),
        Optional.of(decision), "rev-7", new GovernedStatement.StageTimings(0, 0, 0));
  }
}
