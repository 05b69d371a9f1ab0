package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditTransaction;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.proxy.metrics.StatementCounters;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one session records about its statements: the governance stages' timings once a
 * statement is governed, and when it ends, the statement and relation counters and its audit
 * event (invariant 5: every statement, allowed or denied, finished or not). The session decides
 * when; this type decides what. One per session, used on its event loop only.
 */
final class StatementRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(StatementRecorder.class);
  private static final String DENIED = "denied";

  private final SessionServices services;
  private final String sessionId;
  private final AuditEvents.SessionEvents auditEvents = new AuditEvents.SessionEvents();
  private String backendName;
  // The counters of the statement counted last: a prepared statement's executions share them.
  private GovernedStatement countedStatement;
  private StatementCounters counters;

  StatementRecorder(SessionServices services, String sessionId) {
    this.services = requireNonNull(services, "services is null");
    this.sessionId = requireNonNull(sessionId, "sessionId is null");
  }

  /** A statement was governed: the time its parse, decision and rewrite took. */
  void governed(GovernedStatement governed) {
    GovernedStatement.StageTimings timings = governed.timings();
    services.metrics().stage("parse", timings.parseNanos());
    if (timings.decideNanos() > 0) {
      services.metrics().stage("decide", timings.decideNanos());
    }
    if (timings.rewriteNanos() > 0) {
      services.metrics().stage("rewrite", timings.rewriteNanos());
    }
  }

  /**
   * A statement ended (ran, was refused, or will never run): counts it and appends its audit
   * event. The future completes when the event is written; it fails, never silently, when the
   * event cannot be built or written.
   */
  CompletableFuture<Void> ended(SessionIdentity identity, GovernedStatement governed, long start,
      StatementExecution execution, AuditTransaction transaction) {
    // An answered statement's event may be written later (at its ReadyForQuery): it ended when
    // the backend answered it.
    long now = System.nanoTime();
    long end = execution != null && execution.answeredNanos() != 0 ? execution.answeredNanos() : now;
    long durationNanos = Math.max(0, end - start);
    services.metrics().stage("total", durationNanos);
    if (execution != null && execution.deniedByPolicy()) {
      // The row filters refused a row it wrote: a denial, although the decision allowed it.
      deniedCountersOf(governed).increment();
    } else {
      countersOf(governed).increment();
    }
    if (governed.outcome() == GovernedStatement.Outcome.FAILED && governed.decision().isEmpty()
        && !governed.relations().isEmpty()) {
      services.metrics().policyEngineError();
    }
    try {
      AuditEvent event = auditEvents.of(identity, governed, execution, durationNanos,
          // the event's time is when the statement ended, so that its start is time - duration
          services.clock().instant().minusNanos(now - end), backendName(), transaction);
      return services.auditSink().append(event);
    } catch (RuntimeException e) {
      // An event the audit schema rejects is an audit failure like any other: never silent.
      LOG.error("session {}: cannot build or append the audit event", sessionId, e);
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The session ended idle in a transaction block: no statement's event says how that
   * transaction ended, so this event does (the backend rolled it back as the connection closed).
   * Not a statement the client sent, so no statement counter counts it.
   */
  CompletableFuture<Void> transactionEndedWithSession(SessionIdentity identity, AuditTransaction transaction) {
    try {
      AuditEvent event = AuditEvents.transactionEndedWithSession(identity, services.clock().instant(), backendName(),
          transaction);
      return services.auditSink().append(event);
    } catch (RuntimeException e) {
      LOG.error("session {}: cannot build or append the audit event of its end", sessionId, e);
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The counters of an execution the row filters refused: rare, so resolved each time. */
  private StatementCounters deniedCountersOf(GovernedStatement governed) {
    return services.metrics().statementCounters(
        governed.kind(),
        DENIED,
        governed.relations().stream().map(relation -> relation.relation().key()).toList(),
        DENIED);
  }

  /** A prepared statement's executions share its counters: resolved at its first, reused after. */
  private StatementCounters countersOf(GovernedStatement governed) {
    if (governed != countedStatement) {
      counters = services.metrics().statementCounters(
          governed.kind(),
          governed.outcome().name().toLowerCase(Locale.ROOT),
          governed.relations().stream().map(relation -> relation.relation().key()).toList(),
          governed.isForwarded() ? "allowed" : "denied");
      countedStatement = governed;
    }
    return counters;
  }

  private String backendName() {
    if (backendName == null) {
      backendName = services.backendConnector().endpoint().displayName();
    }
    return backendName;
  }
}
