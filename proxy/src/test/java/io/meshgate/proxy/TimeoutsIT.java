package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** auth.timeout and session.idle_timeout close what would otherwise hold resources forever. */
class TimeoutsIT {
  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withRepositoryPolicies().properties(properties -> {
    properties.setProperty("auth.timeout", "1s");
    properties.setProperty("session.idle_timeout", "2s");
  });

  @Test
  void aClientThatNeverAuthenticatesIsClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", mesh.meshgate().port())) {
      socket.setSoTimeout(10_000);
      byte[] body = "user\0carol\0database\0mesh\0\0".getBytes(StandardCharsets.US_ASCII);
      socket.getOutputStream().write(ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(3 << 16)
          .put(body).array());
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      long start = System.nanoTime();
      for (int b = in.read(); b >= 0; b = in.read()) {
        received.write(b);
      }
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      String text = received.toString(StandardCharsets.ISO_8859_1);
      assertTrue(text.contains("canceling authentication due to timeout"), text);
      assertTrue(seconds < 5, "closed after the 1 s timeout, not later: " + seconds + " s");
    }
  }

  @Test
  void anIdleSessionIsClosedAndABusyOneIsNot() throws Exception {
    try (Connection busy = mesh.connect("carol"); Statement statement = busy.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pg_sleep(3), 1")) {
      assertTrue(rows.next(), "a statement running longer than the idle timeout is not cut");
    }
    try (Connection idle = mesh.connect("carol")) {
      Thread.sleep(3_500);
      SQLException closed = assertThrows(SQLException.class, () -> {
        try (Statement statement = idle.createStatement()) {
          statement.executeQuery("SELECT 1").close();
        }
      });
      String state = String.valueOf(closed.getSQLState());
      assertTrue(List.of("57P05", "08003", "08006").contains(state), state + ": " + closed.getMessage());
    }
  }
}
