package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The secret for HMAC-signed tokens (HS256/384/512). Only used when configured explicitly;
 * {@link #toString()} never shows it, so settings can be logged.
 */
public final class JwtSharedSecret {
  /** HS256 needs a key at least as long as its 256-bit hash (RFC 7518, section 3.2). */
  public static final int MINIMUM_LENGTH = 32;

  private final byte[] bytes;

  private JwtSharedSecret(byte[] bytes) {
    if (bytes.length < MINIMUM_LENGTH) {
      throw new IllegalArgumentException(
          "JWT shared secret must have at least " + MINIMUM_LENGTH + " bytes, has " + bytes.length);
    }
    this.bytes = bytes.clone();
  }

  public static JwtSharedSecret of(byte[] bytes) {
    return new JwtSharedSecret(requireNonNull(bytes, "bytes is null"));
  }

  public static JwtSharedSecret ofUtf8(String secret) {
    return new JwtSharedSecret(requireNonNull(secret, "secret is null").getBytes(StandardCharsets.UTF_8));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof JwtSharedSecret that && MessageDigest.isEqual(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return bytes.length;
  }

  @Override
  public String toString() {
    return "JwtSharedSecret[" + bytes.length + " bytes]";
  }
}
