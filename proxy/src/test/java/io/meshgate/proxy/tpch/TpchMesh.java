package io.meshgate.proxy.tpch;

import io.meshgate.policy.opa.OpaBinary;
import io.meshgate.policy.tools.PolicyToolResult;
import io.meshgate.policy.tools.PolicyTools;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import io.meshgate.proxy.demo.WorkDirectories;
import io.meshgate.policy.opa.PolicySnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The TPC-H data mesh, started once for every test class that registers this extension and
 * stopped after the last ({@code @RegisterExtension static final TpchMesh tpch = new TpchMesh();}):
 * the demo environment (PostgreSQL, OPA, Meshgate) serving a copy of {@code policies/} plus the
 * test domain {@code tpch}, TPC-H loaded into schema tpch of the demo database, and the native
 * row-level security of {@link NativeRowSecurity}.
 */
public final class TpchMesh implements BeforeAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TpchMesh.class);

  private Running running;

  @Override
  public void beforeAll(ExtensionContext context) {
    running = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Running.class, type -> Running.start(),
        Running.class);
  }

  /** Through Meshgate as a demo user (carol reads every row, alice the analysts' rows), tpch on the search path. */
  public Connection throughMeshgate(String user) throws SQLException {
    return connectToTpch(running.demo.jdbcUrl(), user, user);
  }

  /** A pgjdbc connection without TLS whose search path is tpch (the startup parameter, which Meshgate follows). */
  static Connection connectToTpch(String jdbcUrl, String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("sslmode", "disable");
    properties.setProperty("currentSchema", TpchDatabase.SCHEMA);
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  /** PostgreSQL itself, as its superuser (no row-level security applies). */
  public Connection directAsSuperuser() throws SQLException {
    Connection connection = running.demo.postgres().connectAsSuperuser(running.demo.backend().database());
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET search_path = " + TpchDatabase.SCHEMA);
    }
    return connection;
  }

  /** PostgreSQL itself, as the role with native row-level security. */
  public Connection directAsNativeRole() throws SQLException {
    return connectToTpch(running.demo.backend().jdbcUrl(), NativeRowSecurity.ROLE, NativeRowSecurity.PASSWORD);
  }

  /** opa test of the tpch domain's own tests, on the policies Meshgate serves. */
  public PolicyToolResult domainTests() throws IOException, InterruptedException {
    return PolicyTools.test(running.policies.directory(), OpaBinary.locate(RepositoryRoot.find().orElseThrow()),
        List.of("--run", "data.meshgate.domains.tpch_test"));
  }

  /** One running environment, closed by JUnit with the root context (after the last test class). */
  private static final class Running implements AutoCloseable {
    private final DemoEnvironment demo;
    private final PolicySnapshot policies;
    private final Path work;

    private Running(DemoEnvironment demo, PolicySnapshot policies, Path work) {
      this.demo = demo;
      this.policies = policies;
      this.work = work;
    }

    static Running start() {
      try {
        Path root = RepositoryRoot.find().orElseThrow();
        Path work = Files.createTempDirectory("meshgate-tpch-");
        PolicySnapshot policies = preparePolicies(root);
        DemoEnvironment demo = DemoEnvironment.start(new DemoEnvironment.Settings(
            root, work, 0, Optional.empty(), Duration.ofSeconds(5), Optional.of(policies.directory())));
        try {
          TpchDatabase.load(demo.postgres(), demo.backend());
          NativeRowSecurity.install(demo.postgres(), demo.backend());
        } catch (SQLException | IOException | RuntimeException e) {
          new Running(demo, policies, work).close();
          throw e;
        }
        return new Running(demo, policies, work);
      } catch (SQLException | IOException e) {
        throw new IllegalStateException("cannot start the TPC-H data mesh: " + e.getMessage(), e);
      }
    }

    /** A private copy of the checkout's policies/ plus the tpch domain of the test resources. */
    private static PolicySnapshot preparePolicies(Path root) throws IOException {
      PolicySnapshot snapshot = PolicySnapshot.copy(root.resolve("policies"));
      Path domain = Files.createDirectories(snapshot.directory().resolve("tpch"));
      for (String file : List.of("policy.rego", "policy_test.rego", "data.json")) {
        try (InputStream in = Objects.requireNonNull(TpchMesh.class.getResourceAsStream("policies/tpch/" + file),
            "test resource io/meshgate/proxy/tpch/policies/tpch/" + file + " is missing")) {
          Files.copy(in, domain.resolve(file));
        }
      }
      return snapshot;
    }

    @Override
    public void close() {
      try {
        demo.close();
      } finally {
        policies.close();
        WorkDirectories.deleteQuietly(work);
      }
    }
  }
}
