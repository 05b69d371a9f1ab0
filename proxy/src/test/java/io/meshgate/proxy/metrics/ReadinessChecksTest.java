package io.meshgate.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The readiness checks against peers that answer well, badly or not at all. */
class ReadinessChecksTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  /** A TCP peer that answers every connection with {@code answer} (or nothing) after reading 8 bytes. */
  private static ServerSocket peer(Optional<Integer> answer) throws IOException {
    ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try (Socket client = server.accept()) {
          InputStream in = client.getInputStream();
          byte[] request = in.readNBytes(8);
          if (request.length == 8 && answer.isPresent()) {
            OutputStream out = client.getOutputStream();
            out.write(answer.get());
            out.flush();
          }
          // Hold the connection until the client closes it.
          in.read();
        } catch (IOException closed) {
          return;
        }
      }
    });
    return server;
  }

  @Test
  void backendThatAnswersTheSslRequestIsReady() throws IOException {
    for (int answer : List.of((int) 'N', (int) 'S')) {
      try (ServerSocket server = peer(Optional.of(answer))) {
        ComponentReadiness readiness = new BackendReadinessCheck("127.0.0.1", server.getLocalPort(), TIMEOUT).check();
        assertTrue(readiness.ready(), readiness.toString());
        assertEquals("backend", readiness.component());
      }
    }
  }

  @Test
  void somethingElseOnTheBackendPortIsNotReady() throws IOException {
    try (ServerSocket server = peer(Optional.of((int) 'H'))) {
      ComponentReadiness readiness = new BackendReadinessCheck("127.0.0.1", server.getLocalPort(), TIMEOUT).check();
      assertFalse(readiness.ready());
      assertTrue(readiness.detail().contains("does not answer like PostgreSQL"), readiness.detail());
    }
  }

  @Test
  void silentBackendTimesOut() throws IOException {
    try (ServerSocket server = peer(Optional.empty())) {
      long started = System.nanoTime();
      ComponentReadiness readiness = new BackendReadinessCheck("127.0.0.1", server.getLocalPort(), TIMEOUT).check();
      assertFalse(readiness.ready());
      assertTrue(readiness.detail().contains("did not answer within 500 ms"), readiness.detail());
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos());
    }
  }

  @Test
  void closedBackendPortIsNotReady() throws IOException {
    int port;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
    }
    ComponentReadiness readiness = new BackendReadinessCheck("127.0.0.1", port, TIMEOUT).check();
    assertFalse(readiness.ready());
    assertTrue(readiness.detail().startsWith("cannot connect to the backend at 127.0.0.1:" + port), readiness.detail());
  }

  @Test
  void cachedCheckAsksAgainOnlyAfterItsInterval() {
    AtomicInteger calls = new AtomicInteger();
    AtomicLong now = new AtomicLong(0);
    CachedReadinessCheck cached = new CachedReadinessCheck(
        () -> ComponentReadiness.ready("backend", "call " + calls.incrementAndGet()), Duration.ofSeconds(1), now::get);
    assertEquals("call 1", cached.check().detail());
    now.set(Duration.ofMillis(999).toNanos());
    assertEquals("call 1", cached.check().detail());
    now.set(Duration.ofMillis(1000).toNanos());
    assertEquals("call 2", cached.check().detail());
    assertEquals(2, calls.get());
  }

  @Test
  void remoteOpaHealthWithTokenAndBasePath() throws IOException {
    AtomicInteger status = new AtomicInteger(200);
    AtomicReference<String> authorization = new AtomicReference<>();
    AtomicReference<String> path = new AtomicReference<>();
    HttpServer opa = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    opa.createContext("/", exchange -> {
      path.set(exchange.getRequestURI().getPath());
      authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    opa.start();
    URI base = URI.create("http://127.0.0.1:" + opa.getAddress().getPort() + "/opa/");
    try (OpaReadinessCheck check = OpaReadinessCheck.remote(base, Optional.of("secret-token"), TIMEOUT)) {
      ComponentReadiness ready = check.check();
      assertTrue(ready.ready(), ready.toString());
      assertEquals("/opa/health", path.get());
      assertEquals("Bearer secret-token", authorization.get());
      assertFalse(ready.detail().contains("secret-token"));

      status.set(500);
      ComponentReadiness failing = check.check();
      assertFalse(failing.ready());
      assertTrue(failing.detail().endsWith("answered HTTP 500"), failing.detail());

      opa.stop(0);
      ComponentReadiness gone = check.check();
      assertFalse(gone.ready());
      assertTrue(gone.detail().startsWith("cannot reach OPA at " + base.resolve("health")), gone.detail());
    } finally {
      opa.stop(0);
    }
  }

  @Test
  void reportNamesWhatIsNotReady() throws IOException {
    ReadinessReport report = new Readiness(List.of(
        () -> ComponentReadiness.notReady("opa", "the managed OPA process is not running"),
        () -> ComponentReadiness.ready("backend", "fine"),
        () -> ComponentReadiness.notReady("audit", "\"quoted\" detail"))).report();
    assertFalse(report.ready());
    assertEquals(List.of("opa", "audit"), report.notReady());
    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertEquals("not_ready", json.get("status").asText());
    assertEquals("[\"opa\",\"audit\"]", json.get("not_ready").toString());
    assertFalse(json.at("/components/opa/ready").asBoolean());
    assertTrue(json.at("/components/backend/ready").asBoolean());
    assertEquals("\"quoted\" detail", json.at("/components/audit/detail").asText());
  }
}
