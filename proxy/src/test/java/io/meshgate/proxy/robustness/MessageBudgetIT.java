package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededMesh;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Meshgate whose message memory budget (8 MiB) holds one 5 MiB message but not two:
 * real clients sending large messages at once get 53200 for the ones that do not fit, the others
 * run, the process goes on serving, and every byte comes back to the budget. What the budget
 * holds is read from the metric Prometheus scrapes, in this JVM.
 */
class MessageBudgetIT {
  private static final long BUDGET = 8L << 20;
  private static final int LARGE_TEXT = 5 << 20;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withRepositoryPolicies().properties(properties -> {
    properties.setProperty("protocol.max_message_bytes", String.valueOf(6 << 20));
    properties.setProperty("protocol.message_budget_bytes", String.valueOf(BUDGET));
  });

  @Test
  void largeMessagesBeyondTheBudgetAreRefusedWhileTheOthersRunAndTheBudgetComesBack() throws Exception {
    double refusalsBefore = metric("meshgate_message_budget_refusals_total");
    try (RawClient holder = authenticated(); RawClient refused = authenticated()) {
      // The holder's 5 MiB Query has begun to arrive: Meshgate has taken its bytes from the budget.
      byte[] held = query("SELECT 'held' AS which -- ", LARGE_TEXT);
      holder.send(Arrays.copyOfRange(held, 0, 64 << 10));
      awaitUsedBytes(held.length);

      // A second 5 MiB Query does not fit: refused before its body is even sent, unread.
      byte[] tooMuch = query("SELECT 'refused' AS which -- ", LARGE_TEXT);
      refused.send(Arrays.copyOfRange(tooMuch, 0, 1024));
      BackendMessage error = firstError(refused.readThrough('Z'));
      assertEquals("53200", error.sqlState().orElseThrow(), error::toString);
      assertTrue(error.field('M').orElseThrow().contains("protocol.message_budget_bytes"), error::toString);
      // The rest of it is skipped as it arrives, and the session reads on in step.
      refused.send(Arrays.copyOfRange(tooMuch, 1024, tooMuch.length));
      refused.send(FrontendFrames.query("SELECT 'after' AS which"));
      assertEquals(List.of("after"), values(refused.readThrough('Z')));

      // pgjdbc binding 1 MiB fits beside the held message; binding 4 MiB does not, and its
      // connection goes on.
      try (Connection carol = mesh.connect("carol")) {
        assertEquals(1 << 20, length(carol, "y".repeat(1 << 20)));
        SQLException refusal = assertThrows(SQLException.class, () -> length(carol, "z".repeat(4 << 20)));
        assertEquals("53200", refusal.getSQLState(), refusal::getMessage);
        assertEquals(3, length(carol, "abc"));
      }

      // The holder's message completes and runs.
      holder.send(Arrays.copyOfRange(held, 64 << 10, held.length));
      assertEquals(List.of("held"), values(holder.readThrough('Z')));
    }

    awaitUsedBytes(0);
    assertEquals(refusalsBefore + 2, metric("meshgate_message_budget_refusals_total"));
    try (Connection newcomer = mesh.connect("carol"); Statement statement = newcomer.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM weather.daily_temperatures")) {
      assertTrue(rows.next() && rows.getLong(1) > 0, "a new session is served");
    }
    // Invariant 5: the refused Bind is audited with the statement it named, refused with 53200.
    String audit = Files.readString(mesh.directory().resolve("audit.jsonl"), StandardCharsets.UTF_8);
    assertTrue(audit.lines().anyMatch(line -> line.contains("\"53200\"") && line.contains("length")), audit);
  }

  @Test
  void aLargeParseBeyondTheBudgetIsRefusedAndTheExtendedProtocolSkipsToSync() throws Exception {
    try (RawClient holder = authenticated(); RawClient client = authenticated()) {
      byte[] held = query("SELECT 'held' AS which -- ", LARGE_TEXT);
      holder.send(Arrays.copyOfRange(held, 0, 64 << 10));
      awaitUsedBytes(held.length);

      // A named statement prepared before, then a 5 MiB Parse of the same name in a pipeline.
      client.send(FrontendFrames.parse("kept", "SELECT 'kept' AS which"), FrontendFrames.sync());
      client.readThrough('Z');
      String padded = "SELECT 'replaced' AS which -- " + "x".repeat(LARGE_TEXT);
      client.send(FrontendFrames.parse("kept", padded), FrontendFrames.bind("", "kept", List.of()),
          FrontendFrames.execute("", 0), FrontendFrames.sync());
      List<BackendMessage> answer = client.readThrough('Z');
      assertEquals("53200", firstError(answer).sqlState().orElseThrow(), answer::toString);
      assertTrue(answer.stream().noneMatch(message -> message.type() == 'D'), "nothing ran: " + answer);

      // The name still means what it meant: the refused Parse reached neither Meshgate nor the backend.
      client.send(FrontendFrames.bind("", "kept", List.of()), FrontendFrames.execute("", 0), FrontendFrames.sync());
      assertEquals(List.of("kept"), values(client.readThrough('Z')));
      holder.send(Arrays.copyOfRange(held, 64 << 10, held.length));
      assertEquals(List.of("held"), values(holder.readThrough('Z')));
    }
    awaitUsedBytes(0);
  }

