package io.meshgate.proxy.auth;

import static io.meshgate.proxy.auth.TestTokens.AUDIENCE;
import static io.meshgate.proxy.auth.TestTokens.EC;
import static io.meshgate.proxy.auth.TestTokens.ISSUER;
import static io.meshgate.proxy.auth.TestTokens.NOW;
import static io.meshgate.proxy.auth.TestTokens.RSA;
import static io.meshgate.proxy.auth.TestTokens.ROTATED_RSA;
import static io.meshgate.proxy.auth.TestTokens.rsaToken;
import static io.meshgate.proxy.auth.TestTokens.sign;
import static io.meshgate.proxy.auth.TestTokens.validClaims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The key set served by a real HTTP server on loopback, as an identity provider serves it. */
class JwtAuthenticatorUrlTest {
  private final MutableClock clock = new MutableClock(NOW);
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String served;
  private volatile int status = 200;
  private volatile int stallAfterBytes = -1;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private HttpServer server;
  private JwtAuthenticator authenticator;

  @BeforeEach
  void startServer() throws IOException {
    served = TestTokens.publicJwks(List.of(RSA, EC));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/realms/mesh/protocol/openid-connect/certs", exchange -> {
      requests.incrementAndGet();
      byte[] body = served.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream output = exchange.getResponseBody()) {
        if (stallAfterBytes >= 0) {
          // Headers and the start of the body, then nothing: a provider or network that hangs.
          output.write(body, 0, stallAfterBytes);
          output.flush();
          sleepUntilStopped();
        }
        output.write(body);
      }
    });
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/mesh/protocol/openid-connect/certs");
    authenticator = new JwtAuthenticator(JwtSettings.of(ISSUER, AUDIENCE, new JwksLocation.Url(url)), clock);
  }

  @AfterEach
  void stopServer() {
    stopped.countDown();
    server.stop(0);
  }

  private void sleepUntilStopped() {
    try {
      stopped.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean accepts(String token) {
    return authenticator.verify("alice", token) instanceof JwtVerification.Accepted;
  }

  @Test
  void keysAreFetchedOnceAndCachedForTheirTimeToLive() {
    assertTrue(accepts(rsaToken(validClaims().build())));
    assertTrue(accepts(rsaToken(validClaims().jwtID("second").build())));
    assertEquals(1, requests.get());

    clock.advance(Duration.ofMinutes(5));
    assertTrue(accepts(rsaToken(validClaims().expirationTime(Date.from(NOW.plusSeconds(3600))).build())));
    assertEquals(2, requests.get());
  }

  @Test
  void rotationAtTheProviderIsPickedUpByAnUnknownKid() {
    assertTrue(accepts(rsaToken(validClaims().build())));
    clock.advance(Duration.ofSeconds(30));
    served = TestTokens.publicJwks(List.<JWK>of(RSA, EC, ROTATED_RSA));

    String rotated = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ROTATED_RSA.getKeyID()).build(),
        validClaims().build(), ROTATED_RSA);
    assertTrue(accepts(rotated));
    assertEquals(2, requests.get());
  }

  @Test
  void madeUpKidsCauseAtMostOneFetchPerInterval() {
    assertTrue(accepts(rsaToken(validClaims().build())));
    clock.advance(Duration.ofSeconds(30));
    for (int i = 0; i < 20; i++) {
      String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("made-up-" + i).build(),
          validClaims().build(), TestTokens.ATTACKER_RSA);
      assertInstanceOf(JwtVerification.Rejected.class, authenticator.verify("alice", token));
    }
    assertEquals(2, requests.get());
  }

  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void aBodyThatStopsComingIsGivenUpInTheRequestTime() {
    // The fetch holds the key set's lock, so every token check waits on it: it must end.
    stallAfterBytes = 10;
    long start = System.nanoTime();

    JwtVerification verification = authenticator.verify("alice", rsaToken(validClaims().build()));

    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    String reason = assertInstanceOf(JwtVerification.Rejected.class, verification).reason();
    assertTrue(reason.startsWith("JWKS unavailable"), reason);
    assertTrue(waited.compareTo(Duration.ofSeconds(20)) < 0, "waited " + waited);
  }

  @Test
  void anOversizedKeySetIsRefused() {
    served = " ".repeat(JwksCache.MAXIMUM_SIZE) + TestTokens.publicJwks(List.of(RSA, EC));

    String reason = assertInstanceOf(JwtVerification.Rejected.class,
        authenticator.verify("alice", rsaToken(validClaims().build()))).reason();
    assertTrue(reason.contains("larger than " + JwksCache.MAXIMUM_SIZE + " bytes"), reason);
  }

  @Test
  void failingProviderRejectsTokensOnceTheCacheExpired() {
    assertTrue(accepts(rsaToken(validClaims().expirationTime(Date.from(NOW.plusSeconds(3600))).build())));
    status = 500;
    clock.advance(Duration.ofMinutes(6));

    JwtVerification verification = authenticator.verify(
        "alice", rsaToken(validClaims().expirationTime(Date.from(NOW.plusSeconds(3600))).build()));
    String reason = assertInstanceOf(JwtVerification.Rejected.class, verification).reason();
    assertTrue(reason.contains("HTTP 500"), reason);

    status = 200;
    clock.advance(Duration.ofSeconds(30));
    assertTrue(accepts(rsaToken(validClaims().expirationTime(Date.from(NOW.plusSeconds(3600))).build())));
  }
}
