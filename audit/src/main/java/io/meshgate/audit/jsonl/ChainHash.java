package io.meshgate.audit.jsonl;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The hash that links each line to the one before it: lowercase hex SHA-256 over the previous
 * line's hash (as its 64 ASCII characters) followed by this line's canonical bytes.
 */
public final class ChainHash {

  /** The previous hash of the first line of a log. */
  public static final String GENESIS = "0".repeat(64);

  private static final Pattern WELL_FORMED = Pattern.compile("[0-9a-f]{64}");

  private ChainHash() {}

  public static String of(String previousHash, byte[] canonical) {
    requireNonNull(previousHash, "previousHash is null");
    requireNonNull(canonical, "canonical is null");
    MessageDigest digest = newSha256();
    digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
    digest.update(canonical);
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Whether {@code text} looks like a hash of this chain: 64 lowercase hex digits. */
  public static boolean isWellFormed(String text) {
    return text != null && WELL_FORMED.matcher(text).matches();
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
