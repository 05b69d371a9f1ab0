package io.meshgate.proxy.robustness;

import static io.meshgate.proxy.robustness.LiveDemo.USER;
import static io.meshgate.proxy.robustness.LiveDemo.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specific attacks on the live demo server from raw sockets on loopback: lengths that would
 * make a naive server allocate gigabytes, oversized startup packets, deep pipelines, clients
 * leaving mid-query, garbage where a TLS handshake should be. After each, the healthy session
 * still answers and no buffer has leaked.
 */
class ProtocolAttacksIT {
  @TempDir static Path work;
  private static LiveDemo demo;

  @BeforeAll
  static void startDemo() throws IOException, SQLException {
    demo = LiveDemo.start(work);
  }

  @AfterAll
  static void stopDemo() throws SQLException {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void twoGibLengthPrefixesAreRefusedBeforeAnyBodyArrives() throws Exception {
    for (int length : new int[] {0x8000_0000, 0x7FFF_FFFF}) {
      String hex = "0x" + Integer.toHexString(length);
      try (RawClient client = connect(Duration.ofSeconds(3))) {
        client.send(int32(length));
        expectProtocolViolationAndClose(client, "startup packet announcing " + hex + " bytes");
      }
      try (RawClient client = connect(Duration.ofSeconds(3))) {
        client.send(FrontendFrames.startup(USER, demo.database()));
        assertEquals('R', client.read().type());
        client.send(concat(new byte[] {'p'}, int32(length)));
        expectProtocolViolationAndClose(client, "password message announcing " + hex + " bytes");
      }
      try (RawClient client = connect(Duration.ofSeconds(3))) {
        client.authenticate(USER, demo.database(), USER, new SecureRandom());
        client.send(concat(new byte[] {'Q'}, int32(length)));
        expectProtocolViolationAndClose(client, "query announcing " + hex + " bytes");
      }
    }
    demo.assertHealthy(demo.healthy());
    demo.leaks().assertNoLeaks();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void oversizedStartupPacketsAreRefusedAndTheLargestValidOneIsAccepted() throws Exception {
    try (RawClient client = connect(Duration.ofSeconds(3))) {
      client.send(startupOfLength(10_000));
      BackendMessage request = client.read();
      assertEquals('R', request.type(), "10,000 bytes is PostgreSQL's limit for a startup packet, and valid: " + request);
    }
    byte[] oversized = startupOfLength(10_001);
    try (RawClient client = connect(Duration.ofSeconds(3))) {
      client.send(Arrays.copyOf(oversized, 8));
      expectProtocolViolationAndClose(client, "startup packet announcing 10,001 bytes");
    }
    try (RawClient client = connect(Duration.ofSeconds(3))) {
      client.send(concat(int32(1 << 20), int32(FrontendFrames.PROTOCOL_3_0)));
      expectProtocolViolationAndClose(client, "startup packet announcing 1 MiB");
    }
    try (RawClient client = connect(Duration.ofSeconds(3))) {
      try {
        client.send(oversized);
      } catch (IOException e) {
        // The server may have closed already; what it sent before is still readable.
      }
      expectProtocolViolationAndClose(client, "startup packet of 10,001 bytes sent whole");
    }
    demo.assertHealthy(demo.healthy());
    demo.leaks().assertNoLeaks();
  }

  /**
   * PostgreSQL refuses authentication messages longer than 65,535 bytes
   * ({@code PG_MAX_AUTH_TOKEN_LENGTH} in {@code libpq/auth.c}) as it refuses startup packets
   * over 10,000, so a peer that has not authenticated cannot make it hold more. A proxy that
   * applies its general message limit (64 MiB in the demo) before authentication can be made
   * to buffer 64 MiB per unauthenticated connection, for as long as the authentication timeout.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void anUnauthenticatedClientCannotAnnounceAMessageLargerThanPostgresAllows() throws Exception {
    for (int length : new int[] {1 << 20, 65_535 + 4 + 1}) {
      try (RawClient client = connect(Duration.ofSeconds(3))) {
        client.send(FrontendFrames.startup(USER, demo.database()));
        assertEquals('R', client.read().type());
        client.send(concat(new byte[] {'p'}, int32(length)));
        expectProtocolViolationAndClose(client, "unauthenticated password message announcing " + length + " bytes");
      }
    }
    demo.leaks().assertNoLeaks();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void thousandPipelinedSyncsAndTwoHundredPipelinedBatchesAreAnsweredInOrder() throws Exception {
    try (RawClient client = connect(Duration.ofSeconds(10))) {
      client.authenticate(USER, demo.database(), USER, new SecureRandom());
      client.send(FrontendFrames.concat(Collections.nCopies(1000, FrontendFrames.sync())));
      for (int i = 0; i < 1000; i++) {
        BackendMessage message = client.read();
        assertEquals('Z', message.type(), "answer " + i + " to 1,000 pipelined Syncs: " + message);
      }

      List<Frame> batches = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        batches.add(FrontendFrames.parse("", "SELECT count(*) FROM sales.stores WHERE store_id > $1", 23));
        batches.add(FrontendFrames.bind("", "", List.of(Integer.toString(i % 7))));
        batches.add(FrontendFrames.execute("", 0));
        batches.add(FrontendFrames.sync());
      }
      client.send(FrontendFrames.concat(batches));
      Map<Integer, String> counts = new LinkedHashMap<>();
      for (int i = 0; i < 200; i++) {
        List<BackendMessage> answer = client.readThrough('Z');
        assertEquals(List.of('1', '2', 'D', 'C', 'Z'), answer.stream().map(BackendMessage::type).toList(),
            "batch " + i + ": " + answer);
        String count = answer.get(2).column(0);
        String first = counts.putIfAbsent(i % 7, count);
        assertEquals(first == null ? count : first, count, "batch " + i + " answers like batch " + (i % 7));
      }

      client.send(FrontendFrames.query(LiveDemo.COUNT_STORES));
      List<BackendMessage> answer = client.readThrough('Z');
      BackendMessage row = answer.stream().filter(message -> message.type() == 'D').findFirst()
          .orElseThrow(() -> new AssertionError("no row: " + answer));
      assertEquals(Long.toString(demo.expectedStores()), row.column(0));
      client.send(FrontendFrames.terminate());
    }
    demo.assertHealthy(demo.healthy());
    demo.leaks().assertNoLeaks();
  }

  /**
   * A client may pipeline while its statement runs, but what Meshgate holds for it meanwhile is
   * bounded in bytes as well as in messages: 1,024 pipelined queries of 8 MiB would otherwise be
   * 8 GiB of one session's memory in a process every session shares. Past the bound Meshgate
   * reads no further, and TCP makes the client wait.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void whatAClientPipelinesWhileItsStatementRunsIsBoundedInBytes() throws Exception {
    byte[] large = FrontendFrames.query("SELECT '" + "x".repeat(8 << 20) + "' AS pipelined").bytes();
    AtomicLong accepted = new AtomicLong();
    double sessionsBefore = demo.activeSessions();
    try (RawClient client = connect(Duration.ofSeconds(30))) {
      client.authenticate(USER, demo.database(), USER, new SecureRandom());
      client.send(FrontendFrames.query("SELECT pg_sleep(5)"));
      Thread writer = Thread.ofPlatform().daemon(true).start(() -> {
        try {
          for (int i = 0; i < 64; i++) {
            client.send(large);
            accepted.addAndGet(large.length);
          }
        } catch (IOException closed) {
          // the test closes the connection while this still writes
        }
      });
      Thread.sleep(3_000);
      long read = accepted.get();
      assertTrue(read < 48L << 20, (read >> 20) + " MiB of pipelined queries taken in while the first statement ran");
      writer.interrupt();
    }
    // once its statement is over, Meshgate reads on, and finds the client gone
    eventually(demo::activeSessions, sessions -> sessions == sessionsBefore,
        "the session of a client that left while it was not read to end");
    demo.assertHealthy(demo.healthy());
    demo.leaks().assertNoLeaks();
  }

  private enum Departure {
    /** The end of the client's stream (FIN) without Terminate. */
    HALF_CLOSE,
    /** The client's host drops the connection (TCP RST). */
    RESET;

    void leave(RawClient client) throws IOException {
      switch (this) {
        case HALF_CLOSE -> client.halfClose();
        case RESET -> client.reset();
      }
    }
  }

  /** How the abandoned statement was sent; Meshgate reads the client differently meanwhile. */
  private enum Protocol {
    /** Query: reading from the client pauses until the backend's ReadyForQuery. */
    SIMPLE,
    /** Parse, Bind, Execute, Sync: reading from the client goes on while the backend works. */
    EXTENDED;

    void send(RawClient client, String sql) throws IOException {
      switch (this) {
        case SIMPLE -> client.send(FrontendFrames.query(sql));
        case EXTENDED -> client.send(FrontendFrames.parse("", sql), FrontendFrames.bind("", "", List.of()),
            FrontendFrames.execute("", 0), FrontendFrames.sync());
      }
    }
  }

  /**
   * A client leaving while its statement runs: the server goes on serving everyone else, the
   * session ends, and the statement is audited (invariant 5: every statement, allowed or
   * denied, finished or not).
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aClientLeavingMidStatementDoesNotDisturbTheServerAndIsAudited() throws Exception {
    List<String> unaudited = new ArrayList<>();
    for (Protocol protocol : Protocol.values()) {
      for (Departure departure : Departure.values()) {
        double sessionsBefore = demo.activeSessions();
        String marker = marker(protocol, departure);
        try (Connection backend = demo.connectToBackendAsSuperuser();
            RawClient client = connect(Duration.ofSeconds(10))) {
          client.authenticate(USER, demo.database(), USER, new SecureRandom());
          protocol.send(client, "SELECT pg_sleep(1) AS " + marker);
          eventually(() -> demo.runningBackendQueries(backend, marker), count -> count == 1,
              "the statement reaches the backend");
          departure.leave(client);
          demo.assertHealthy(demo.healthy());
          try (Connection fresh = demo.connect()) {
            demo.assertHealthy(fresh);
          }
        }
        eventually(demo::activeSessions, sessions -> sessions == sessionsBefore,
            "the session of a client that left (" + protocol + ", " + departure + ") has ended");
        if (!awaitAudited(marker)) {
          unaudited.add(protocol + "/" + departure);
        }
      }
    }
    assertEquals(List.of(), unaudited, "statements of clients that left mid-statement and were never audited");
    demo.leaks().assertNoLeaks();
  }

  /**
   * {@code ClientSession.channelInactive} cancels the backend query of a client that left
   * mid-statement, so abandoned work does not go on; that only helps if the departure is
   * noticed, and handled, while the query still runs.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aClientLeavingMidStatementHasItsBackendQueryCancelled() throws Exception {
    List<String> notCancelled = new ArrayList<>();
    try (Connection backend = demo.connectToBackendAsSuperuser()) {
      for (Protocol protocol : Protocol.values()) {
        for (Departure departure : Departure.values()) {
          String marker = marker(protocol, departure);
          try (RawClient client = connect(Duration.ofSeconds(10))) {
            client.authenticate(USER, demo.database(), USER, new SecureRandom());
            protocol.send(client, "SELECT pg_sleep(60) AS " + marker);
            eventually(() -> demo.runningBackendQueries(backend, marker), count -> count == 1,
                "the sleep reaches the backend");
            departure.leave(client);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (demo.runningBackendQueries(backend, marker) > 0 && System.nanoTime() < deadline) {
              Thread.sleep(50);
            }
            if (demo.runningBackendQueries(backend, marker) > 0) {
              notCancelled.add(protocol + "/" + departure);
            }
          } finally {
            // Whatever the outcome, no 60-second sleep outlives the test.
            try (PreparedStatement cancel = backend.prepareStatement(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE strpos(query, ?) > 0 AND pid <> pg_backend_pid()")) {
              cancel.setString(1, marker);
              cancel.executeQuery().close();
            }
          }
        }
      }
    }
    assertEquals(List.of(), notCancelled, "backend queries still running 5 s after their client left");
    demo.assertHealthy(demo.healthy());
  }

  /**
   * A client that resets its connection while a large result streams to it: Meshgate is writing
   * rows when the reset comes, so its writes fail (relayed rows carry no promise: the failure
   * reaches {@code exceptionCaught}) and the session must end as a disconnect does: the backend
   * query stops, the statement is audited, nothing leaks or escapes as an unexpected error, and
   * everyone else is served.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void aClientResettingWhileRowsStreamEndsItsSessionCleanly() throws Exception {
    int endsLoggedBefore = demo.leaks().errorLinesContaining(" ended: ").size();
    try (Connection backend = demo.connectToBackendAsSuperuser()) {
      for (Protocol protocol : Protocol.values()) {
        double sessionsBefore = demo.activeSessions();
        String marker = marker(protocol, Departure.RESET).replace("abandoned_", "streaming_");
        // Some 50 GB of rows: still streaming whenever the reset comes.
        String sql = "SELECT repeat('x', 1000) AS " + marker + " FROM generate_series(1, 50000000)";
        // Only a guard against a hang: the first rows come after analysis, a decision and the
        // backend's start, which a machine busy with other builds has taken over 10 s to give.
        try (RawClient client = connect(Duration.ofSeconds(60))) {
          client.authenticate(USER, demo.database(), USER, new SecureRandom());
          protocol.send(client, sql);
          long received = 0;
          while (received < 8L << 20) {
            BackendMessage message = client.read();
            if (message.type() == 'E') {
              throw new AssertionError("the query was refused: " + message);
            }
            received += message.body().length + 5;
          }
          client.reset();
        }
        eventually(() -> demo.runningBackendQueries(backend, marker), count -> count == 0,
            "the backend query of a client reset mid-stream (" + protocol + ") to stop");
        eventually(demo::activeSessions, sessions -> sessions == sessionsBefore,
            "the session of a client reset mid-stream (" + protocol + ") to end");
        assertTrue(awaitAudited(marker), "the statement of a client reset mid-stream (" + protocol + ") is audited");
      }
    }
    demo.assertHealthy(demo.healthy());
    demo.assertNoUnexpectedServerErrors("clients reset while rows stream");
    demo.leaks().assertNoLeaks();
    // One line per departure: the writes still queued when the channel closes fail too, and
    // must not each log the session's end again.
    assertEquals(Protocol.values().length, demo.leaks().errorLinesContaining(" ended: ").size() - endsLoggedBefore,
        "log lines about sessions ending");
  }

  private static boolean awaitAudited(String marker) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (demo.auditedStatements(marker) == 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /**
   * A client that starts TLS (SSLRequest answered 'S', or a first byte 0x16 for direct TLS) and
   * then sends something that is not TLS has failed a handshake, as a client: the connection
   * closes and nothing is handled as an internal error of Meshgate.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void garbageInsteadOfATlsHandshakeIsAClientErrorNotAnInternalError() throws Exception {
    int before = demo.unexpectedErrorEntries().size();
    try (RawClient client = connect(Duration.ofSeconds(3))) {
      client.send(FrontendFrames.sslRequest());
      int answer = client.readByte();
      if (answer == 'S') {
        client.send(FrontendFrames.startup(USER, demo.database()));
        assertNotEquals(RawClient.End.SILENT, client.drain(Duration.ofSeconds(3)).end(),
            "plaintext after 'S' closes the connection");
      } else {
        assertEquals('N', answer, "SSLRequest is answered with one byte");
      }
    }
    try (RawClient client = connect(Duration.ofSeconds(3))) {
      try {
        client.send(HexFormat.of().parseHex("16959700080000000000000000000000"));
      } catch (IOException e) {
        // closed already
      }
      assertNotEquals(RawClient.End.SILENT, client.drain(Duration.ofSeconds(3)).end(),
          "0x16 followed by garbage closes the connection");
    }
    Thread.sleep(200); // the server may log just after closing
    List<String> entries = demo.unexpectedErrorEntries();
    assertEquals(List.of(), entries.subList(before, entries.size()),
        "a failed TLS handshake was handled as an internal error of Meshgate (XX000, WARN with stack trace)");
    demo.assertHealthy(demo.healthy());
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private static RawClient connect(Duration readTimeout) throws IOException {
    return RawClient.connect(demo.port(), readTimeout);
  }

  /** The server answers at once with ErrorResponse 08P01, sends nothing more and closes. */
  private static void expectProtocolViolationAndClose(RawClient client, String what) throws IOException {
    BackendMessage message;
    try {
      message = client.read();
    } catch (SocketTimeoutException e) {
      throw new AssertionError(what + ": no answer within the read timeout; the server is waiting for the body", e);
    } catch (EOFException e) {
      throw new AssertionError(what + ": closed without an ErrorResponse", e);
    }
    assertEquals('E', message.type(), what + ": " + message);
    assertEquals(Optional.of("08P01"), message.sqlState(), what + ": " + message);
    RawClient.Drained rest = client.drain(Duration.ofSeconds(3));
    assertNotEquals(RawClient.End.SILENT, rest.end(), what + ": the connection stays open after the error");
    assertEquals(0, rest.bytes().length, what + ": nothing follows the error");
  }

  private static String marker(Protocol protocol, Departure departure) {
    return "abandoned_" + protocol.name().toLowerCase(Locale.ROOT) + "_" + departure.name().toLowerCase(Locale.ROOT)
        + "_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
  }

  /** A valid startup packet padded to exactly {@code length} bytes with a long application_name. */
  private static byte[] startupOfLength(int length) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", USER);
    parameters.put("database", demo.database());
    parameters.put("application_name", "");
    int base = FrontendFrames.startup(FrontendFrames.PROTOCOL_3_0, parameters).size();
    parameters.put("application_name", "x".repeat(length - base));
    byte[] bytes = FrontendFrames.startup(FrontendFrames.PROTOCOL_3_0, parameters).bytes();
    assertEquals(length, bytes.length);
    return bytes;
  }

  private static byte[] int32(int value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
