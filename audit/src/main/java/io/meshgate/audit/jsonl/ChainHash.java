package io.meshgate.audit.jsonl;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that links each line to the one before it: lowercase hex SHA-256 over the previous
 * line's hash (as its 64 ASCII characters) followed by this line's canonical bytes.
 */
public final class ChainHash {

  /** The previous hash of the first line of a log. */
  public static final String GENESIS = "0".repeat(64);

  private static final HexFormat HEX = HexFormat.of();

  private ChainHash() {}

  public static String of(String previousHash, byte[] canonical) {
    requireNonNull(previousHash, "previousHash is null");
    requireNonNull(canonical, "canonical is null");
    MessageDigest digest = newSha256();
    digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
    digest.update(canonical);
    return HEX.formatHex(digest.digest());
  }

  /** Whether {@code text} looks like a hash of this chain: 64 lowercase hex digits. */
  public static boolean isWellFormed(String text) {
    if (text == null || text.length() != 64) {
      return false;
    }
    for (int index = 0; index < text.length(); index++) {
      char character = text.charAt(index);
      if (!(character >= '0' && character <= '9') && !(character >= 'a' && character <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The chain's hash over canonical bytes given in parts, with one reused SHA-256 instance:
   * for the thread that writes a log, which hashes every line. Not thread-safe.
   */
  public static final class Digest {
    private final MessageDigest digest = newSha256();

    /** The same as {@link ChainHash#of} over the concatenation of {@code canonicalParts}. */
    public String of(String previousHash, byte[]... canonicalParts) {
      requireNonNull(previousHash, "previousHash is null");
      digest.reset();
      digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
      for (byte[] part : canonicalParts) {
        digest.update(part);
      }
      return HEX.formatHex(digest.digest());
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available", impossible);
    }
  }
}
