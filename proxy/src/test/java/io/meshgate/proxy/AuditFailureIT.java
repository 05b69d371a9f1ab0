package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.config.ConfigLoader;
import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.DemoDataMesh;
import io.meshgate.proxy.demo.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit log that cannot be written (/dev/full): by default no statement runs without its
 * event (invariant 5); audit.on_failure=serve keeps serving, as an operator may choose.
 */
class AuditFailureIT {
  @TempDir static Path work;
  private static SeededBackend backend;

  @BeforeAll
  static void startBackend() throws Exception {
    backend = SeededBackend.start(work);
  }

  @AfterAll
  static void stopBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  private static Meshgate start(String onFailure) throws Exception {
    Properties properties = backend.properties();
    properties.setProperty("audit.file", "/dev/full");
    properties.setProperty("audit.fsync", "never");
    properties.setProperty("audit.on_failure", onFailure);
    return backend.startMeshgate(properties);
  }

  private static Connection connect(Meshgate meshgate) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "carol");
    properties.setProperty("password", "carol");
    properties.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + meshgate.port() + "/mesh", properties);
  }

  @Test
  void byDefaultNothingRunsUnaudited() throws Exception {
    try (Meshgate meshgate = start("refuse")) {
      // pgjdbc's first statement (SET application_name) runs, but its event cannot be
      // written: the client is told, after its results.
      SQLException first = assertThrows(SQLException.class, () -> connect(meshgate).close());
      assertEquals("58030", first.getSQLState(), first.getMessage());
      // From then on the sink is unhealthy: statements are refused before they run.
      SQLException next = assertThrows(SQLException.class, () -> connect(meshgate).close());
      assertEquals("58030", next.getSQLState());
      assertTrue(next.getMessage().contains("audit log cannot be written"), next.getMessage());
    }
  }

  @Test
  void operatorsMayChooseToKeepServing() throws Exception {
    try (Meshgate meshgate = start("serve"); Connection carol = connect(meshgate);
        Statement statement = carol.createStatement()) {
      for (int i = 0; i < 3; i++) {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.stores")) {
          assertTrue(rows.next());
          assertTrue(rows.getLong(1) > 0);
        }
      }
      assertTrue(meshgate.metrics().registry().getSampleValue("meshgate_audit_failures_total") >= 3);
    }
  }
}
