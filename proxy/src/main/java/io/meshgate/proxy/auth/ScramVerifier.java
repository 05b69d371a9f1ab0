package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stored SCRAM-SHA-256 verifier, written as PostgreSQL writes {@code rolpassword}:
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>} (base64). It cannot be
 * turned back into the password.
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
  public static final int DEFAULT_ITERATIONS = 4096;
  private static final Pattern FORMAT =
      Pattern.compile("SCRAM-SHA-256\\$(\\d+):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");

  public ScramVerifier {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be positive");
    }
    salt = requireNonNull(salt, "salt is null").clone();
    storedKey = requireNonNull(storedKey, "storedKey is null").clone();
    serverKey = requireNonNull(serverKey, "serverKey is null").clone();
    if (storedKey.length != 32 || serverKey.length != 32) {
      throw new IllegalArgumentException("SCRAM-SHA-256 keys have 32 bytes");
    }
  }

  public static ScramVerifier create(String password, SecureRandom random) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    byte[] salted = Scram.saltedPassword(password, salt, DEFAULT_ITERATIONS);
    return new ScramVerifier(
        DEFAULT_ITERATIONS, salt, Scram.sha256(Scram.clientKey(salted)), Scram.serverKey(salted));
  }

  /** Parses the stored form; the exception message names the problem, never the content. */
  public static ScramVerifier parse(String encoded) {
    Matcher matcher = FORMAT.matcher(encoded);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "not a SCRAM-SHA-256 verifier (expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>)");
    }
    Base64.Decoder base64 = Base64.getDecoder();
    return new ScramVerifier(
        Integer.parseInt(matcher.group(1)),
        base64.decode(matcher.group(2)),
        base64.decode(matcher.group(3)),
        base64.decode(matcher.group(4)));
  }

  public String encode() {
    Base64.Encoder base64 = Base64.getEncoder();
    return "SCRAM-SHA-256$" + iterations + ":" + base64.encodeToString(salt) + "$"
        + base64.encodeToString(storedKey) + ":" + base64.encodeToString(serverKey);
  }

  /** Checks a cleartext password against this verifier in constant time. */
  public boolean matches(String password) {
    byte[] salted = Scram.saltedPassword(password, salt, iterations);
    byte[] candidate = Scram.sha256(Scram.clientKey(salted));
    return MessageDigest.isEqual(candidate, storedKey);
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] storedKey() {
    return storedKey.clone();
  }

  @Override
  public byte[] serverKey() {
    return serverKey.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ScramVerifier that && encode().equals(that.encode());
  }

  @Override
  public int hashCode() {
    return encode().hashCode();
  }

  @Override
  public String toString() {
    return "ScramVerifier[iterations=" + iterations + "]";
  }
}
