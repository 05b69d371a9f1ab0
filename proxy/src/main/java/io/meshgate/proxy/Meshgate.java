package io.meshgate.proxy;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.AuditSink;
import io.meshgate.audit.AuditSinkOptions;
import io.meshgate.audit.JsonLinesAuditSink;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.ProductMetadataSource;
import io.meshgate.policy.cache.CachingPolicyEngine;
import io.meshgate.policy.cache.CachingProductMetadataSource;
import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.policy.opa.OpaBinary;
import io.meshgate.policy.opa.OpaProductMetadataSource;
import io.meshgate.policy.opa.OpaRestConfig;
import io.meshgate.policy.opa.OpaRestPolicyEngine;
import io.meshgate.policy.reload.PolicyReloader;
import io.meshgate.proxy.auth.AuthenticationRateLimiter;
import io.meshgate.proxy.auth.JwtAuthenticator;
import io.meshgate.proxy.auth.PasswordAuthenticator;
import io.meshgate.proxy.auth.UsersFile;
import io.meshgate.proxy.backend.BackendConnector;
import io.meshgate.proxy.config.MeshgateConfig;
import io.meshgate.proxy.discovery.DataProductDirectory;
import io.meshgate.proxy.governance.StatementGovernor;
import io.meshgate.proxy.memory.MessageMemoryBudget;
import io.meshgate.proxy.metadata.JdbcSchemaCatalog;
import io.meshgate.proxy.metrics.AuditSinkReadinessCheck;
import io.meshgate.proxy.metrics.BackendReadinessCheck;
import io.meshgate.proxy.metrics.CachedReadinessCheck;
import io.meshgate.proxy.metrics.MetricsHttpServer;
import io.meshgate.proxy.metrics.OpaReadinessCheck;
import io.meshgate.proxy.metrics.ProxyMetrics;
import io.meshgate.proxy.metrics.Readiness;
import io.meshgate.proxy.session.CancelKeys;
import io.meshgate.proxy.session.SessionServices;
import io.meshgate.proxy.tls.ServerTls;
import io.meshgate.proxy.tls.TlsMode;
import io.meshgate.proxy.governance.StatementCache;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.analysis.SettingAllowlist;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Meshgate instance assembled from a {@link MeshgateConfig}. Closing it stops
 * everything it started, in reverse order.
 */
