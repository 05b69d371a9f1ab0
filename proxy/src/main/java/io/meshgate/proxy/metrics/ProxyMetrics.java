package io.meshgate.proxy.metrics;

import io.meshgate.audit.AuditSink;
import io.meshgate.audit.AuditWriteObserver;
import io.meshgate.policy.cache.CacheStatistics;
import io.meshgate.policy.reload.PolicyReloadStatus;
import io.meshgate.proxy.governance.StatementCache;
import io.meshgate.proxy.memory.MessageMemoryBudget;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every metric the proxy records, registered in one registry (not the global default, so
 * several servers can run in one JVM, as tests do): the ones sessions record as statements run,
 * and, once {@code Meshgate.start} registers them, the ones read from the decision cache, the
 * audit sink and policy reload when Prometheus scrapes.
 */
public final class ProxyMetrics {
  private static final double[] LATENCY_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final CollectorRegistry registry;
  private final Counter statements;
  private final Histogram stageSeconds;
  private final Gauge activeSessions;
  private final Gauge mostAuditEventsHeld;
  private final Counter authenticationFailures;
  private final Counter policyEngineErrors;
  private final Counter auditFailures;
  private final Counter relationQueries;
  // Query and Parse messages by where they were governed (see governedOnEventLoop).
  private final Counter.Child governedOnEventLoop;
  private final Counter.Child governedOnWorker;
  private final AuditWriteHistograms auditWrites;
  // The stages every executed statement records, resolved once (see stage).
  private final Histogram.Child backendStage;
  private final Histogram.Child totalStage;

  public ProxyMetrics(CollectorRegistry registry) {
    this.registry = registry;
    statements = Counter.build("meshgate_statements_total",
            "Statements by kind and outcome: allowed, passthrough, denied (by policy, including a write whose"
                + " new row the row filters refused while it ran) or failed.")
        .labelNames("kind", "outcome")
        .register(registry);
    stageSeconds = Histogram.build("meshgate_statement_stage_seconds",
            "Time per stage of a statement: parse, decide, rewrite, backend, total.")
        .labelNames("stage")
        .buckets(LATENCY_BUCKETS)
        .register(registry);
    activeSessions = Gauge.build("meshgate_active_sessions", "Client sessions currently open.")
        .register(registry);
    mostAuditEventsHeld = Gauge.build("meshgate_audit_events_held_max",
            "The most audit events of answered statements one session has held at once, waiting for their"
                + " transaction to end (the Sync of a batch), since start; bounded by audit.max_held_events.")
        .register(registry);
    authenticationFailures = Counter.build("meshgate_authentication_failures_total",
            "Failed client authentications.")
        .register(registry);
    policyEngineErrors = Counter.build("meshgate_policy_engine_errors_total",
            "Statements refused because the policy engine failed or returned a malformed decision.")
        .register(registry);
    auditFailures = Counter.build("meshgate_audit_failures_total",
            "Audit events that could not be written.")
        .register(registry);
    relationQueries = Counter.build("meshgate_relation_queries_total",
            "Statements per data product (relation) and decision: allowed or denied (including a write whose"
                + " new row the row filters refused while it ran).")
        .labelNames("relation", "decision")
        .register(registry);
    Counter governed = Counter.build("meshgate_governed_messages_total",
            "Query and Parse messages governed: from memory on the event loop (every answer cached),"
                + " or on a worker thread (something to parse, ask OPA or read from the catalog).")
        .labelNames("where")
        .register(registry);
    governedOnEventLoop = governed.labels("event_loop");
    governedOnWorker = governed.labels("worker");
    auditWrites = new AuditWriteHistograms(registry, LATENCY_BUCKETS);
    backendStage = stageSeconds.labels("backend");
    totalStage = stageSeconds.labels("total");
  }

  public CollectorRegistry registry() {
    return registry;
  }

  /** Publishes the decision cache's hits, misses, evictions and size, read at scrape time. */
  public void registerDecisionCache(Supplier<CacheStatistics> statistics) {
    new DecisionCacheCollector(statistics).register(registry);
  }

  /** Publishes the statement cache's hits and misses (analyses, rewrites, shapes), read when scraped. */
  public void registerStatementCache(Supplier<StatementCache.Statistics> statistics) {
    new StatementCacheCollector(statistics).register(registry);
  }

  /** Publishes the audit sink's queue depth, last write latency, written and failed events. */
  public void registerAuditSink(AuditSink sink) {
    new AuditSinkCollector(sink).register(registry);
  }

  /**
   * What to open the audit sink with, so that its write latencies (per event and per batch)
   * become histograms.
   */
  public AuditWriteObserver auditWriteObserver() {
    return auditWrites;
  }

  /** Publishes the message memory budget's bytes in use, its limit and its refusals, read when scraped. */
  public void registerMessageBudget(MessageMemoryBudget budget) {
    new MessageBudgetCollector(budget).register(registry);
  }

  /** Publishes policy reload activations, failures and the active revision (a managed OPA only). */
  public void registerPolicyReload(Supplier<PolicyReloadStatus> status) {
    new PolicyReloadCollector(status).register(registry);
  }

  /**
   * The counters one governed statement increments per execution: statements by kind and
   * outcome, and each of its relations by decision. Resolved once, incremented per execution.
   */
  public StatementCounters statementCounters(String kind, String outcome, List<String> relations, String decision) {
    return new StatementCounters(
        statements.labels(kind, outcome),
        relations.stream().map(relation -> relationQueries.labels(relation, decision)).toList());
  }

  public void stage(String stage, long nanos) {
    Histogram.Child child = switch (stage) {
      case "backend" -> backendStage;
      case "total" -> totalStage;
      default -> stageSeconds.labels(stage);
    };
    child.observe(nanos / 1e9);
  }

  /** A Query or Parse message governed from the caches alone, on the event loop. */
  public void governedOnEventLoop() {
    governedOnEventLoop.inc();
  }

  /** A Query or Parse message governed on a worker thread: something was not cached. */
  public void governedOnWorker() {
    governedOnWorker.inc();
  }

  public void sessionOpened() {
    activeSessions.inc();
  }

  public void sessionClosed() {
    activeSessions.dec();
  }

  /**
   * A session holds {@code count} audit events, more than it ever did: called rarely (a session
   * calls it at most audit.max_held_events times), so a lock costs nothing that matters.
   */
  public synchronized void auditEventsHeld(int count) {
    if (count > mostAuditEventsHeld.get()) {
      mostAuditEventsHeld.set(count);
    }
  }

  public void authenticationFailed() {
    authenticationFailures.inc();
  }

  public void policyEngineError() {
    policyEngineErrors.inc();
  }

  public void auditFailed() {
    auditFailures.inc();
  }
}
