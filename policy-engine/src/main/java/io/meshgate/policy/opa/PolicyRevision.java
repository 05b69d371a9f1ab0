package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Names the content of a policies folder: the first 12 hex characters of a SHA-256 over the
 * sorted relative paths and contents of every {@code .rego} and {@code .json} file. Two
 * folders with the same policies get the same revision, so decision caches and audit events
 * can say which policies a decision came from. Build output ({@code target}) and hidden entries
 * are skipped, exactly as {@link ManagedOpaProcess} tells OPA to skip them.
 */
public final class PolicyRevision {

  private static final int HEX_CHARACTERS = 12;

  private PolicyRevision() {}

  public static String of(Path policiesDirectory) throws IOException {
    requireNonNull(policiesDirectory, "policiesDirectory is null");
    if (!Files.isDirectory(policiesDirectory)) {
      throw new IOException("policies folder " + policiesDirectory + " does not exist or is not a folder");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(policiesDirectory)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(path -> isPolicyFile(policiesDirectory, path))
              .map(policiesDirectory::relativize)
              // Sorted by the text with '/' so the order is the same on every platform.
              .sorted((left, right) -> slashed(left).compareTo(slashed(right)))
              .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    MessageDigest digest = sha256();
    for (Path relative : files) {
      byte[] name = slashed(relative).getBytes(StandardCharsets.UTF_8);
      byte[] content = Files.readAllBytes(policiesDirectory.resolve(relative));
      // Lengths before each part, so no two different folders hash the same bytes.
      digest.update(longBytes(name.length));
      digest.update(name);
      digest.update(longBytes(content.length));
      digest.update(content);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, HEX_CHARACTERS);
  }

  private static boolean isPolicyFile(Path root, Path file) {
    String name = file.getFileName().toString();
    if (!(name.endsWith(".rego") || name.endsWith(".json"))) {
      return false;
    }
    for (Path part : root.relativize(file)) {
      if (ManagedOpaProcess.isIgnoredName(part.toString())) {
        return false;
      }
    }
    return true;
  }

  private static String slashed(Path relative) {
    return String.join("/", StreamSupport.stream(relative.spliterator(), false).map(Path::toString).toList());
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
