package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A backend that goes away: clients get a clear error, Meshgate keeps running and recovers. */
class BackendOutageIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  @Test
  void sessionsFailClearlyWhileTheBackendIsDownAndWorkAfterwards() throws Exception {
    Connection carol = mesh.connect("carol");
    try (Statement statement = carol.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
      assertTrue(rows.next());
    }
    mesh.environment().postgres().stop();
    try {
      SQLException lost = assertThrows(SQLException.class, () -> {
        try (Statement statement = carol.createStatement()) {
          statement.executeQuery("SELECT count(*) FROM sales.stores").close();
        }
      });
      String state = String.valueOf(lost.getSQLState());
      assertTrue(state.startsWith("08") || state.startsWith("57P"), state + ": " + lost.getMessage());
      SQLException refused = assertThrows(SQLException.class, () -> mesh.connect("carol").close());
      assertTrue(refused.getMessage().contains("cannot connect to its backend"), refused.getMessage());
    } finally {
      carol.close();
      mesh.environment().postgres().start();
    }
    try (Connection again = mesh.connect("carol"); Statement statement = again.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.stores")) {
      assertTrue(rows.next());
      assertTrue(rows.getLong(1) > 0);
    }
  }
}
