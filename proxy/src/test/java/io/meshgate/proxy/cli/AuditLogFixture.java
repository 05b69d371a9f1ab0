package io.meshgate.proxy.cli;

import io.meshgate.audit.AuditDecision;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditRelation;
import io.meshgate.audit.AuditSinkOptions;
import io.meshgate.audit.AuditTransaction;
import io.meshgate.audit.JsonLinesAuditSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A varied workload written by the real {@link JsonLinesAuditSink}: users, relations of three
 * domains, allowed, denied and decision-less statements, one per hour over two UTC days.
 */
final class AuditLogFixture {
  static final Instant START = Instant.parse("2026-11-21T20:00:00Z");
  static final List<String> USERS = List.of("alice", "bob", "carol");
  static final List<String> RELATIONS =
      List.of("mesh.sales.store_transactions", "mesh.customers.customers", "mesh.weather.daily_temperatures");

  private AuditLogFixture() {}

  /** The events, in the order they are written. */
  static List<AuditEvent> events(int count) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(event(i));
    }
    return List.copyOf(events);
  }

  /** Writes {@code events} to a log at {@code file}; a small {@code maxFileBytes} rotates it. */
  static void write(Path file, List<AuditEvent> events, long maxFileBytes) {
    AuditSinkOptions options = AuditSinkOptions.defaults()
        .withFsync(AuditSinkOptions.Fsync.NEVER)
        .withMaxFileBytes(maxFileBytes)
        // The events carry fixed times; rotation must depend on size only.
        .withMaxFileAge(Duration.ofDays(4_000_000));
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file, options)) {
      // One at a time, so the sink checks the size before every event and rotates deterministically.
      for (AuditEvent event : events) {
        sink.append(event).join();
      }
    }
  }

  static void write(Path file, List<AuditEvent> events) {
    write(file, events, AuditSinkOptions.DEFAULT_MAX_FILE_BYTES);
  }

  private static AuditEvent event(int index) {
    String user = USERS.get(index % USERS.size());
    String relation = RELATIONS.get((index / 2) % RELATIONS.size());
    Instant time = START.plus(Duration.ofHours(index));
    AuditRelation touched = new AuditRelation(relation, "read", List.of("region"), List.of(), Map.of(), List.of());
    String sql = "SELECT region FROM " + relation.substring(relation.indexOf('.') + 1) + " -- " + index;
    long durationMicros = 1_000L * (index + 1);
    return switch (index % 4) {
      case 0, 1 -> new AuditEvent(AuditEvent.randomEventId(), time, "session-" + index, user, List.of("analysts"),
          "127.0.0.1", "psql", "mesh", "select", sql, sql, List.of(touched),
          new AuditDecision(true, List.of(), List.of("global.allow"), "revision-1"),
          AuditOutcome.ok(index, 10L * index, durationMicros), "postgresql://127.0.0.1:5432/mesh")
          // some autocommit statements committed, some rolled back; the rest written without
          .withTransaction(index % 8 == 0 ? new AuditTransaction(1, 1, AuditTransaction.State.COMMITTED, null)
              : index % 8 == 1 ? new AuditTransaction(1, 1, AuditTransaction.State.ROLLED_BACK, null) : null);
      case 2 -> new AuditEvent(AuditEvent.randomEventId(), time, "session-" + index, user, List.of("analysts"),
          "127.0.0.1", "psql", "mesh", "select", sql, null, List.of(touched),
          new AuditDecision(false, List.of("not allowed, " + index), List.of("global.default_deny"), "revision-1"),
          new AuditOutcome(AuditOutcome.Status.DENIED, "42501", 0, 0, durationMicros, "permission denied"),
          "postgresql://127.0.0.1:5432/mesh");
      default -> new AuditEvent(AuditEvent.randomEventId(), time, "session-" + index, user, List.of(),
          "127.0.0.1", "", "mesh", "utility", "SHOW search_path", "SHOW search_path", List.of(), null,
          AuditOutcome.ok(1, 8, durationMicros), "postgresql://127.0.0.1:5432/mesh");
    };
  }
}
