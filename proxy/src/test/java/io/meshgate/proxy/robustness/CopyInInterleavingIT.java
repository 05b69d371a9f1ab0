package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededMesh;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * While a COPY FROM STDIN runs, Meshgate relays the client's CopyData straight to the backend.
 * A client that slips another message in between must not have it run inside the copy or pass
 * ungoverned: the copy is aborted (nothing copied), and the message is handled afterwards like
 * any other, so a statement the policy refuses stays refused. carol may copy into
 * sales.stores under the test policy {@code policies/copy-in}.
 */
class CopyInInterleavingIT {
  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withPolicy("/policies/copy-in/copy_in.rego").beforeMeshgate(backend -> {
    try (Connection superuser = backend.backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("GRANT INSERT ON sales.stores TO " + backend.backend().serviceUser());
    }
  });

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aQuerySentDuringCopyAbortsTheCopyAndIsGovernedAfterIt() throws Exception {
    try (RawClient client = RawClient.connect(mesh.meshgate().port(), Duration.ofSeconds(20))) {
      client.authenticate("carol", mesh.backend().backend().database(), "carol", new SecureRandom());
      client.send(FrontendFrames.query("COPY sales.stores (store_id, zip_code, region) FROM STDIN"));
      assertEquals('G', client.read().type(), "CopyInResponse");
      client.send(FrontendFrames.copyData("700001\t00001\tEU\n".getBytes(StandardCharsets.UTF_8)),
          FrontendFrames.query("SELECT pg_read_file('/etc/passwd')"),
          FrontendFrames.copyData("700002\t00002\tEU\n".getBytes(StandardCharsets.UTF_8)),
          FrontendFrames.copyDone());
      List<BackendMessage> copy = client.readThrough('Z');
      assertEquals(List.of('E', 'Z'), copy.stream().map(BackendMessage::type).toList(), copy.toString());
      assertEquals("57014", copy.get(0).sqlState().orElseThrow(), "the copy is aborted: " + copy);
      List<BackendMessage> query = client.readThrough('Z');
      assertEquals(List.of('E', 'Z'), query.stream().map(BackendMessage::type).toList(), query.toString());
      assertEquals("42501", query.get(0).sqlState().orElseThrow(), "refused by Meshgate, not run: " + query);
      assertTrue(query.get(0).toString().contains("pg_read_file"), query.toString());
      // the CopyData and CopyDone after it are ignored, as PostgreSQL ignores them outside a copy
      client.send(FrontendFrames.query("SELECT count(*) FROM sales.stores WHERE store_id >= 700000"));
      List<BackendMessage> count = client.readThrough('Z');
      assertEquals(List.of('T', 'D', 'C', 'Z'), count.stream().map(BackendMessage::type).toList(), count.toString());
      assertEquals("0", count.get(1).column(0));
    }
    assertEquals(0, storesCopied());
  }

  private static long storesCopied() throws SQLException {
    try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement();
        java.sql.ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.stores WHERE store_id >= 700000")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
