package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.AuditSink;
import io.meshgate.proxy.auth.AuthenticationMethod;
import io.meshgate.proxy.auth.CleartextPasswords;
import io.meshgate.proxy.auth.AuthenticationRateLimiter;
import io.meshgate.proxy.auth.PasswordAuthenticator;
import io.meshgate.proxy.backend.BackendConnector;
import io.meshgate.proxy.governance.StatementGovernor;
import io.meshgate.proxy.memory.MessageMemoryBudget;
import io.meshgate.proxy.metrics.ProxyMetrics;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/** What every session shares: collaborators and limits, built once by the server. */
public record SessionServices(
    PasswordAuthenticator authenticator,
    AuthenticationMethod authenticationMethod,
    CleartextPasswords cleartextWithoutTls,
    AuthenticationRateLimiter rateLimiter,
    BackendConnector backendConnector,
    StatementGovernor governor,
    AuditSink auditSink,
    boolean serveWithoutAudit,
    ProxyMetrics metrics,
    ExecutorService workers,
    CancelKeys cancelKeys,
    Clock clock,
    String database,
    Optional<SslContext> tls,
    boolean tlsRequired,
    int maxMessageBytes,
    MessageMemoryBudget messageBudget,
    Duration authenticationTimeout,
    Duration idleTimeout,
    int maxHeldAuditEvents) {
  public SessionServices {
    requireNonNull(authenticator, "authenticator is null");
    requireNonNull(authenticationMethod, "authenticationMethod is null");
    requireNonNull(cleartextWithoutTls, "cleartextWithoutTls is null");
    requireNonNull(rateLimiter, "rateLimiter is null");
    requireNonNull(backendConnector, "backendConnector is null");
    requireNonNull(governor, "governor is null");
    requireNonNull(auditSink, "auditSink is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(workers, "workers is null");
    requireNonNull(cancelKeys, "cancelKeys is null");
    requireNonNull(clock, "clock is null");
    requireNonNull(database, "database is null");
    requireNonNull(tls, "tls is null");
    requireNonNull(messageBudget, "messageBudget is null");
    requireNonNull(authenticationTimeout, "authenticationTimeout is null");
    requireNonNull(idleTimeout, "idleTimeout is null");
    if (maxHeldAuditEvents < 1) {
      throw new IllegalArgumentException("maxHeldAuditEvents must be at least 1");
    }
  }
}
