package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ScramVerifierTest {

  @Test
  void matchesOnlyTheRightPassword() {
    ScramVerifier verifier = ScramVerifier.create("s3cret pässword", new SecureRandom());
    assertTrue(verifier.matches("s3cret pässword"));
    assertFalse(verifier.matches("s3cret password"));
    assertFalse(verifier.matches(""));
  }

  @Test
  void encodesLikePostgresAndParsesBack() {
    ScramVerifier verifier = ScramVerifier.create("alice", new SecureRandom());
    String encoded = verifier.encode();
    assertTrue(encoded.startsWith("SCRAM-SHA-256$4096:"), encoded);
    assertEquals(verifier, ScramVerifier.parse(encoded));
    assertTrue(ScramVerifier.parse(encoded).matches("alice"));
  }

  @Test
  void followsRfc7677Derivation() {
    // RFC 7677's example: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
    byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    byte[] salted = Scram.saltedPassword("pencil", salt, 4096);
    byte[] clientKey = Scram.clientKey(salted);
    String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    byte[] proof = Scram.xor(clientKey, Scram.hmac(Scram.sha256(clientKey), authMessage));
    assertEquals("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", Base64.getEncoder().encodeToString(proof));
    byte[] serverSignature = Scram.hmac(Scram.serverKey(salted), authMessage);
    assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Base64.getEncoder().encodeToString(serverSignature));
  }

  @Test
  void refusesMalformedVerifiersWithoutEchoingThem() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ScramVerifier.parse("plaintext-secret"));
    assertFalse(error.getMessage().contains("plaintext-secret"));
    assertThrows(IllegalArgumentException.class,
        () -> ScramVerifier.parse("SCRAM-SHA-256$4096:c2FsdA==$YQ==:Yg=="));
  }
}
