package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private copy of the policy files of a folder (see {@link PolicyRevision} for which files), in
 * a temporary folder that {@link #close()} deletes. Checks, tests and the bundle are made from
 * the copy, so what is checked is exactly what is served even if someone keeps editing the
 * original; a file caught half-written is in the copy as it was, fails the checks, and the
 * finished edit makes a new snapshot.
 */
public final class PolicySnapshot implements AutoCloseable {

  private final Path directory;
  private final String revision;

  private PolicySnapshot(Path directory, String revision) {
    this.directory = directory;
    this.revision = revision;
  }

  /**
   * Copies the policy files of {@code policiesDirectory} into a new temporary folder.
   *
   * @throws IOException if the folder cannot be read (a file that disappears while copying
   *     included) or the copy cannot be written; nothing is left behind
   */
  public static PolicySnapshot copy(Path policiesDirectory) throws IOException {
    requireNonNull(policiesDirectory, "policiesDirectory is null");
    List<Path> files = PolicyFiles.list(policiesDirectory);
    Path directory = Files.createTempDirectory("meshgate-policies-");
    try {
      for (Path relative : files) {
        Path target = directory.resolve(relative.toString());
        Files.createDirectories(target.getParent());
        // Files.copy follows a link and copies the file it names, as the revision reads it.
        Files.copy(policiesDirectory.resolve(relative), target);
      }
      return new PolicySnapshot(directory, PolicyRevision.of(directory));
    } catch (IOException | RuntimeException e) {
      deleteTree(directory);
      throw e;
    }
  }

  /** The folder holding the copy; valid until {@link #close()}. */
  public Path directory() {
    return directory;
  }

  /** {@link PolicyRevision} of the copy. */
  public String revision() {
    return revision;
  }

  /** Deletes the copy. */
  @Override
  public void close() {
    deleteTree(directory);
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary folder costs disk space, not correctness; the OS cleans /tmp.
    }
  }
}
