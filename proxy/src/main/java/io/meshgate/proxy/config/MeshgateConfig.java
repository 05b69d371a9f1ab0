package io.meshgate.proxy.config;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.auth.AuthenticationMethod;
import io.meshgate.proxy.auth.CleartextPasswords;
import io.meshgate.proxy.auth.JwtSettings;
import io.meshgate.proxy.backend.BackendEndpoint;
import io.meshgate.proxy.tls.TlsSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Everything a Meshgate instance needs to start; built by {@link ConfigLoader} or the demo. */
public record MeshgateConfig(
    String listenHost,
    int listenPort,
    Optional<Integer> metricsPort,
    TlsSettings tls,
    BackendEndpoint backend,
    Path usersFile,
    AuthenticationMethod authenticationMethod,
    CleartextPasswords cleartextWithoutTls,
    Optional<JwtSettings> jwt,
    PolicySource policySource,
    String decisionPath,
    Duration policyTimeout,
    Duration decisionCacheTtl,
    Path auditFile,
    boolean auditFsync,
    boolean serveWithoutAudit,
    int maxMessageBytes,
    long messageBudgetBytes,
    int largeMessageMinimumRate,
    Duration authenticationTimeout,
    Duration idleTimeout,
    Duration metadataCacheTtl,
    Set<String> allowedExtraFunctions,
    Set<String> allowedExtraSettings,
    int maxHeldAuditEvents) {

  public MeshgateConfig {
    requireNonNull(listenHost, "listenHost is null");
    requireNonNull(metricsPort, "metricsPort is null");
    requireNonNull(tls, "tls is null");
    requireNonNull(backend, "backend is null");
    requireNonNull(usersFile, "usersFile is null");
    requireNonNull(authenticationMethod, "authenticationMethod is null");
    requireNonNull(cleartextWithoutTls, "cleartextWithoutTls is null");
    requireNonNull(jwt, "jwt is null");
    if (jwt.isPresent() && authenticationMethod != AuthenticationMethod.PASSWORD) {
      throw new IllegalArgumentException("JWT bearer tokens arrive as passwords: set auth.method=password");
    }
    requireNonNull(policySource, "policySource is null");
    requireNonNull(decisionPath, "decisionPath is null");
    requireNonNull(policyTimeout, "policyTimeout is null");
    requireNonNull(decisionCacheTtl, "decisionCacheTtl is null");
    requireNonNull(auditFile, "auditFile is null");
    if (messageBudgetBytes <= maxMessageBytes) {
      throw new IllegalArgumentException("messageBudgetBytes must hold one message of maxMessageBytes");
    }
    if (largeMessageMinimumRate < 1) {
      throw new IllegalArgumentException("largeMessageMinimumRate must be positive");
    }
    requireNonNull(authenticationTimeout, "authenticationTimeout is null");
    requireNonNull(idleTimeout, "idleTimeout is null");
    requireNonNull(metadataCacheTtl, "metadataCacheTtl is null");
    allowedExtraFunctions = Set.copyOf(requireNonNull(allowedExtraFunctions, "allowedExtraFunctions is null"));
    allowedExtraSettings = Set.copyOf(requireNonNull(allowedExtraSettings, "allowedExtraSettings is null"));
    if (maxHeldAuditEvents < 1) {
      throw new IllegalArgumentException("maxHeldAuditEvents must be at least 1");
    }
  }

  /** Where decisions come from. */
  public sealed interface PolicySource {
    /** An OPA server run by someone else. */
    record Remote(URI url, Optional<String> bearerToken) implements PolicySource {
      public Remote {
        requireNonNull(url, "url is null");
        requireNonNull(bearerToken, "bearerToken is null");
      }
    }

    /** A local OPA process that Meshgate starts, serving a policies directory. */
    record Managed(Path policiesDirectory, Optional<Path> opaBinary) implements PolicySource {
      public Managed {
        requireNonNull(policiesDirectory, "policiesDirectory is null");
        requireNonNull(opaBinary, "opaBinary is null");
      }
    }
  }
}
