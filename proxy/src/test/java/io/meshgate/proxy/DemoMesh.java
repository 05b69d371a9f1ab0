package io.meshgate.proxy;

import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The demo data mesh for one test class ({@code @RegisterExtension static DemoMesh demo = …}):
 * PostgreSQL, OPA and Meshgate exactly as {@code meshgate demo} runs them, on free ports.
 */
public final class DemoMesh implements BeforeAllCallback, AfterAllCallback {
  private final Duration decisionCacheTtl;
  private final Optional<Integer> metricsPort;
  private Path work;
  private DemoEnvironment environment;

  private DemoMesh(Duration decisionCacheTtl, Optional<Integer> metricsPort) {
    this.decisionCacheTtl = decisionCacheTtl;
    this.metricsPort = metricsPort;
  }

  public static DemoMesh standard() {
    return new DemoMesh(Duration.ofSeconds(5), Optional.empty());
  }

  /** Every statement asks OPA, and metrics are served on a free port. */
  public static DemoMesh uncachedWithMetrics() {
    return new DemoMesh(Duration.ZERO, Optional.of(0));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    work = Files.createTempDirectory("meshgate-it-");
    environment = DemoEnvironment.start(new DemoEnvironment.Settings(
        RepositoryRoot.find().orElseThrow(), work, 0, metricsPort, decisionCacheTtl));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (environment != null) {
      environment.close();
    }
  }

  public DemoEnvironment environment() {
    return environment;
  }

  /** A pgjdbc connection as a demo user (password = user name), without TLS. */
  public Connection connect(String user, String... extraProperties) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", user);
    properties.setProperty("sslmode", "disable");
    for (int i = 0; i < extraProperties.length; i += 2) {
      properties.setProperty(extraProperties[i], extraProperties[i + 1]);
    }
    return DriverManager.getConnection(environment.jdbcUrl(), properties);
  }

  /** The backend itself, as its superuser: the truth to compare governed results with. */
  public Connection backendAsSuperuser() throws SQLException {
    return environment.postgres().connectAsSuperuser(environment.backend().database());
  }
}
