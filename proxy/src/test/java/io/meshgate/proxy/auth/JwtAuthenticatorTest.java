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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.meshgate.policy.Subject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtAuthenticatorTest {
  @TempDir Path directory;
  private Path jwksFile;
  private final MutableClock clock = new MutableClock(NOW);
  private JwtAuthenticator authenticator;

  @BeforeEach
  void writeKeys() throws IOException {
    jwksFile = directory.resolve("jwks.json");
    TestTokens.writeJwks(jwksFile, List.of(RSA, EC));
    authenticator = new JwtAuthenticator(JwtSettings.of(ISSUER, AUDIENCE, new JwksLocation.LocalFile(jwksFile)), clock);
  }

  private Subject accepted(JwtAuthenticator verifier, String user, String token) {
    JwtVerification verification = verifier.verify(user, token);
    return assertInstanceOf(JwtVerification.Accepted.class, verification, verification::toString).subject();
  }

  private String rejected(JwtAuthenticator verifier, String user, String token) {
    JwtVerification verification = verifier.verify(user, token);
    return assertInstanceOf(JwtVerification.Rejected.class, verification, verification::toString).reason();
  }

  @Test
  void rsaTokenMapsUserGroupsAndOtherClaimsToTheSubject() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("cost_center", "CC-17");
    nested.put("manager", null);
    String token = rsaToken(validClaims()
        .claim("groups", List.of("analysts", "region_eu"))
        .claim("region", "EU")
        .claim("clearance", 3)
        .claim("contractor", false)
        .claim("org", nested)
        .claim("nickname", null)
        .build());

    Subject subject = accepted(authenticator, "alice", token);

    assertEquals(new Subject(
            "alice",
            List.of("analysts", "region_eu"),
            Map.of("region", "EU", "clearance", 3L, "contractor", false, "org", Map.of("cost_center", "CC-17"))),
        subject);
    assertEquals(Optional.of(subject), authenticator.authenticate("alice", token));
  }

  @Test
  void ecTokenWithSpaceSeparatedGroupsAndAudienceListIsAccepted() {
    JWTClaimsSet claims = validClaims()
        .audience(List.of("another-service", AUDIENCE))
        .claim("groups", "  analysts  region_eu ")
        .build();
    String token = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(EC.getKeyID()).build(), claims, EC);

    assertEquals(List.of("analysts", "region_eu"), accepted(authenticator, "alice", token).groups());
  }

  @Test
  void expiryIsCheckedWithTheClockSkew() {
    String withinSkew = rsaToken(validClaims().expirationTime(Date.from(NOW.minusSeconds(30))).build());
    String expired = rsaToken(validClaims().expirationTime(Date.from(NOW.minusSeconds(120))).build());

    accepted(authenticator, "alice", withinSkew);
    assertTrue(rejected(authenticator, "alice", expired).contains("Expired"));
    clock.advance(Duration.ofMinutes(10));
    assertTrue(rejected(authenticator, "alice", rsaToken(validClaims().build())).contains("Expired"));
  }

  @Test
  void tokenNotYetValidIsRejected() {
    String notBefore = rsaToken(validClaims().notBeforeTime(Date.from(NOW.plusSeconds(120))).build());
    String issuedLater = rsaToken(validClaims().issueTime(Date.from(NOW.plusSeconds(120))).build());

    assertTrue(rejected(authenticator, "alice", notBefore).contains("before use time"));
    assertTrue(rejected(authenticator, "alice", issuedLater).contains("issued in the future"));
    clock.advance(Duration.ofSeconds(90));
    accepted(authenticator, "alice", notBefore);
  }

  @Test
  void wrongAudienceOrIssuerIsRejected() {
    assertTrue(rejected(authenticator, "alice", rsaToken(validClaims().audience("other").build())).contains("aud"));
    assertTrue(rejected(authenticator, "alice", rsaToken(validClaims().audience((String) null).build())).contains("aud"));
    assertTrue(rejected(authenticator, "alice", rsaToken(validClaims().issuer("https://evil.example.com").build())).contains("iss"));
    assertTrue(rejected(authenticator, "alice", rsaToken(validClaims().issuer(null).build())).contains("iss"));
  }

  @Test
  void missingExpiryIsRejected() {
    String token = rsaToken(validClaims().expirationTime(null).build());
    assertTrue(rejected(authenticator, "alice", token).contains("exp"));
  }

  @Test
  void tokenForAnotherUserCannotLogInAsTheStartupUser() {
    String bobsToken = rsaToken(validClaims().subject("bob").build());

    assertTrue(rejected(authenticator, "alice", bobsToken).contains("not for the startup user"));
    assertEquals(Optional.empty(), authenticator.authenticate("alice", bobsToken));
    accepted(authenticator, "bob", bobsToken);
    assertTrue(rejected(authenticator, "alice", rsaToken(validClaims().subject(null).build())).contains("missing"));
  }

  @Test
  void unsignedTokenIsRejected() {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String header = base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = base64.encodeToString(validClaims().build().toString().getBytes(StandardCharsets.UTF_8));

    assertTrue(rejected(authenticator, "alice", header + "." + payload + ".").startsWith("not a signed JWT"));
    assertTrue(rejected(authenticator, "alice", header + "." + payload).startsWith("not a signed JWT"));
  }

  @Test
  void hmacSignedWithThePublicKeyIsRejected() throws Exception {
    // Key confusion: a verifier that fed the RSA public key to HMAC would accept this.
    String token = hmacToken(RSA.toRSAPublicKey().getEncoded(), RSA.getKeyID());
    String pemLike = hmacToken(TestTokens.publicJwks(List.of(RSA)).getBytes(StandardCharsets.UTF_8), RSA.getKeyID());

    assertTrue(rejected(authenticator, "alice", token).contains("HS256 is not allowed"));
    assertTrue(rejected(authenticator, "alice", pemLike).contains("HS256 is not allowed"));
  }

  @Test
  void hmacWorksOnlyWithTheConfiguredSecret() throws Exception {
    byte[] secret = "a shared secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8);
    JwtAuthenticator withSecret = new JwtAuthenticator(
        JwtSettings.builder(ISSUER, AUDIENCE)
            .jwks(new JwksLocation.LocalFile(jwksFile))
            .allowedAlgorithms(Set.of("RS256", "HS256"))
            .sharedSecret(JwtSharedSecret.of(secret))
            .build(),
        clock);

    accepted(withSecret, "alice", hmacToken(secret, null));
    assertEquals("signature does not verify",
        rejected(withSecret, "alice", hmacToken(RSA.toRSAPublicKey().getEncoded(), RSA.getKeyID())));
    accepted(withSecret, "alice", rsaToken(validClaims().build()));
  }

  @Test
  void keysEmbeddedInTheTokenAreIgnored() {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
        .keyID(RSA.getKeyID())
        .jwk(TestTokens.ATTACKER_RSA.toPublicJWK())
        .build();
    String token = sign(header, validClaims().build(), TestTokens.ATTACKER_RSA);

    assertEquals("signature does not verify", rejected(authenticator, "alice", token));
  }

  @Test
  void keyOfTheWrongTypeForTheAlgorithmIsNotUsed() {
    // Header says RS256 but names the EC key: no RSA key has that kid.
    String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(EC.getKeyID()).build(), validClaims().build(), RSA);
    assertTrue(rejected(authenticator, "alice", token).contains("no key with kid \"ec-1\""));
  }

  @Test
  void criticalHeadersMeshgateDoesNotUnderstandAreRejected() {
    // RFC 7515 4.1.11: a recipient that does not understand a crit parameter must reject.
    for (String critical : List.of("exp", "http://example.com/must-understand")) {
      String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID())
          .criticalParams(Set.of(critical)).customParam(critical, 1).build(), validClaims().build(), RSA);
      rejected(authenticator, "alice", token);
    }
  }

  @Test
  void tokensTypedForAnotherPurposeAreRejected() {
    // Identity providers sign logout tokens, security events and the like with the same keys,
    // often for the same audience and subject: typed as such, they are no login (RFC 8725 3.11).
    for (String type : List.of("logout+jwt", "application/secevent+jwt", "dpop+jwt", "JOSE")) {
      String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID()).type(new JOSEObjectType(type)).build(),
          validClaims().build(), RSA);
      assertTrue(rejected(authenticator, "alice", token).startsWith("token type \"" + type + "\""), type);
    }
    for (String type : List.of("JWT", "jwt", "at+jwt", "application/at+JWT", "application/jwt")) {
      String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID()).type(new JOSEObjectType(type)).build(),
          validClaims().build(), RSA);
      accepted(authenticator, "alice", token);
    }
    // Without typ (most access tokens): accepted, as before.
    accepted(authenticator, "alice", rsaToken(validClaims().build()));
  }

  @Test
  void tokenWithoutKidIsRejected() {
    String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), validClaims().build(), RSA);
    assertEquals("token has no kid header", rejected(authenticator, "alice", token));
  }

  @Test
  void tamperedPayloadFailsTheSignature() {
    String token = rsaToken(validClaims().build());
    String[] parts = token.split("\\.");
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
        validClaims().claim("groups", List.of("admins")).build().toString().getBytes(StandardCharsets.UTF_8));
    assertEquals("signature does not verify", rejected(authenticator, "alice", parts[0] + "." + forged + "." + parts[2]));
  }

  @Test
  void unknownKidIsFoundAfterRotationOnceTheRefreshIntervalAllows() throws Exception {
    String rotated = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ROTATED_RSA.getKeyID()).build(),
        validClaims().build(), ROTATED_RSA);
    accepted(authenticator, "alice", rsaToken(validClaims().build()));
    clock.advance(Duration.ofSeconds(31));

    // Not published yet: the unknown kid triggers one re-read, which does not have it either.
    assertTrue(rejected(authenticator, "alice", rotated).contains("no key with kid \"rsa-2\""));
    TestTokens.writeJwks(jwksFile, List.of(RSA, EC, ROTATED_RSA));
    clock.advance(Duration.ofSeconds(10));
    assertTrue(rejected(authenticator, "alice", rotated).contains("no key with kid"),
        "within the minimum refresh interval the file must not be read again");

    clock.advance(Duration.ofSeconds(21));
    accepted(authenticator, "alice", rotated);
  }

  @Test
  void keyWithdrawnFromTheJwksStopsWorkingAfterTheCacheExpires() throws Exception {
    String token = rsaToken(validClaims().expirationTime(Date.from(NOW.plus(Duration.ofHours(1)))).build());
    accepted(authenticator, "alice", token);
    TestTokens.writeJwks(jwksFile, List.of(EC));

    clock.advance(Duration.ofMinutes(4));
    accepted(authenticator, "alice", token);
    clock.advance(Duration.ofMinutes(2));
    assertTrue(rejected(authenticator, "alice", token).contains("no key with kid \"rsa-1\""));
  }

  @Test
  void missingJwksFileRejectsTokensAndFailsLoadKeys() {
    JwtAuthenticator missing = new JwtAuthenticator(
        JwtSettings.of(ISSUER, AUDIENCE, new JwksLocation.LocalFile(directory.resolve("absent.json"))), clock);

    assertTrue(rejected(missing, "alice", rsaToken(validClaims().build())).startsWith("JWKS unavailable"));
    assertThrows(IOException.class, missing::loadKeys);
  }

  @Test
  void customUserClaimAndExplicitAttributeClaims() {
    JwtAuthenticator custom = new JwtAuthenticator(
        JwtSettings.builder(ISSUER, AUDIENCE)
            .jwks(new JwksLocation.LocalFile(jwksFile))
            .userClaim("preferred_username")
            .groupsClaim("roles")
            .attributeClaims(Set.of("region", "sub"))
            .build(),
        clock);
    String token = rsaToken(validClaims()
        .subject("f81d4fae-7dec")
        .claim("preferred_username", "alice")
        .claim("roles", List.of("analysts"))
        .claim("region", "EU")
        .claim("department", "marketing")
        .build());

    assertEquals(
        new Subject("alice", List.of("analysts"), Map.of("region", "EU", "sub", "f81d4fae-7dec")),
        accepted(custom, "alice", token));
  }

  @Test
  void malformedGroupsClaimIsRejected() {
    assertTrue(rejected(authenticator, "alice", rsaToken(validClaims().claim("groups", 42).build())).contains("groups"));
    assertTrue(rejected(authenticator, "alice", rsaToken(validClaims().claim("groups", List.of("a", 1)).build())).contains("groups"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "....", "eyJ9.eyJ9.eyJ9"})
  void garbageIsRejected(String token) {
    rejected(authenticator, "alice", token);
    assertEquals(Optional.empty(), authenticator.authenticate("alice", token));
  }

  @Test
  void oversizedTokenIsRejectedBeforeParsing() {
    String huge = rsaToken(validClaims().claim("padding", "x".repeat(20_000)).build());
    assertTrue(rejected(authenticator, "alice", huge).contains("longer than"));
  }

  private static String hmacToken(byte[] secret, String keyId) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keyId).build(), validClaims().build());
    jwt.sign(new MACSigner(secret));
    return jwt.serialize();
  }
}