  @Test
  void aClientGoneInTheMiddleOfALargeMessageGivesItsBytesBack() throws Exception {
    try (RawClient leaving = authenticated()) {
      byte[] large = query("SELECT 1 -- ", LARGE_TEXT);
      leaving.send(Arrays.copyOfRange(large, 0, 1 << 20));
      awaitUsedBytes(large.length);
      leaving.reset();
    }
    awaitUsedBytes(0);
  }

  @Test
  void largeMessagesWithinTheBudgetRunOneAfterAnother() throws Exception {
    try (RawClient client = authenticated()) {
      for (int round = 0; round < 3; round++) {
        client.send(query("SELECT 'round " + round + "' AS which -- ", LARGE_TEXT));
        assertEquals(List.of("round " + round), values(client.readThrough('Z')));
      }
    }
    awaitUsedBytes(0);
  }

  @Test
  void largeCopyDataBeyondTheBudgetAbortsTheCopyWith53200AndTheSessionGoesOn() throws Exception {
    // CopyFromStdinIT's policy: carol may copy into sales.stores unrestricted.
    Path policies = Files.createDirectories(mesh.directory().resolve("copy-policies"));
    try (InputStream policy = MessageBudgetIT.class.getResourceAsStream("/policies/copy-in/copy_in.rego")) {
      Files.copy(policy, policies.resolve("copy_in.rego"));
    }
    try (Connection superuser = mesh.backend().backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute("GRANT INSERT ON sales.stores TO " + mesh.backend().backend().serviceUser());
    }
    Properties properties = mesh.backend().properties();
    properties.setProperty("protocol.max_message_bytes", String.valueOf(6 << 20));
    properties.setProperty("protocol.message_budget_bytes", String.valueOf(BUDGET));
    properties.setProperty("opa.policies", policies.toString());
    properties.setProperty("audit.file", "audit-copy.jsonl");
    try (Meshgate copying = mesh.backend().startMeshgate(properties)) {
      copyBeyondTheBudget(copying);
      awaitUsedBytes(copying, 0);
    }
  }

  /**
   * A client that sends a large message's header and then a byte now and then holds its
   * reservation, and so starves every other client's large messages, only until the message's
   * arrival limit: then its session ends with 08P01 naming the setting and the bytes come back.
   */
  @Test
  void aMessageTrickledAfterItsHeaderEndsItsSessionAtItsLimitAndTheBudgetComesBack() throws Exception {
    Properties properties = mesh.backend().properties();
    properties.setProperty("protocol.max_message_bytes", String.valueOf(6 << 20));
    properties.setProperty("protocol.message_budget_bytes", String.valueOf(BUDGET));
    // 100 MiB a second: the limit of a 5 MiB message is the 10 s grace and 50 ms.
    properties.setProperty("protocol.large_message_min_rate", String.valueOf(100 << 20));
    properties.setProperty("audit.file", "audit-trickle.jsonl");
    try (Meshgate trickled = mesh.backend().startMeshgate(properties);
        RawClient trickler = authenticated(trickled); RawClient other = authenticated(trickled)) {
      byte[] large = query("SELECT 'trickled' AS which -- ", LARGE_TEXT);
      long headerSent = System.nanoTime();
      trickler.send(Arrays.copyOfRange(large, 0, 64 << 10));
      awaitUsedBytes(trickled, large.length);

      // Meanwhile another client's large message has no room.
      other.send(query("SELECT 'starved' AS which -- ", LARGE_TEXT));
      assertEquals("53200", firstError(other.readThrough('Z')).sqlState().orElseThrow());

      // A byte every half second for 5 s, then nothing: the session ends at the limit either way.
      for (int offset = 64 << 10; offset < (64 << 10) + 10; offset++) {
        trickler.send(Arrays.copyOfRange(large, offset, offset + 1));
        Thread.sleep(500);
      }
      RawClient.Drained ended = trickler.drain(Duration.ofSeconds(30));
      long elapsedMillis = Duration.ofNanos(System.nanoTime() - headerSent).toMillis();
      assertEquals(RawClient.End.CLOSED, ended.end());
      assertTrue(ended.containsSqlState("08P01"), "08P01 in " + new String(ended.bytes(), StandardCharsets.UTF_8));
      assertTrue(new String(ended.bytes(), StandardCharsets.UTF_8).contains("protocol.large_message_min_rate"));
      assertTrue(elapsedMillis >= 10_050 && elapsedMillis < 20_000, "ended after " + elapsedMillis + " ms");
      awaitUsedBytes(trickled, 0);

      // A large message sent at once by the other client runs now.
      other.send(query("SELECT 'fast' AS which -- ", LARGE_TEXT));
      assertEquals(List.of("fast"), values(other.readThrough('Z')));
    }
  }

