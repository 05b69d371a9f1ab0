package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Access;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the engine does when the real OPA goes away, comes back, or stops answering. */
class OpaAvailabilityIT {

  private static final PolicyInput INPUT =
      new PolicyInput(
          new Subject("carol", List.of("data_scientists"), Map.of()),
          new RequestContext("mesh", "127.0.0.1", "psql", "it", Instant.now()),
          StatementKind.SELECT,
          List.of(
              new RelationAccess(
                  new RelationName("mesh", "weather", "daily_temperatures"),
                  Access.READ,
                  List.of("zip_code", "day"),
                  List.of("zip_code"))));

  private ManagedOpaProcess opa;
  private OpaRestPolicyEngine engine;

  @BeforeEach
  void startOpa() throws Exception {
    opa = ManagedOpaProcess.start(TestRepository.opaBinary(), TestRepository.policies(), 0);
    engine = new OpaRestPolicyEngine(OpaRestConfig.of(opa.baseUri()).withTimeout(Duration.ofMillis(500)));
  }

  @AfterEach
  void stopOpa() throws Exception {
    // A test that froze OPA must not leave it frozen: SIGTERM is not delivered to a stopped process.
    opa.pid().ifPresent(pid -> signal("CONT", pid));
    engine.close();
    opa.close();
  }

  @Test
  void stoppedOpaIsUnavailableAndRestartRecoversOnTheSamePort() throws Exception {
    assertTrue(engine.decide(INPUT).allow());
    URI before = opa.baseUri();

    opa.stop();
    assertFalse(opa.isAlive());
    PolicyEngineException.Unavailable down =
        assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(INPUT));

    opa.start();
    assertTrue(opa.isAlive());
    assertEquals(before, opa.baseUri());
    assertTrue(engine.decide(INPUT).allow(), "the same engine works again after the restart");
    assertTrue(down.getMessage().contains(before.toString()), down.getMessage());
  }

  @Test
  void frozenOpaTimesOut() throws Exception {
    assertTrue(engine.decide(INPUT).allow());
    long pid = opa.pid().orElseThrow();

    // SIGSTOP keeps the socket open, so the connection is accepted and the answer never comes.
    signal("STOP", pid);
    long started = System.nanoTime();
    PolicyEngineException.Unavailable timeout =
        assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(INPUT));
    Duration waited = Duration.ofNanos(System.nanoTime() - started);
    signal("CONT", pid);

    assertTrue(timeout.getMessage().contains("did not answer within 500 ms"), timeout.getMessage());
    assertTrue(waited.compareTo(Duration.ofSeconds(3)) < 0, "waited " + waited);
    assertTrue(engine.decide(INPUT).allow(), "OPA answers again once it runs");
  }

  @Test
  void aStoppedManagedOpaIsNotAskedAndNeitherIsWhateverTookItsPort() throws Exception {
    // Whatever listens on a managed OPA's port once it exited is another process: it must not
    // be asked, let alone answer.
    OpaRestPolicyEngine managed = new OpaRestPolicyEngine(
        OpaRestConfig.of(opa.baseUri()).withTimeout(Duration.ofMillis(500)).withServerRunning(opa::isAlive));
    try {
      assertTrue(managed.decide(INPUT).allow());
      int port = opa.baseUri().getPort();
      opa.stop();
      AtomicInteger asked = new AtomicInteger();
      HttpServer impostor = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      impostor.createContext("/", exchange -> {
        asked.incrementAndGet();
        byte[] body = "{\"result\": {\"allow\": true}}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      impostor.start();
      try {
        PolicyEngineException.Unavailable refused =
            assertThrows(PolicyEngineException.Unavailable.class, () -> managed.decide(INPUT));

        assertEquals(0, asked.get(), "the process on the stopped OPA's port was asked");
        assertTrue(refused.getMessage().contains("managed OPA is not running"), refused.getMessage());
      } finally {
        impostor.stop(0);
      }
    } finally {
      managed.close();
    }
  }

  private static void signal(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
