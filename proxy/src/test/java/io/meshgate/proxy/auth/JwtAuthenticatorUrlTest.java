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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key set served by a real HTTP server on loopback, as an identity provider serves it. */
class JwtAuthenticatorUrlTest {
  private final MutableClock clock = new MutableClock(NOW);
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String served;
  private volatile int status = 200;
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
        output.write(body);
      }
    });
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/mesh/protocol/openid-connect/certs");
    authenticator = new JwtAuthenticator(JwtSettings.of(ISSUER, AUDIENCE, new JwksLocation.Url(url)), clock);
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
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
