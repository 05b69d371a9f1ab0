package io.meshgate.proxy.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Meshgate checkout this process runs from, if any: the {@code meshgate.root} system
 * property (set by proxy/bin/meshgate and the build), else the first parent of the working
 * directory that holds {@code policies/} and {@code policy-engine/bin/ensure-opa}.
 */
public final class RepositoryRoot {
  private RepositoryRoot() {}

  public static Optional<Path> find() {
    String property = System.getProperty("meshgate.root");
    if (property != null && !property.isBlank() && isRoot(Path.of(property))) {
      return Optional.of(Path.of(property).toAbsolutePath().normalize());
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (isRoot(dir)) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  private static boolean isRoot(Path dir) {
    return Files.isDirectory(dir.resolve("policies"))
        && Files.isRegularFile(dir.resolve("policy-engine/bin/ensure-opa"));
  }
}
