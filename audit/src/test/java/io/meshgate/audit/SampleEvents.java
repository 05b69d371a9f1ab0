package io.meshgate.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Realistic events for tests: an allowed, filtered and masked read; a denial; a utility; a
 * denied DDL statement.
 */
public final class SampleEvents {

  public static final Instant TIME = Instant.parse("2026-11-21T10:15:00.123456789Z");

  /**
   * Longer than any event can be old (the years 0000 to 9999): events here carry fixed times, so
   * with the default age limit whether a file rotates would depend on the day the tests run.
   */
  public static final Duration NO_AGE_LIMIT = Duration.ofDays(4_000_000);

  private SampleEvents() {}

  /** Defaults with the fsync given and no rotation by age; see {@link #NO_AGE_LIMIT}. */
  public static AuditSinkOptions options(AuditSinkOptions.Fsync fsync) {
    return AuditSinkOptions.defaults().withFsync(fsync).withMaxFileAge(NO_AGE_LIMIT);
  }

  public static AuditRelation orders() {
    return new AuditRelation(
        "mesh.sales.orders",
        "read",
        List.of("order_id", "customer_email", "amount"),
        List.of("\"region\" IN ('EU')", "\"amount\" < 10000"),
        Map.of("customer_email", "email", "amount", "round(digits => -2)"),
        List.of("card_number"),
        // One filter and one mask without an id: a decision need not name them.
        List.of(Optional.of("sales.orders.regional"), Optional.empty()),
        Map.of("customer_email", "global.pii.email"));
  }

  public static AuditEvent allowedSelect(String user, String sql) {
    return new AuditEvent(
        AuditEvent.randomEventId(),
        TIME,
        "b1f6c0de",
        user,
        List.of("analysts", "region_eu"),
        "127.0.0.1",
        "psql",
        "mesh",
        "select",
        sql,
        "SELECT \"order_id\" FROM (SELECT ...) AS \"orders\"",
        List.of(orders()),
        new AuditDecision(
            true, List.of(), List.of("sales.orders.readers", "global.pii.email"), "rev-42"),
        AuditOutcome.ok(3, 512, 1_250),
        "postgresql://127.0.0.1:5432/mesh");
  }

  public static AuditEvent allowedSelect() {
    return allowedSelect("alice", "select order_id, customer_email from sales.orders");
  }

  public static AuditEvent denied() {
    return new AuditEvent(
        AuditEvent.randomEventId(),
        TIME,
        "b1f6c0de",
        "mallory",
        List.of(),
        "10.0.0.7",
        "",
        "mesh",
        "select",
        "select card_number from sales.orders",
        null,
        List.of(
            new AuditRelation(
                "mesh.sales.orders", "read", List.of("card_number"), List.of(), Map.of(),
                List.of("card_number"))),
        new AuditDecision(false, List.of("card_number is denied"), List.of("global.pii"), null),
        new AuditOutcome(AuditOutcome.Status.DENIED, "42501", 0, 0, 80, "permission denied"),
        "postgresql://127.0.0.1:5432/mesh");
  }

  /** A {@code DROP TABLE} the policy refused: kind {@code ddl} with its action. */
  public static AuditEvent deniedDdl() {
    return new AuditEvent(
        AuditEvent.randomEventId(),
        TIME,
        "b1f6c0de",
        "alice",
        List.of("analysts"),
        "127.0.0.1",
        "psql",
        "mesh",
        "ddl",
        "drop_table",
        "DROP TABLE sales.orders",
        null,
        List.of(
            new AuditRelation(
                "mesh.sales.orders", "ddl", List.of(), List.of(), Map.of(), List.of())),
        new AuditDecision(
            false, List.of("sales: only the sales team may drop its tables"), List.of(), "rev-42"),
        new AuditOutcome(
            AuditOutcome.Status.DENIED, "42501", 0, 0, 95, "permission denied: sales: only ..."),
        "postgresql://127.0.0.1:5432/mesh",
        null);
  }

  public static AuditEvent utility() {
    return new AuditEvent(
        AuditEvent.randomEventId(),
        TIME,
        "b1f6c0de",
        "alice",
        List.of("analysts"),
        "127.0.0.1",
        "psql",
        "mesh",
        "utility",
        "SET search_path = sales",
        "SET search_path = sales",
        List.of(),
        null,
        AuditOutcome.ok(0, 0, 15),
        "postgresql://127.0.0.1:5432/mesh");
  }
}
