package io.meshgate.proxy;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.demo.WorkDirectories;
import io.meshgate.proxy.robustness.LeakWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link SeededBackend} and a Meshgate started on it from the test's own configuration, for
 * one test class: {@code @RegisterExtension static final SeededMesh mesh =
 * SeededMesh.withPolicy("/policies/copy-in/copy_in.rego").properties(p -> p.setProperty(…))}.
 *
 * <p>It owns the order: a temporary directory, the seeded backend, the test's preparations
 * (grants, tables, files Meshgate reads), then Meshgate; on the way back every Meshgate started
 * on the backend, the backend, then the directory. A start that fails part way stops what it
 * started before the failure is reported.
 */
public final class SeededMesh implements BeforeAllCallback, AfterAllCallback {
  /** Work on the seeded backend before Meshgate starts: grants, tables, files it reads. */
  @FunctionalInterface
  public interface Preparation {
    void prepare(SeededBackend backend) throws Exception;
  }

  /** What starts after the backend. */
  private enum Start { MESHGATE_WITH_REPOSITORY_POLICIES, MESHGATE_WITH_TEST_POLICY, BACKEND_ONLY }

  private final Start start;
  private final Optional<String> policyResource;
  private final List<String> users;
  private final List<Preparation> preparations;
  private final List<Consumer<Properties>> propertyEdits;
  private final boolean watchingLeaks;
  private Path directory;
  private LeakWatch leaks;
  private SeededBackend backend;
  private Meshgate meshgate;

  private SeededMesh(Start start, Optional<String> policyResource, List<String> users,
      List<Preparation> preparations, List<Consumer<Properties>> propertyEdits, boolean watchingLeaks) {
    this.start = requireNonNull(start, "start is null");
    this.policyResource = requireNonNull(policyResource, "policyResource is null");
    this.users = List.copyOf(users);
    this.preparations = List.copyOf(preparations);
    this.propertyEdits = List.copyOf(propertyEdits);
    this.watchingLeaks = watchingLeaks;
  }

  /** Meshgate serving the checkout's {@code policies/}. */
  public static SeededMesh withRepositoryPolicies() {
    return new SeededMesh(Start.MESHGATE_WITH_REPOSITORY_POLICIES, Optional.empty(), List.of(), List.of(), List.of(), false);
  }

  /**
   * Meshgate serving only the test's own policy: {@code resource}, a Rego file on the test class
   * path ({@code /policies/<test>/<file>.rego}).
   */
  public static SeededMesh withPolicy(String resource) {
    return new SeededMesh(Start.MESHGATE_WITH_TEST_POLICY, Optional.of(resource), List.of(), List.of(), List.of(), false);
  }

  /** Only the backend: each test starts the Meshgates it needs with {@link SeededBackend#startMeshgate}. */
  public static SeededMesh backendOnly() {
    return new SeededMesh(Start.BACKEND_ONLY, Optional.empty(), List.of(), List.of(), List.of(), false);
  }

  /** The users file holds these demo users (password = name) instead of carol alone. */
  public SeededMesh users(String... names) {
    return new SeededMesh(start, policyResource, List.of(names), preparations, propertyEdits, watchingLeaks);
  }

  /** Runs {@code preparation} once the backend is seeded, before Meshgate starts. */
  public SeededMesh beforeMeshgate(Preparation preparation) {
    List<Preparation> more = new ArrayList<>(preparations);
    more.add(requireNonNull(preparation, "preparation is null"));
    return new SeededMesh(start, policyResource, users, more, propertyEdits, watchingLeaks);
  }

  /** Changes Meshgate's configuration ({@link SeededBackend#properties}) before it starts. */
  public SeededMesh properties(Consumer<Properties> edit) {
    List<Consumer<Properties>> more = new ArrayList<>(propertyEdits);
    more.add(requireNonNull(edit, "edit is null"));
    return new SeededMesh(start, policyResource, users, preparations, more, watchingLeaks);
  }

  /**
   * Watches for leaked Netty buffers from before the backend starts (so every line the server
   * logs is seen) until after it stopped, and fails the class if one leaked.
   */
  public SeededMesh watchingLeaks() {
    return new SeededMesh(start, policyResource, users, preparations, propertyEdits, true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    try {
      startAll();
    } catch (Exception | Error e) {
      try {
        stop(e);
      } catch (RuntimeException | Error stopping) {
        e.addSuppressed(stopping);
      }
      throw e;
    }
  }

  private void startAll() throws Exception {
    directory = Files.createTempDirectory("meshgate-seeded-");
    if (watchingLeaks) {
      leaks = LeakWatch.start();
    }
    backend = SeededBackend.start(directory);
    if (!users.isEmpty()) {
      backend.saveUsers(users);
    }
    for (Preparation preparation : preparations) {
      preparation.prepare(backend);
    }
    if (start == Start.BACKEND_ONLY) {
      return;
    }
    Properties properties = backend.properties();
    if (start == Start.MESHGATE_WITH_TEST_POLICY) {
      properties.setProperty("opa.policies", backend.copyPolicy(policyResource.orElseThrow()).toString());
    }
    propertyEdits.forEach(edit -> edit.accept(properties));
    meshgate = backend.startMeshgate(properties);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop(null);
  }

  /**
   * Stops what started, in reverse order: the Meshgates and the backend, the leak watch (which
   * fails the class on a leak, unless a failed start is already being reported), the directory.
   */
  private void stop(Throwable underWay) {
    meshgate = null;
    try {
      if (backend != null) {
        backend.close(); // and every Meshgate started on it
      }
    } finally {
      backend = null;
      try {
        if (leaks != null) {
          try {
            if (underWay == null) {
              leaks.assertNoLeaks();
            }
          } finally {
            leaks.close();
          }
        }
      } finally {
        leaks = null;
        if (directory != null) {
          WorkDirectories.deleteQuietly(directory); // users file, audit logs, policy copies
          directory = null;
        }
      }
    }
  }

  /** The Meshgate started for the class (not with {@link #backendOnly()}). */
  public Meshgate meshgate() {
    if (meshgate == null) {
      throw new IllegalStateException("no Meshgate runs: SeededMesh.backendOnly() starts none");
    }
    return meshgate;
  }

  /** The watch {@link #watchingLeaks()} opened: it also keeps the lines the server logged. */
  public LeakWatch leakWatch() {
    if (leaks == null) {
      throw new IllegalStateException("no leak watch: SeededMesh.watchingLeaks() opens one");
    }
    return leaks;
  }

  public SeededBackend backend() {
    return backend;
  }

  /** The directory Meshgate's relative paths (users file, audit log, policies) resolve against. */
  public Path directory() {
    return directory;
  }

  /** A pgjdbc connection through {@link #meshgate()} as {@code user} (password = name), without TLS. */
  public Connection connect(String user, String... extraProperties) throws SQLException {
    return DemoLogins.connect("jdbc:postgresql://127.0.0.1:" + meshgate().port() + "/mesh", user, extraProperties);
  }
}
