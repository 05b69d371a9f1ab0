package io.meshgate.proxy.backend;

import io.meshgate.proxy.auth.Scram;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The client side of one SCRAM-SHA-256 exchange (RFC 5802), without channel binding. */
final class ScramClient {
  private static final String GS2_HEADER = "n,,";

  private final String password;
  private final SaltedPasswordCache saltedPasswords;
  private final String clientNonce;
  private String clientFirstBare;
  private byte[] expectedServerSignature;

  ScramClient(String password, SaltedPasswordCache saltedPasswords, SecureRandom random) {
    this.password = password;
    this.saltedPasswords = saltedPasswords;
    byte[] nonce = new byte[18];
    random.nextBytes(nonce);
    this.clientNonce = Base64.getEncoder().encodeToString(nonce);
  }

  /** client-first-message; PostgreSQL takes the user from the startup message, so n= is empty. */
  byte[] clientFirstMessage() {
    clientFirstBare = "n=,r=" + clientNonce;
    return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
  }

  byte[] clientFinalMessage(byte[] serverFirstBytes) throws BackendException {
    String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
    Map<Character, String> attributes = attributes(serverFirst);
    String nonce = attributes.get('r');
    String salt = attributes.get('s');
    String iterations = attributes.get('i');
    if (nonce == null || salt == null || iterations == null || !nonce.startsWith(clientNonce)) {
      throw new BackendException("08006", "backend sent an invalid SCRAM server-first-message", null);
    }
    byte[] salted;
    try {
      salted = saltedPasswords.saltedPassword(password, Base64.getDecoder().decode(salt), Integer.parseInt(iterations));
    } catch (IllegalArgumentException e) {
      throw new BackendException("08006", "backend sent an invalid SCRAM salt or iteration count", e);
    }
    String clientFinalWithoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8)) + ",r=" + nonce;
    String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof;
    byte[] clientKey = Scram.clientKey(salted);
    byte[] clientSignature = Scram.hmac(Scram.sha256(clientKey), authMessage);
    byte[] proof = Scram.xor(clientKey, clientSignature);
    expectedServerSignature = Scram.hmac(Scram.serverKey(salted), authMessage);
    return (clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Proves the backend knew the password too; a mismatch means a spoofed backend. */
  void verifyServerFinal(byte[] serverFinalBytes) throws BackendException {
    String serverFinal = new String(serverFinalBytes, StandardCharsets.UTF_8);
    String signature = attributes(serverFinal).get('v');
    if (signature == null
        || expectedServerSignature == null
        || !MessageDigest.isEqual(Base64.getDecoder().decode(signature), expectedServerSignature)) {
      throw new BackendException("08006", "backend failed SCRAM server verification", null);
    }
  }

  private static Map<Character, String> attributes(String message) {
    Map<Character, String> result = new HashMap<>();
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(1) == '=') {
        result.put(part.charAt(0), part.substring(2));
      }
    }
    return result;
  }
}
