package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Names the content of a policies folder: the first 12 hex characters of a SHA-256 over the
 * sorted relative paths and contents of every file OPA loads from it as a bundle (every {@code
 * .rego} file and every {@code data.json}, {@code data.yaml}, {@code data.yml}; see {@link
 * PolicySnapshot}). Two folders with the same policies get the same revision, so decision caches
 * and audit events can say which policies a decision came from, and the revision is also the
 * bundle revision that {@link ManagedOpaProcess} serves. Build output ({@code target}) and hidden
 * entries are skipped, exactly as OPA is told to skip them.
 */
public final class PolicyRevision {

  private static final int HEX_CHARACTERS = 12;

  private PolicyRevision() {}

  public static String of(Path policiesDirectory) throws IOException {
    requireNonNull(policiesDirectory, "policiesDirectory is null");
    List<Path> files = PolicyFiles.list(policiesDirectory);
    MessageDigest digest = sha256();
    for (Path relative : files) {
      byte[] name = PolicyFiles.slashed(relative).getBytes(StandardCharsets.UTF_8);
      byte[] content = Files.readAllBytes(policiesDirectory.resolve(relative));
      // Lengths before each part, so no two different folders hash the same bytes.
      digest.update(longBytes(name.length));
      digest.update(name);
      digest.update(longBytes(content.length));
      digest.update(content);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, HEX_CHARACTERS);
  }

  /**
   * Whether a file or folder of this name is skipped, with everything below it: build output
   * ({@code target}) and hidden entries ({@code .git}, editors' swap files).
   */
  public static boolean isIgnoredName(String name) {
    requireNonNull(name, "name is null");
    return PolicyFiles.isIgnoredName(name);
  }

  private static byte[] longBytes(long value) {
    byte[] bytes = new byte[Long.BYTES];
    for (int index = Long.BYTES - 1; index >= 0; index--) {
      bytes[index] = (byte) value;
      value >>>= Byte.SIZE;
    }
    return bytes;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