  /**
   * One session's share of the budget is bounded without a cap of its own: a client pipelining
   * 30 large queries behind a slow statement holds the ones Meshgate took in before its pipeline
   * filled (1 MiB), the one arriving then and the header after it; not all 30. Those wait past
   * their arrival limit (10.2 s) because Meshgate stopped reading, not the client: the session
   * is not ended, and all run once the statement is done.
   */
  @Test
  void aSessionPipeliningLargeMessagesBehindASlowStatementHoldsOnlyAFewAndIsNotEnded() throws Exception {
    int count = 30;
    java.io.ByteArrayOutputStream pipelined = new java.io.ByteArrayOutputStream();
    pipelined.writeBytes(FrontendFrames.query("SELECT pg_sleep(12) AS slept").bytes());
    for (int i = 0; i < count; i++) {
      pipelined.writeBytes(query("SELECT 'q" + i + "' AS which -- ", 200 << 10));
    }
    byte[] pipeline = pipelined.toByteArray();
    int largeFrame = query("SELECT 'q0' AS which -- ", 200 << 10).length;
    try (RawClient client = authenticated()) {
      Thread sender = Thread.ofVirtual().start(() -> {
        try {
          client.send(pipeline);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      double peak = 0;
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < until) {
        peak = Math.max(peak, metric("meshgate_message_budget_used_bytes"));
        Thread.sleep(20);
      }
      assertTrue(peak >= 1 << 20, "the pipeline filled: " + peak);
      assertTrue(peak <= (1 << 20) + 3L * largeFrame, "one session held " + peak + " bytes");

      client.readThrough('Z');
      for (int i = 0; i < count; i++) {
        assertEquals(List.of("q" + i), values(client.readThrough('Z')));
      }
      sender.join();
    }
    awaitUsedBytes(0);
  }

  private static void copyBeyondTheBudget(Meshgate copying) throws Exception {
    try (RawClient holder = authenticated(copying); RawClient copier = authenticated(copying)) {
      byte[] held = query("SELECT 'held' AS which -- ", LARGE_TEXT);
      holder.send(Arrays.copyOfRange(held, 0, 64 << 10));
      awaitUsedBytes(copying, held.length);

      copier.send(FrontendFrames.query("COPY sales.stores (store_id, zip_code, region) FROM STDIN"));
      assertEquals('G', copier.read().type(), "CopyInResponse");
      copier.send(FrontendFrames.copyData("900001\t99999\tEU\n".repeat(300_000).getBytes(StandardCharsets.UTF_8)));
      BackendMessage error = firstError(copier.readThrough('Z'));
      assertEquals("53200", error.sqlState().orElseThrow(), error::toString);

      copier.send(FrontendFrames.query("SELECT count(*) FROM sales.stores WHERE store_id = 900001"));
      assertEquals(List.of("0"), values(copier.readThrough('Z')), "nothing was copied, and the session goes on");
      holder.send(Arrays.copyOfRange(held, 64 << 10, held.length));
      assertEquals(List.of("held"), values(holder.readThrough('Z')));
    }
  }

  /** A Query frame: {@code sql} padded with {@code x} to {@code textBytes} (a comment to its end). */
  private static byte[] query(String sql, int textBytes) {
    byte[] text = new byte[textBytes];
    Arrays.fill(text, (byte) 'x');
    byte[] head = sql.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, text, 0, head.length);
    return FrontendFrames.typed('Q', Arrays.copyOf(text, textBytes + 1)).bytes();
  }

  private static RawClient authenticated() throws Exception {
    return authenticated(mesh.meshgate());
  }

  private static RawClient authenticated(Meshgate server) throws Exception {
    RawClient client = RawClient.connect(server.port(), READ_TIMEOUT);
    client.authenticate("carol", mesh.backend().backend().database(), "carol", new SecureRandom());
    return client;
  }

  private static long length(Connection connection, String value) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT length(?) AS characters")) {
      statement.setString(1, value);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static BackendMessage firstError(List<BackendMessage> messages) {
    return messages.stream().filter(message -> message.type() == 'E').findFirst()
        .orElseThrow(() -> new AssertionError("no error in " + messages));
  }

  private static List<String> values(List<BackendMessage> messages) {
    List<BackendMessage> errors = messages.stream().filter(message -> message.type() == 'E').toList();
    assertTrue(errors.isEmpty(), errors::toString);
    return messages.stream().filter(message -> message.type() == 'D').map(row -> row.column(0)).toList();
  }

  private static double metric(String name) {
    return metric(mesh.meshgate(), name);
  }

  private static double metric(Meshgate server, String name) {
    Double value = server.metrics().registry().getSampleValue(name);
    return value == null ? Double.NaN : value;
  }

  /** The budget's bytes in use reach {@code expected} (releases follow writes, so briefly later). */
  private static void awaitUsedBytes(long expected) throws InterruptedException {
    awaitUsedBytes(mesh.meshgate(), expected);
  }

  private static void awaitUsedBytes(Meshgate server, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    double used = metric(server, "meshgate_message_budget_used_bytes");
    while (used != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      used = metric(server, "meshgate_message_budget_used_bytes");
    }
    assertEquals((double) expected, used, "meshgate_message_budget_used_bytes");
  }
}