public final class Meshgate implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Meshgate.class);
  /** A readiness probe that waits longer than this for one part is answered "not ready". */
  private static final Duration READINESS_TIMEOUT = Duration.ofSeconds(1);
  /** Each backend check forks a PostgreSQL process; probes within this interval share one. */
  private static final Duration BACKEND_CHECK_INTERVAL = Duration.ofSeconds(1);

  private final Deque<AutoCloseable> resources;
  private final ProxyServer server;
  private final Optional<MetricsHttpServer> metricsServer;
  private final Optional<ManagedOpaProcess> managedOpa;
  private final Optional<PolicyReloader> policyReloader;
  private final ProxyMetrics metrics;

  private Meshgate(
      Deque<AutoCloseable> resources,
      ProxyServer server,
      Optional<MetricsHttpServer> metricsServer,
      Optional<ManagedOpaProcess> managedOpa,
      Optional<PolicyReloader> policyReloader,
      ProxyMetrics metrics) {
    this.resources = resources;
    this.server = server;
    this.metricsServer = metricsServer;
    this.managedOpa = managedOpa;
    this.policyReloader = policyReloader;
    this.metrics = metrics;
  }

  /**
   * Starts everything. {@code repositoryRoot} is where the pinned OPA script lives, used only
   * when the config asks for a managed OPA without naming a binary.
   */
  public static Meshgate start(MeshgateConfig config, Optional<Path> repositoryRoot) throws IOException {
    requireNonNull(config, "config is null");
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      UsersFile users = UsersFile.load(config.usersFile());
      Optional<JwtAuthenticator> jwtAuthenticator = config.jwt().map(JwtAuthenticator::new);
      if (jwtAuthenticator.isPresent()) {
        jwtAuthenticator.get().loadKeys(); // a JWKS that cannot be read stops start-up, not logins
      }

      Optional<ManagedOpaProcess> managedOpa = Optional.empty();
      Optional<PolicyReloader> policyReloader = Optional.empty();
      URI opaUrl;
      BooleanSupplier opaRunning = () -> true;
      Optional<String> bearerToken = Optional.empty();
      Supplier<String> revision;
      OpaReadinessCheck opaReadiness;
      switch (config.policySource()) {
        case MeshgateConfig.PolicySource.Remote remote -> {
          opaUrl = remote.url();
          bearerToken = remote.bearerToken();
          revision = () -> "remote";
          opaReadiness = OpaReadinessCheck.remote(remote.url(), remote.bearerToken(), READINESS_TIMEOUT);
        }
        case MeshgateConfig.PolicySource.Managed managed -> {
          ManagedOpaProcess opa = ManagedOpaProcess.start(
              managedOpaBinary(managed, repositoryRoot), managed.policiesDirectory(), 0);
          resources.push(opa);
          managedOpa = Optional.of(opa);
          opaUrl = opa.baseUri();
          opaRunning = opa::isAlive;
          // Edits under the policies directory are checked (opa check, opa test) and, when
          // valid, activated in the running OPA; the revision follows what OPA serves.
          PolicyReloader reloader = PolicyReloader.start(opa, change ->
              LOG.info("policies reloaded: revision {} -> {}", change.previousRevision(), change.newRevision()));
          resources.push(reloader);
          policyReloader = Optional.of(reloader);
          revision = opa::revision;
          opaReadiness = OpaReadinessCheck.managed(opa, READINESS_TIMEOUT);
        }
      }
      resources.push(opaReadiness);
      OpaRestConfig opaConfig = new OpaRestConfig(opaUrl, config.decisionPath(), config.policyTimeout(), bearerToken)
          .withServerRunning(opaRunning);
      PolicyEngine opaEngine = new OpaRestPolicyEngine(opaConfig, revision);
      resources.push(opaEngine);
      // Discovery's product descriptions come from the same OPA, kept per revision like decisions.
      ProductMetadataSource productMetadata = new OpaProductMetadataSource(opaConfig, revision);
      if (!config.decisionCacheTtl().isZero()) {
        productMetadata = new CachingProductMetadataSource(productMetadata, config.decisionCacheTtl());
      }
      resources.push(productMetadata);
      // decision_cache.ttl=0s turns the cache off: every statement asks OPA.
      Optional<CachingPolicyEngine> decisionCache = config.decisionCacheTtl().isZero()
          ? Optional.empty()
          : Optional.of(new CachingPolicyEngine(opaEngine, config.decisionCacheTtl()));
      PolicyEngine policyEngine = decisionCache.isPresent() ? decisionCache.get() : opaEngine;

      ProxyMetrics metrics = new ProxyMetrics(new CollectorRegistry(true));
      java.nio.file.Files.createDirectories(config.auditFile().toAbsolutePath().getParent());
      AuditSink auditSink = JsonLinesAuditSink.open(config.auditFile(),
          AuditSinkOptions.defaults().withFsync(config.auditFsync()
              ? AuditSinkOptions.Fsync.ALWAYS
              : AuditSinkOptions.Fsync.NEVER),
          metrics.auditWriteObserver());
      resources.push(auditSink);

      JdbcSchemaCatalog catalog = new JdbcSchemaCatalog(config.backend(), config.metadataCacheTtl());
      resources.push(catalog);
      StatementCache statements = StatementCache.over(catalog, config.backend().database(),
          FunctionAllowlist.builtInAnd(config.allowedExtraFunctions(),
              SettingAllowlist.builtInAnd(config.allowedExtraSettings())), StatementCache.DEFAULT_MAXIMUM_BYTES);
      StatementGovernor governor = new StatementGovernor(statements, policyEngine,
          Optional.of(new DataProductDirectory(productMetadata, catalog, config.backend().database(), policyEngine)),
          Clock.systemUTC());

      ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
      resources.push(workers::shutdownNow);

      decisionCache.ifPresent(cache -> metrics.registerDecisionCache(cache::statistics));
      metrics.registerStatementCache(statements::statistics);
      metrics.registerAuditSink(auditSink);
      MessageMemoryBudget messageBudget = new MessageMemoryBudget(config.messageBudgetBytes(),
          config.largeMessageMinimumRate());
      metrics.registerMessageBudget(messageBudget);
      policyReloader.ifPresent(reloader -> metrics.registerPolicyReload(reloader::status));
      Optional<MetricsHttpServer> metricsServer = Optional.empty();
      if (config.metricsPort().isPresent()) {
        Readiness readiness = new Readiness(List.of(
            opaReadiness,
            new CachedReadinessCheck(
                new BackendReadinessCheck(config.backend().host(), config.backend().port(), READINESS_TIMEOUT),
                BACKEND_CHECK_INTERVAL),
            new AuditSinkReadinessCheck(auditSink)));
        MetricsHttpServer http = new MetricsHttpServer(config.listenHost(), config.metricsPort().get(), metrics, readiness);
        resources.push(http);
        metricsServer = Optional.of(http);
      }

      SessionServices services = new SessionServices(
          new PasswordAuthenticator(users, jwtAuthenticator),
          config.authenticationMethod(),
          config.cleartextWithoutTls(),
          AuthenticationRateLimiter.withDefaults(),
          new BackendConnector(config.backend(), 5_000, config.maxMessageBytes()),
          governor,
          auditSink,
          config.serveWithoutAudit(),
          metrics,
          workers,
          new CancelKeys(),
          Clock.systemUTC(),
          config.backend().database(),
          serverTls(config),
          config.tls().mode() == TlsMode.REQUIRED,
          config.maxMessageBytes(),
          messageBudget,
          config.authenticationTimeout(),
          config.idleTimeout(),
          config.maxHeldAuditEvents());
      ProxyServer server = ProxyServer.start(config.listenHost(), config.listenPort(), services);
      resources.push(server);
      LOG.info("Meshgate listening on {}:{}, backend {}", config.listenHost(), server.port(),
          config.backend().displayName());
      return new Meshgate(resources, server, metricsServer, managedOpa, policyReloader, metrics);
    } catch (IOException | RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  /**
   * The OPA binary for a managed policy source: {@code opa.binary}, else the pinned build of
   * the checkout (policy-engine/bin/ensure-opa builds it when missing).
   */
  public static Path managedOpaBinary(MeshgateConfig.PolicySource.Managed managed, Optional<Path> repositoryRoot)
      throws IOException {
    if (managed.opaBinary().isPresent()) {
      return managed.opaBinary().get();
    }
    return OpaBinary.locate(repositoryRoot.orElseThrow(() -> new IOException(
        "no OPA binary: set opa.binary, or run from a Meshgate checkout so policy-engine/bin/ensure-opa can build it")));
  }

  private static Optional<io.netty.handler.ssl.SslContext> serverTls(MeshgateConfig config) throws IOException {
    if (!config.tls().isEnabled()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ServerTls.build(config.tls()));
    } catch (io.meshgate.proxy.tls.TlsSetupException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  public int port() {
    return server.port();
  }

  public Optional<Integer> metricsPort() {
    return metricsServer.map(MetricsHttpServer::port);
  }

  /** The OPA process this instance manages, if any (tests stop and restart it). */
  public Optional<ManagedOpaProcess> managedOpa() {
    return managedOpa;
  }

  /** Live policy reload of a managed OPA, if any. */
  public Optional<PolicyReloader> policyReloader() {
    return policyReloader;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    closeAll(resources);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}", resource, e);
      }
    }
  }
}
