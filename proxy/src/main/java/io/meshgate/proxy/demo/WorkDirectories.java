package io.meshgate.proxy.demo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removing the directories the demo and its tests work in once they are done with them. */
public final class WorkDirectories {
  private WorkDirectories() {}

  /**
   * Deletes {@code directory} and everything in it, if it exists. Failures are ignored: this
   * runs on the way out, where a leftover temporary directory is untidy, not wrong.
   */
  public static void deleteQuietly(Path directory) {
    requireNonNull(directory, "directory is null");
    if (!Files.exists(directory)) {
      return;
    }
    try {
      Files.walkFileTree(directory, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path visited, IOException failure) throws IOException {
          Files.deleteIfExists(visited);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // Best effort, as documented.
    }
  }
}
