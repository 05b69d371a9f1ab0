package io.meshgate.proxy;

import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.config.ConfigLoader;
import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.DemoDataMesh;
import io.meshgate.proxy.demo.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL seeded with the demo data mesh plus the files a Meshgate config points at
 * (backend password, users file with carol), for tests that start Meshgate from their own
 * configuration rather than the demo's.
 */
public final class SeededBackend implements AutoCloseable {
  private final Path directory;
  private final LocalPostgres postgres;
  private final DemoBackend backend;
  /** Started by {@link #startMeshgate}, stopped by {@link #close} before the backend. */
  private final java.util.Deque<Meshgate> started = new java.util.ArrayDeque<>();

  private SeededBackend(Path directory, LocalPostgres postgres, DemoBackend backend) {
    this.directory = directory;
    this.postgres = postgres;
    this.backend = backend;
  }

  public static SeededBackend start(Path directory) throws IOException {
    LocalPostgres postgres = LocalPostgres.start(LocalPostgres.Options.defaults());
    DemoBackend backend = DemoDataMesh.seed(postgres);
    Files.writeString(directory.resolve("backend.password"), backend.servicePassword());
    UsersFile.of(List.of(new UserEntry("carol", ScramVerifier.create("carol", new SecureRandom()),
        List.of("data_scientists"), Map.of()))).save(directory.resolve("users.json"));
    return new SeededBackend(directory, postgres, backend);
  }

  /** A complete configuration (free port, no metrics, the checkout's policies) to adjust. */
  public Properties properties() {
    Properties properties = new Properties();
    properties.setProperty("listen.port", "0");
    properties.setProperty("metrics.port", "off");
    properties.setProperty("backend.host", backend.host());
    properties.setProperty("backend.port", String.valueOf(backend.port()));
    properties.setProperty("backend.database", backend.database());
    properties.setProperty("backend.user", backend.serviceUser());
    properties.setProperty("backend.password_file", "backend.password");
    properties.setProperty("users.file", "users.json");
    properties.setProperty("opa.policies", RepositoryRoot.find().orElseThrow().resolve("policies").toString());
    properties.setProperty("audit.file", "audit.jsonl");
    return properties;
  }

  /** Meshgate started in this JVM from {@code properties} (paths relative to the directory). */
  public Meshgate startMeshgate(Properties properties) throws Exception {
    Meshgate meshgate = Meshgate.start(ConfigLoader.fromProperties(properties, directory), RepositoryRoot.find());
    started.push(meshgate);
    return meshgate;
  }

  /**
   * Meshgate serving only the test's own policy: {@code resource}, a Rego file on the test class
   * path ({@code /policies/<test>/<file>.rego}), copied into this backend's directory.
   */
  public Meshgate startMeshgateWithPolicy(String resource) throws Exception {
    return startMeshgateWithPolicy(resource, new Properties());
  }

  /** Like {@link #startMeshgateWithPolicy(String)}, with {@code settings} added to the configuration. */
  public Meshgate startMeshgateWithPolicy(String resource, Properties settings) throws Exception {
    Path policies = Files.createDirectories(directory.resolve("policies"));
    try (java.io.InputStream policy = SeededBackend.class.getResourceAsStream(resource)) {
      Files.copy(java.util.Objects.requireNonNull(policy, resource + " is not on the test class path"),
          policies.resolve(Path.of(resource).getFileName().toString()));
    }
    Properties properties = properties();
    properties.setProperty("opa.policies", policies.toString());
    properties.putAll(settings);
    return startMeshgate(properties);
  }

  /** Through {@code meshgate} as {@code user} (password = name), in pgjdbc's query {@code mode}. */
  public static java.sql.Connection connect(Meshgate meshgate, String user, String mode) throws java.sql.SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", user);
    properties.setProperty("sslmode", "disable");
    properties.setProperty("preferQueryMode", mode);
    return java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + meshgate.port() + "/mesh", properties);
  }

  /** The backend itself, as its superuser: to grant, seed and check what the tests did. */
  public java.sql.Connection backendAsSuperuser() throws java.sql.SQLException {
    return postgres.connectAsSuperuser(backend.database());
  }

  public DemoBackend backend() {
    return backend;
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    // Meshgate.close is idempotent: a test may have closed its own already
    while (!started.isEmpty()) {
      started.pop().close();
    }
    postgres.close();
  }
}
