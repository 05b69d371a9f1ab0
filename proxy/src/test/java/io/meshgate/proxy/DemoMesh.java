package io.meshgate.proxy;

import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import io.meshgate.proxy.demo.WorkDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The demo data mesh for one test class ({@code @RegisterExtension static DemoMesh demo = …}):
 * PostgreSQL, OPA and Meshgate exactly as {@code meshgate demo} runs them, on free ports.
 */
public final class DemoMesh implements BeforeAllCallback, AfterAllCallback {
  /**
   * alice's view of sales.store_transactions written out for the superuser (her region, EU, and
   * her e-mail mask), so expected rows come from outside Meshgate.
   */
  public static final String ALICES_TRANSACTIONS = "(SELECT transaction_id, store_id, day, amount,"
      + " regexp_replace(regexp_replace(customer_email, '^[^@]*$', 'xxxx'), '^.*@', 'xxxx@') AS customer_email,"
      + " region FROM sales.store_transactions WHERE region = 'EU') AS store_transactions";

  /** Changes a copy of policies/ before Meshgate serves it. */
  @FunctionalInterface
  public interface PolicyEdit {
    void edit(Path policies) throws IOException;
  }

  private final Duration decisionCacheTtl;
  private final Optional<Integer> metricsPort;
  private final Optional<PolicyEdit> policyEdit;
  private final Set<String> allowedExtraFunctions;
  private final Set<String> allowedExtraSettings;
  private Path work;
  private DemoEnvironment environment;

  private DemoMesh(Duration decisionCacheTtl, Optional<Integer> metricsPort, Optional<PolicyEdit> policyEdit) {
    this(decisionCacheTtl, metricsPort, policyEdit, Set.of(), Set.of());
  }

  private DemoMesh(Duration decisionCacheTtl, Optional<Integer> metricsPort, Optional<PolicyEdit> policyEdit,
      Set<String> allowedExtraFunctions, Set<String> allowedExtraSettings) {
    this.decisionCacheTtl = decisionCacheTtl;
    this.metricsPort = metricsPort;
    this.policyEdit = policyEdit;
    this.allowedExtraFunctions = allowedExtraFunctions;
    this.allowedExtraSettings = allowedExtraSettings;
  }

  /** The standard mesh with {@code functions} added to the allowlist (functions.allowed_extra). */
  public static DemoMesh standardAllowing(String... functions) {
    return new DemoMesh(Duration.ofSeconds(5), Optional.empty(), Optional.empty(), Set.of(functions), Set.of());
  }

  /** The standard mesh with {@code settings} added to the setting allowlist (settings.allowed_extra). */
  public static DemoMesh standardAllowingSettings(String... settings) {
    return new DemoMesh(Duration.ofSeconds(5), Optional.empty(), Optional.empty(), Set.of(), Set.of(settings));
  }

  /**
   * Every statement asks OPA, which serves a copy of {@code policies/} that the test may edit
   * ({@link #policiesDirectory()}); Meshgate reloads it as in production.
   */
  public static DemoMesh withEditablePolicies() {
    return uncachedWithEditedPolicies(policies -> { });
  }

  /** The policies OPA serves: the repository's, or the editable copy. */
  public Path policiesDirectory() {
    return policyEdit.isPresent() ? work.resolve("policies") : RepositoryRoot.find().orElseThrow().resolve("policies");
  }

  public static DemoMesh standard() {
    return new DemoMesh(Duration.ofSeconds(5), Optional.empty(), Optional.empty());
  }

  /** Every statement asks OPA, and metrics are served on a free port. */
  public static DemoMesh uncachedWithMetrics() {
    return new DemoMesh(Duration.ZERO, Optional.of(0), Optional.empty());
  }

  /** Every statement asks OPA, which serves a copy of policies/ changed by {@code edit}. */
  public static DemoMesh uncachedWithEditedPolicies(PolicyEdit edit) {
    return new DemoMesh(Duration.ZERO, Optional.empty(), Optional.of(edit));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    work = Files.createTempDirectory("meshgate-it-");
    Path root = RepositoryRoot.find().orElseThrow();
    Optional<Path> policies = Optional.empty();
    if (policyEdit.isPresent()) {
      Path copy = work.resolve("policies");
      copyPolicies(root.resolve("policies"), copy);
      policyEdit.get().edit(copy);
      policies = Optional.of(copy);
    }
    environment = DemoEnvironment.start(new DemoEnvironment.Settings(
        root, work.resolve("demo"), 0, metricsPort, decisionCacheTtl, policies, allowedExtraFunctions,
        allowedExtraSettings));
  }

  private static void copyPolicies(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.filter(path -> !path.toString().contains("/target")).toList()) {
        Path copied = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copied);
        } else {
          Files.copy(file, copied, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (environment != null) {
      environment.close();
    }
    if (work != null) {
      WorkDirectories.deleteQuietly(work); // audit log, certificates, users file, policy copy
    }
  }

  public DemoEnvironment environment() {
    return environment;
  }

  /** A pgjdbc connection as a demo user (password = user name), without TLS. */
  public Connection connect(String user, String... extraProperties) throws SQLException {
    return DemoLogins.connect(environment.jdbcUrl(), user, extraProperties);
  }

  /** The backend itself, as its superuser: the truth to compare governed results with. */
  public Connection backendAsSuperuser() throws SQLException {
    return environment.postgres().connectAsSuperuser(environment.backend().database());
  }

  /** The first column of every row of {@code sql}, read from the backend as its superuser. */
  public List<String> backendColumn(String sql) throws SQLException {
    try (Connection backend = backendAsSuperuser()) {
      return column(backend, sql);
    }
  }

  /** Every row of {@code sql}, read from the backend as its superuser. */
  public List<List<String>> backendRows(String sql) throws SQLException {
    try (Connection backend = backendAsSuperuser()) {
      return ResultRows.of(backend, sql);
    }
  }

  /**
   * What alice gets for {@code sql} (which reads {@code FROM sales.store_transactions}) through
   * Meshgate in pgjdbc's {@code mode} ("simple" or "extended"), checked to equal what the
   * superuser gets over {@link #ALICES_TRANSACTIONS} and to be more than one row.
   */
  public List<List<String>> alicesTransactionRows(String mode, String sql) throws SQLException {
    List<List<String>> byHand = alicesTransactionRowsByHand(sql);
    try (Connection alice = connect("alice", "preferQueryMode", mode)) {
      List<List<String>> governed = ResultRows.of(alice, sql);
      org.junit.jupiter.api.Assertions.assertEquals(byHand, governed);
      org.junit.jupiter.api.Assertions.assertTrue(governed.size() > 1, governed.toString());
      return governed;
    }
  }

  /**
   * Adds {@code column} (a column definition) to sales.store_transactions as the backend's
   * superuser. The sales domain's data.json does not describe it, so the policies deny it to
   * everyone (global.undeclared_columns): a denied column for a test to reach.
   */
  public void addUndeclaredTransactionsColumn(String column) throws SQLException {
    try (Connection backend = backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute("ALTER TABLE sales.store_transactions ADD COLUMN " + column);
    }
  }

  /** What the superuser gets for {@code sql} with sales.store_transactions replaced by {@link #ALICES_TRANSACTIONS}. */
  public List<List<String>> alicesTransactionRowsByHand(String sql) throws SQLException {
    return backendRows(sql.replace("FROM sales.store_transactions", "FROM " + ALICES_TRANSACTIONS));
  }

  /** The first column of what {@code sql} returns on {@code connection}, as text. */
  public static List<String> column(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
