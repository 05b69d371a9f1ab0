package io.meshgate.proxy.robustness;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 as PostgreSQL runs it (RFC 5802, RFC 7677, no channel
 * binding, empty SCRAM user name), written for raw-socket tests that must get past
 * authentication before they misbehave. One instance per exchange.
 */
final class ScramSha256Client {
  static final String MECHANISM = "SCRAM-SHA-256";
  private static final String GS2_HEADER = "n,,";

  private final String password;
  private final String clientFirstBare;
  private byte[] expectedServerSignature;

  ScramSha256Client(String password, SecureRandom random) {
    this.password = requireNonNull(password, "password is null");
    byte[] nonce = new byte[18];
    random.nextBytes(nonce);
    this.clientFirstBare = "n=,r=" + Base64.getEncoder().encodeToString(nonce);
  }

  byte[] clientFirstMessage() {
    return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
  }

  /** The client-final-message for the server-first-message of AuthenticationSASLContinue. */
  byte[] clientFinalMessage(byte[] serverFirstMessage) throws GeneralSecurityException {
    String serverFirst = new String(serverFirstMessage, StandardCharsets.UTF_8);
    Map<Character, String> attributes = attributes(serverFirst);
    String nonce = attributes.get('r');
    String clientNonce = clientFirstBare.substring(clientFirstBare.indexOf("r=") + 2);
    if (nonce == null || !nonce.startsWith(clientNonce) || !attributes.containsKey('s') || !attributes.containsKey('i')) {
      throw new GeneralSecurityException("unexpected server-first-message: " + serverFirst);
    }
    byte[] salt = Base64.getDecoder().decode(attributes.get('s'));
    int iterations = Integer.parseInt(attributes.get('i'));
    SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
    byte[] saltedPassword = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    byte[] clientKey = hmac(saltedPassword, "Client Key");
    byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
    String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8)) + ",r=" + nonce;
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientSignature = hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
    }
    expectedServerSignature = hmac(hmac(saltedPassword, "Server Key"), authMessage);
    return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
  }

  /** Whether AuthenticationSASLFinal proves that the server knows the verifier. */
  boolean serverFinalIsValid(byte[] serverFinalMessage) {
    String serverFinal = new String(serverFinalMessage, StandardCharsets.UTF_8);
    String signature = attributes(serverFinal).get('v');
    return expectedServerSignature != null && signature != null
        && MessageDigest.isEqual(expectedServerSignature, Base64.getDecoder().decode(signature));
  }

  private static Map<Character, String> attributes(String message) {
    Map<Character, String> attributes = new HashMap<>();
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(1) == '=') {
        attributes.put(part.charAt(0), part.substring(2));
      }
    }
    return attributes;
  }

  private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
  }
}
