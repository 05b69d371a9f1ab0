package io.meshgate.proxy.demo;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.auth.AuthenticationMethod;
import io.meshgate.proxy.auth.CleartextPasswords;
import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import io.meshgate.proxy.backend.BackendEndpoint;
import io.meshgate.proxy.config.ConfigKeys;
import io.meshgate.proxy.config.MeshgateConfig;
import io.meshgate.proxy.memory.MessageMemoryBudget;
import io.meshgate.proxy.tls.SelfSignedCertificates;
import io.meshgate.proxy.tls.TlsMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole demo data mesh running: a local PostgreSQL seeded with the demo data, a managed OPA
 * serving {@code policies/}, and Meshgate in front. Used by {@code meshgate demo} and by the
 * integration tests, so the tests exercise exactly what a newcomer runs.
 */
public final class DemoEnvironment implements AutoCloseable {
  /** A demo user; the password is the user name (demo only). */
  public record DemoUser(String name, List<String> groups, Map<String, Object> attributes, String role) {
    public DemoUser {
      requireNonNull(name, "name is null");
      groups = List.copyOf(groups);
      attributes = Map.copyOf(attributes);
      requireNonNull(role, "role is null");
    }

    public String password() {
      return name;
    }
  }

  public static final List<DemoUser> USERS = List.of(
      new DemoUser("alice", List.of("analysts"), Map.of("region", "EU"), "analyst, EU rows only, PII masked"),
      new DemoUser("bob", List.of("weather_team"), Map.of(), "weather domain team, reads weather.stations_raw"),
      new DemoUser("carol", List.of("data_scientists"), Map.of(), "data scientist, all regions, PII masked"),
      new DemoUser("dave", List.of("auditors"), Map.of(), "auditor, all regions, PII masked"));

  /** How to run the demo. {@code listenPort} and metrics port 0 pick free ports. */
  public record Settings(
      Path repositoryRoot,
      Path workDirectory,
      int listenPort,
      Optional<Integer> metricsPort,
      Duration decisionCacheTtl,
      Optional<Path> policiesDirectory,
      Set<String> allowedExtraFunctions,
      Set<String> allowedExtraSettings) {
    /** Only the built-in setting allowlist. */
    public Settings(
        Path repositoryRoot, Path workDirectory, int listenPort, Optional<Integer> metricsPort, Duration decisionCacheTtl,
        Optional<Path> policiesDirectory, Set<String> allowedExtraFunctions) {
      this(repositoryRoot, workDirectory, listenPort, metricsPort, decisionCacheTtl, policiesDirectory,
          allowedExtraFunctions, Set.of());
    }

    /** Only the built-in function allowlist. */
    public Settings(
        Path repositoryRoot, Path workDirectory, int listenPort, Optional<Integer> metricsPort, Duration decisionCacheTtl,
        Optional<Path> policiesDirectory) {
      this(repositoryRoot, workDirectory, listenPort, metricsPort, decisionCacheTtl, policiesDirectory, Set.of());
    }

    /** Serving the checkout's own policies/. */
    public Settings(
        Path repositoryRoot, Path workDirectory, int listenPort, Optional<Integer> metricsPort, Duration decisionCacheTtl) {
      this(repositoryRoot, workDirectory, listenPort, metricsPort, decisionCacheTtl, Optional.empty());
    }

    public Settings {
      requireNonNull(policiesDirectory, "policiesDirectory is null");
      requireNonNull(repositoryRoot, "repositoryRoot is null");
      requireNonNull(workDirectory, "workDirectory is null");
      requireNonNull(metricsPort, "metricsPort is null");
      requireNonNull(decisionCacheTtl, "decisionCacheTtl is null");
      allowedExtraFunctions = Set.copyOf(requireNonNull(allowedExtraFunctions, "allowedExtraFunctions is null"));
      allowedExtraSettings = Set.copyOf(requireNonNull(allowedExtraSettings, "allowedExtraSettings is null"));
    }
  }

