package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backend that goes away: clients get a clear error, Meshgate keeps running and recovers. */
class BackendOutageIT {
  @TempDir static Path work;
  private static DemoEnvironment demo;

  @BeforeAll
  static void startDemo() throws IOException {
    demo = DemoEnvironment.start(new DemoEnvironment.Settings(
        RepositoryRoot.find().orElseThrow(), work, 0, Optional.empty(), Duration.ofSeconds(5)));
  }

  @AfterAll
  static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  private static Connection connect(String user) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", user);
    properties.setProperty("sslmode", "disable");
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(demo.jdbcUrl(), properties);
  }

  @Test
  void sessionsFailClearlyWhileTheBackendIsDownAndWorkAfterwards() throws Exception {
    Connection carol = connect("carol");
    try (Statement statement = carol.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
      assertTrue(rows.next());
    }
    demo.postgres().stop();
    try {
      SQLException lost = assertThrows(SQLException.class, () -> {
        try (Statement statement = carol.createStatement()) {
          statement.executeQuery("SELECT count(*) FROM sales.stores").close();
        }
      });
      String state = String.valueOf(lost.getSQLState());
      assertTrue(state.startsWith("08") || state.startsWith("57P"), state + ": " + lost.getMessage());
      SQLException refused = assertThrows(SQLException.class, () -> connect("carol").close());
      assertTrue(refused.getMessage().contains("cannot connect to its backend"), refused.getMessage());
    } finally {
      carol.close();
      demo.postgres().start();
    }
    try (Connection again = connect("carol"); Statement statement = again.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.stores")) {
      assertTrue(rows.next());
      assertTrue(rows.getLong(1) > 0);
    }
  }
}
