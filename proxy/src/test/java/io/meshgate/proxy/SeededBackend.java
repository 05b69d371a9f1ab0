package io.meshgate.proxy;

import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.config.ConfigLoader;
import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.DemoDataMesh;
import io.meshgate.proxy.demo.DemoEnvironment;
import io.meshgate.proxy.demo.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
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
    try {
      DemoBackend backend = DemoDataMesh.seed(postgres);
      Files.writeString(directory.resolve("backend.password"), backend.servicePassword());
      SeededBackend seeded = new SeededBackend(directory, postgres, backend);
      seeded.saveUsers(List.of("carol"));
      return seeded;
    } catch (IOException | RuntimeException | Error e) {
      postgres.close(); // nobody else holds it yet
      throw e;
    }
  }

  /** Writes the users file Meshgate reads: these demo users (password = name), no others. */
  public void saveUsers(List<String> names) throws IOException {
    SecureRandom random = new SecureRandom();
    List<UserEntry> entries = new java.util.ArrayList<>();
    for (String name : names) {
      DemoEnvironment.DemoUser user = DemoEnvironment.USERS.stream().filter(demo -> demo.name().equals(name))
          .findFirst().orElseThrow(() -> new IllegalArgumentException(name + " is no demo user"));
      entries.add(new UserEntry(name, ScramVerifier.create(user.password(), random), user.groups(), user.attributes()));
    }
    UsersFile.of(entries).save(directory.resolve("users.json"));
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
   * Copies {@code resource}, a Rego file on the test class path ({@code /policies/<test>/<file>.rego}),
   * into this backend's {@code policies} directory and returns that directory, for opa.policies.
   */
  public Path copyPolicy(String resource) throws IOException {
    Path policies = Files.createDirectories(directory.resolve("policies"));
    try (java.io.InputStream policy = SeededBackend.class.getResourceAsStream(resource)) {
      Files.copy(java.util.Objects.requireNonNull(policy, resource + " is not on the test class path"),
          policies.resolve(Path.of(resource).getFileName().toString()));
    }
    return policies;
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
