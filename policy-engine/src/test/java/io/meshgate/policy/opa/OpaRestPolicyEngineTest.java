package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.meshgate.policy.Access;
import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import io.meshgate.policy.json.PolicyInputJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport against a hand-written fake OPA (the JDK's HTTP server); what real OPA answers is
 * covered by the integration tests.
 */
class OpaRestPolicyEngineTest {

  private static final PolicyInput INPUT =
      new PolicyInput(
          new Subject("carol", List.of("data_scientists"), Map.of()),
          new RequestContext("mesh", "127.0.0.1", "psql", "s1", Instant.parse("2026-11-21T10:15:00Z")),
          StatementKind.SELECT,
          List.of(
              new RelationAccess(
                  new RelationName("mesh", "sales", "stores"), Access.READ, List.of("store_id"), List.of("store_id"))));

  /** What the fake answers, and what it saw. */
  private record Answer(int status, String body, Duration delay) {}

  private final AtomicReference<Answer> answer =
      new AtomicReference<>(new Answer(200, "{\"result\": {\"allow\": true}}", Duration.ZERO));
  private final AtomicReference<String> seenMethod = new AtomicReference<>();
  private final AtomicReference<URI> seenUri = new AtomicReference<>();
  private final AtomicReference<String> seenBody = new AtomicReference<>();
  private final AtomicReference<String> seenAuthorization = new AtomicReference<>();
  private final AtomicReference<String> seenContentType = new AtomicReference<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  @BeforeEach
  void startFakeOpa() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stopFakeOpa() {
    release.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    seenMethod.set(exchange.getRequestMethod());
    seenUri.set(exchange.getRequestURI());
    seenBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    seenAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
    seenContentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
    Answer current = answer.get();
    if (!current.delay().isZero()) {
      try {
        release.await(current.delay().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = current.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(current.status(), body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private OpaRestConfig config() {
    return OpaRestConfig.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @Test
  void postsTheInputToTheDecisionPath() throws Exception {
    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config())) {
      Decision decision = engine.decide(INPUT);

      assertTrue(decision.allow());
    }
    JsonNode body = new ObjectMapper().readTree(seenBody.get());
    assertEquals("POST", seenMethod.get());
    assertEquals("/v1/data/meshgate/decision", seenUri.get().getPath());
    assertEquals("strict-builtin-errors=true", seenUri.get().getQuery());
    assertEquals("application/json", seenContentType.get());
    assertEquals(PolicyInputJson.toJson(INPUT), body.get("input"));
    assertEquals(1, body.size());
    assertEquals(null, seenAuthorization.get());
  }

  @Test
  void sendsTheBearerToken() throws Exception {
    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config().withBearerToken("t0ken"))) {
      engine.decide(INPUT);
    }

    assertEquals("Bearer t0ken", seenAuthorization.get());
  }

  @Test
  void usesTheConfiguredDecisionPath() throws Exception {
    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config().withDecisionPath("data.acme.authz.decision"))) {
      engine.decide(INPUT);
    }

    assertEquals("/v1/data/acme/authz/decision", seenUri.get().getPath());
  }

  @Test
  void undefinedDecisionIsMalformedAndNamesThePath() {
    answer.set(new Answer(200, "{\"decision_id\": \"abc\"}", Duration.ZERO));

    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config())) {
      PolicyEngineException.MalformedDecision error =
          assertThrows(PolicyEngineException.MalformedDecision.class, () -> engine.decide(INPUT));

      assertTrue(error.getMessage().startsWith("policy returned no decision (undefined)"), error.getMessage());
      assertTrue(error.getMessage().contains("data.meshgate.decision"), error.getMessage());
    }
  }

  @Test
  void offContractDecisionIsMalformed() {
    answer.set(new Answer(200, "{\"result\": {\"allow\": \"yes\"}}", Duration.ZERO));

    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config())) {
      assertThrows(PolicyEngineException.MalformedDecision.class, () -> engine.decide(INPUT));
    }
  }

  @Test
  void serverErrorsAreUnavailableWithoutOpasMessage() {
    answer.set(
        new Answer(
            500,
            "{\"code\": \"internal_error\", \"message\": \"eval_conflict_error: value secret-value\"}",
            Duration.ZERO));

    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config())) {
      PolicyEngineException.Unavailable error =
          assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(INPUT));

      assertTrue(error.getMessage().contains("500"), error.getMessage());
      assertTrue(error.getMessage().contains("internal_error"), error.getMessage());
      assertFalse(error.getMessage().contains("secret-value"), error.getMessage());
    }
  }

  @Test
  void clientErrorsAreUnavailable() {
    for (int status : List.of(400, 401, 404)) {
      answer.set(new Answer(status, "", Duration.ZERO));
      try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config())) {
        PolicyEngineException.Unavailable error =
            assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(INPUT));
        assertTrue(error.getMessage().contains(Integer.toString(status)), error.getMessage());
      }
    }
  }

  @Test
  void slowAnswerIsUnavailableWithinTheTimeout() {
    answer.set(new Answer(200, "{\"result\": {\"allow\": true}}", Duration.ofSeconds(10)));
    long started = System.nanoTime();

    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config().withTimeout(Duration.ofMillis(300)))) {
      PolicyEngineException.Unavailable error =
          assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(INPUT));

      assertTrue(error.getMessage().contains("did not answer within 300 ms"), error.getMessage());
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(waited.compareTo(Duration.ofSeconds(3)) < 0, "waited " + waited);
  }

  @Test
  void decisionsDoNotDependOnTheCommonForkJoinPool() throws Exception {
    // Something else in the JVM blocking every common-pool thread (a test, a library) must not
    // turn decisions into timeouts.
    CountDownLatch unblock = new CountDownLatch(1);
    int threads = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
    CountDownLatch blocked = new CountDownLatch(threads);
    for (int i = 0; i < threads; i++) {
      java.util.concurrent.ForkJoinPool.commonPool().execute(() -> {
        blocked.countDown();
        try {
          unblock.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config().withTimeout(Duration.ofSeconds(2)))) {
      assertTrue(blocked.await(10, TimeUnit.SECONDS));
      assertTrue(engine.decide(INPUT).allow());
    } finally {
      unblock.countDown();
    }
  }

  @Test
  void nobodyListeningIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    try (OpaRestPolicyEngine engine =
        new OpaRestPolicyEngine(OpaRestConfig.of(URI.create("http://127.0.0.1:" + closedPort)))) {
      PolicyEngineException.Unavailable error =
          assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(INPUT));

      assertTrue(error.getMessage().contains("could not be reached"), error.getMessage());
    }
  }

  @Test
  void inputThatCannotBeEncodedIsRefusedBeforeSending() {
    PolicyInput odd =
        new PolicyInput(
            new Subject("carol", List.of(), Map.of("since", Instant.EPOCH)),
            INPUT.context(),
            StatementKind.SELECT,
            List.of());

    try (OpaRestPolicyEngine engine = new OpaRestPolicyEngine(config())) {
      assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(odd));
    }
    assertEquals(null, seenMethod.get());
  }

  @Test
  void revisionComesFromTheSupplier() {
    try (OpaRestPolicyEngine unknown = new OpaRestPolicyEngine(config());
        OpaRestPolicyEngine known = new OpaRestPolicyEngine(config(), () -> "abc123def456")) {
      assertEquals("unknown", unknown.revision());
      assertEquals("abc123def456", known.revision());
    }
  }
}
