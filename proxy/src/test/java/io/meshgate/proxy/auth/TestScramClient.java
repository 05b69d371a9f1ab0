package io.meshgate.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The client half of SCRAM-SHA-256 written from RFC 5802 for the tests, independent of the
 * server code under test; it can be told to misbehave.
 */
final class TestScramClient {
  private final String password;
  private final String gs2Header;
  private final String scramUser;
  private final String clientNonce;
  private String clientFirstBare;
  private byte[] expectedServerSignature;

  TestScramClient(String password) {
    this(password, "n,,", randomNonce());
  }

  TestScramClient(String password, String gs2Header, String clientNonce) {
    this(password, gs2Header, "", clientNonce);
  }

  TestScramClient(String password, String gs2Header, String scramUser, String clientNonce) {
    this.password = password;
    this.gs2Header = gs2Header;
    this.scramUser = scramUser;
    this.clientNonce = clientNonce;
  }

  byte[] clientFirst() {
    clientFirstBare = "n=" + scramUser + ",r=" + clientNonce;
    return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
  }

  byte[] clientFinal(byte[] serverFirstMessage) {
    return clientFinal(serverFirstMessage, Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8)));
  }

  /** With an explicit c= value, to test the channel-binding check. */
  byte[] clientFinal(byte[] serverFirstMessage, String channelBinding) {
    String serverFirst = new String(serverFirstMessage, StandardCharsets.UTF_8);
    Map<Character, String> attributes = attributes(serverFirst);
    String nonce = attributes.get('r');
    if (!nonce.startsWith(clientNonce) || nonce.length() <= clientNonce.length()) {
      throw new AssertionError("server nonce does not extend the client nonce: " + serverFirst);
    }
    byte[] salt = Base64.getDecoder().decode(attributes.get('s'));
    int iterations = Integer.parseInt(attributes.get('i'));
    byte[] salted = Scram.saltedPassword(password, salt, iterations);
    String withoutProof = "c=" + channelBinding + ",r=" + nonce;
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientKey = Scram.clientKey(salted);
    byte[] proof = Scram.xor(clientKey, Scram.hmac(Scram.sha256(clientKey), authMessage));
    expectedServerSignature = Scram.hmac(Scram.serverKey(salted), authMessage);
    return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
  }

  boolean serverFinalIsValid(byte[] serverFinalMessage) {
    String serverFinal = new String(serverFinalMessage, StandardCharsets.UTF_8);
    if (!serverFinal.startsWith("v=")) {
      return false;
    }
    return MessageDigest.isEqual(Base64.getDecoder().decode(serverFinal.substring(2)), expectedServerSignature);
  }

  static Map<Character, String> attributes(String message) {
    Map<Character, String> result = new HashMap<>();
    for (String part : message.split(",")) {
      result.put(part.charAt(0), part.substring(2));
    }
    return result;
  }

  private static String randomNonce() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
