package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * One audited statement, allowed or denied: schema version 1 of the audit log. {@code
 * audit/README.md} documents each field as it appears in the log.
 *
 * @param eventId a random UUID in canonical lowercase form, see {@link #randomEventId()}
 * @param time when the statement ended and the event was recorded (subtract {@code
 *     outcome.durationMicros} for its start); kept to the microsecond, as the log records it
 * @param sessionId the client session's identifier
 * @param user the authenticated user
 * @param groups the user's groups
 * @param clientAddress the client's IP address
 * @param applicationName the client's {@code application_name} when the statement ended (sent
 *     at startup or set later), empty when it has none
 * @param database the database the statement ran in (the backend database Meshgate serves)
 * @param statementKind the statement kind in the policy contract's spelling ({@code select},
 *     {@code insert}, {@code utility}, ...)
 * @param ddlAction for a statement of kind {@code ddl}, what it does in the policy contract's
 *     spelling of {@code statement.ddl_action} ({@code create_table}, {@code drop_table}, ...),
 *     allowed or refused, also when refused while it was read, before a policy was asked ({@code
 *     DROP TABLE ... CASCADE}, a target that does not exist); {@code null} for every other kind,
 *     for a DDL statement whose action is uncertain or has no word in the contract ({@code GRANT},
 *     {@code CREATE VIEW}, {@code ALTER TABLE ... ADD CONSTRAINT}), and for events read from lines
 *     written before Meshgate recorded it
 * @param sql the statement as the client sent it
 * @param rewrittenSql the statement as forwarded to the backend; {@code null} when it was not
 *     forwarded (refused, or failed before forwarding)
 * @param relations the relations the statement touched
 * @param decision the policy decision; {@code null} when none was needed (allowlisted utility
 *     statements and catalog reads) or none could be had before the statement failed
 * @param outcome how the statement ended
 * @param backend where the statement went (or would have gone), e.g. {@code
 *     postgresql://127.0.0.1:5432/mesh}; never with credentials
 * @param transaction the backend transaction the statement belonged to and what was known of its
 *     fate when the event was written; {@code null} for events read from lines written before
 *     Meshgate recorded it (and for events built without it, in tests)
 */
public record AuditEvent(
    String eventId,
    Instant time,
    String sessionId,
    String user,
    List<String> groups,
    String clientAddress,
    String applicationName,
    String database,
    String statementKind,
    String ddlAction,
    String sql,
    String rewrittenSql,
    List<AuditRelation> relations,
    AuditDecision decision,
    AuditOutcome outcome,
    String backend,
    AuditTransaction transaction) {

  /** The schema version this record describes; every log line carries it. */
  public static final int SCHEMA_VERSION = 1;

  /** The statement kind whose events may carry a {@link #ddlAction}. */
  private static final String DDL_KIND = "ddl";

  // RFC 3339 has four-digit years only.
  private static final Instant EARLIEST =
      LocalDate.of(0, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
  private static final Instant LATEST =
      LocalDate.of(10_000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

  public AuditEvent {
    requireNonNull(eventId, "eventId is null");
    requireNonNull(time, "time is null");
    requireNonNull(sessionId, "sessionId is null");
    requireNonNull(user, "user is null");
    groups = List.copyOf(requireNonNull(groups, "groups is null"));
    requireNonNull(clientAddress, "clientAddress is null");
    requireNonNull(applicationName, "applicationName is null");
    requireNonNull(database, "database is null");
    requireNonNull(statementKind, "statementKind is null");
    requireNonNull(sql, "sql is null");
    relations = List.copyOf(requireNonNull(relations, "relations is null"));
    requireNonNull(outcome, "outcome is null");
    requireNonNull(backend, "backend is null");

    if (!isCanonicalUuid(eventId)) {
      throw new IllegalArgumentException(
          "eventId must be a UUID in canonical lowercase form, not '" + eventId + "'");
    }
    if (time.isBefore(EARLIEST) || !time.isBefore(LATEST)) {
      throw new IllegalArgumentException("time must fall within the years 0000 to 9999");
    }
    time = time.truncatedTo(ChronoUnit.MICROS);
    requireNotEmpty(sessionId, "sessionId");
    requireNotEmpty(user, "user");
    requireNotEmpty(clientAddress, "clientAddress");
    requireNotEmpty(database, "database");
    requireNotEmpty(backend, "backend");
    if (!isContractWord(statementKind)) {
      throw new IllegalArgumentException(
          "statementKind must be a lowercase contract word such as select, not '"
              + statementKind
              + "'");
    }
    if (ddlAction != null) {
      if (!isContractWord(ddlAction)) {
        throw new IllegalArgumentException(
            "ddlAction must be a lowercase contract word such as drop_table, not '"
                + ddlAction
                + "'");
      }
      if (!statementKind.equals(DDL_KIND)) {
        throw new IllegalArgumentException(
            "only a statement of kind ddl has a ddlAction, not one of kind " + statementKind);
      }
    }
    // Fail closed in the record itself: a refusing decision can only end in a refusal that
    // never reached the backend, whatever the caller believes happened.
    if (decision != null && !decision.allow()) {
      if (outcome.status() != AuditOutcome.Status.DENIED) {
        throw new IllegalArgumentException(
            "a decision that refused the statement needs outcome DENIED, not "
                + outcome.status());
      }
      if (rewrittenSql != null) {
        throw new IllegalArgumentException("a refused statement has no rewritten SQL");
      }
    }
  }

  /**
   * An event without a DDL action: a statement of any kind but {@code ddl}, or one read from a
   * line written before Meshgate recorded the action.
   */
  public AuditEvent(
      String eventId,
      Instant time,
      String sessionId,
      String user,
      List<String> groups,
      String clientAddress,
      String applicationName,
      String database,
      String statementKind,
      String sql,
      String rewrittenSql,
      List<AuditRelation> relations,
      AuditDecision decision,
      AuditOutcome outcome,
      String backend) {
    this(
        eventId,
        time,
        sessionId,
        user,
        groups,
        clientAddress,
        applicationName,
        database,
        statementKind,
        null,
        sql,
        rewrittenSql,
        relations,
        decision,
        outcome,
        backend,
        null);
  }

  /** This event with {@code transaction} (which may be null). */
  public AuditEvent withTransaction(AuditTransaction transaction) {
    return new AuditEvent(eventId, time, sessionId, user, groups, clientAddress, applicationName,
        database, statementKind, ddlAction, sql, rewrittenSql, relations, decision, outcome,
        backend, transaction);
  }

  /** A fresh event identifier. */
  public static String randomEventId() {
    return UUID.randomUUID().toString();
  }

  /** 8-4-4-4-12 lowercase hex digits: what {@code UUID.toString()} gives. */
  private static boolean isCanonicalUuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int index = 0; index < 36; index++) {
      char character = text.charAt(index);
      boolean hyphen = index == 8 || index == 13 || index == 18 || index == 23;
      boolean ok = hyphen
          ? character == '-'
          : (character >= '0' && character <= '9') || (character >= 'a' && character <= 'f');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-z][a-z_]*}, checked by hand: every event is checked on the statement's path. */
  private static boolean isContractWord(String text) {
    if (text.isEmpty() || text.charAt(0) < 'a' || text.charAt(0) > 'z') {
      return false;
    }
    for (int index = 1; index < text.length(); index++) {
      char character = text.charAt(index);
      if ((character < 'a' || character > 'z') && character != '_') {
        return false;
      }
    }
    return true;
  }

  private static void requireNotEmpty(String value, String name) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
