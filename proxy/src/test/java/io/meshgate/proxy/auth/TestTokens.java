package io.meshgate.proxy.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Keys and tokens made in the test, the way an identity provider would make them. */
final class TestTokens {
  static final String ISSUER = "https://idp.example.com/realms/mesh";
  static final String AUDIENCE = "meshgate";
  static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  static final RSAKey RSA = generateRsa("rsa-1");
  static final ECKey EC = generateEc("ec-1");
  static final RSAKey ROTATED_RSA = generateRsa("rsa-2");
  static final RSAKey ATTACKER_RSA = generateRsa("rsa-1");

  private TestTokens() {}

  /** Claims that pass every check for alice at {@link #NOW}. */
  static JWTClaimsSet.Builder validClaims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("alice")
        .issueTime(Date.from(NOW.minusSeconds(10)))
        .notBeforeTime(Date.from(NOW.minusSeconds(10)))
        .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(5))))
        .jwtID("token-1");
  }

  static String rsaToken(JWTClaimsSet claims) {
    return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID()).build(), claims, RSA);
  }

  static String sign(JWSHeader header, JWTClaimsSet claims, JWK key) {
    try {
      JWSSigner signer = switch (key) {
        case RSAKey rsa -> new RSASSASigner(rsa);
        case ECKey ec -> new ECDSASigner(ec);
        default -> throw new IllegalArgumentException("no signer for " + key.getKeyType());
      };
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the public halves of {@code keys} as a JWKS file. */
  static void writeJwks(Path file, List<JWK> keys) throws IOException {
    Files.writeString(file, publicJwks(keys), StandardCharsets.UTF_8);
  }

  static String publicJwks(List<JWK> keys) {
    return new JWKSet(keys.stream().map(JWK::toPublicJWK).toList()).toString();
  }

  private static RSAKey generateRsa(String keyId) {
    try {
      return new RSAKeyGenerator(2048).keyID(keyId).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ECKey generateEc(String keyId) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