  private final LocalPostgres postgres;
  private final DemoBackend backend;
  private final Meshgate meshgate;
  private final Path auditFile;
  private final Path usersFile;

  private final Path caCertificate;

  private DemoEnvironment(LocalPostgres postgres, DemoBackend backend, Meshgate meshgate, Path auditFile, Path usersFile,
      Path caCertificate) {
    this.caCertificate = caCertificate;
    this.postgres = postgres;
    this.backend = backend;
    this.meshgate = meshgate;
    this.auditFile = auditFile;
    this.usersFile = usersFile;
  }

  public static DemoEnvironment start(Settings settings) throws IOException {
    Files.createDirectories(settings.workDirectory());
    LocalPostgres postgres = LocalPostgres.start(LocalPostgres.Options.defaults());
    try {
      DemoBackend backend = DemoDataMesh.seed(postgres);
      Path usersFile = settings.workDirectory().resolve("users.json");
      writeUsers(usersFile);
      Path auditFile = settings.workDirectory().resolve("audit").resolve("audit.jsonl");
      // A self-signed CA and server certificate, so clients can use sslmode=verify-full.
      SelfSignedCertificates certificates = demoCertificates(settings.workDirectory().resolve("tls"));
      MeshgateConfig config = new MeshgateConfig(
          "127.0.0.1",
          settings.listenPort(),
          settings.metricsPort(),
          certificates.tlsSettings(TlsMode.OPTIONAL),
          new BackendEndpoint(backend.host(), backend.port(), backend.database(), backend.serviceUser(),
              backend.servicePassword()),
          usersFile,
          AuthenticationMethod.SCRAM,
          CleartextPasswords.LOOPBACK,
          Optional.empty(),
          new MeshgateConfig.PolicySource.Managed(
              settings.policiesDirectory().orElse(settings.repositoryRoot().resolve("policies")), Optional.empty()),
          "meshgate/decision",
          Duration.ofSeconds(2),
          settings.decisionCacheTtl(),
          auditFile,
          true,
          false,
          64 * 1024 * 1024,
          MessageMemoryBudget.automaticLimitBytes(64 * 1024 * 1024),
          MessageMemoryBudget.DEFAULT_MINIMUM_ARRIVAL_RATE,
          Duration.ofSeconds(30),
          Duration.ZERO,
          Duration.ofSeconds(60),
          settings.allowedExtraFunctions(),
          settings.allowedExtraSettings(),
          Integer.parseInt(ConfigKeys.AUDIT_MAX_HELD_EVENTS.defaultValue()));
      Meshgate meshgate = Meshgate.start(config, Optional.of(settings.repositoryRoot()));
      return new DemoEnvironment(postgres, backend, meshgate, auditFile, usersFile, certificates.caCertificate());
    } catch (IOException | RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  private static SelfSignedCertificates demoCertificates(Path directory) throws IOException {
    try {
      return SelfSignedCertificates.create(directory, "meshgate-demo", List.of("127.0.0.1", "localhost"));
    } catch (io.meshgate.proxy.tls.TlsSetupException e) {
      throw new IOException("cannot create the demo's TLS certificate: " + e.getMessage(), e);
    }
  }

  private static void writeUsers(Path file) throws IOException {
    SecureRandom random = new SecureRandom();
    UsersFile.of(USERS.stream()
            .map(user -> new UserEntry(user.name(), ScramVerifier.create(user.password(), random), user.groups(),
                user.attributes()))
            .toList())
        .save(file);
  }

  public LocalPostgres postgres() {
    return postgres;
  }

  public DemoBackend backend() {
    return backend;
  }

  public Meshgate meshgate() {
    return meshgate;
  }

  public Path auditFile() {
    return auditFile;
  }

  /** The CA that signed the demo's server certificate, for sslmode=verify-full. */
  public Path caCertificate() {
    return caCertificate;
  }

  public Path usersFile() {
    return usersFile;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + meshgate.port() + "/" + backend.database();
  }

  @Override
  public void close() {
    try {
      meshgate.close();
    } finally {
      postgres.close();
    }
  }
}
