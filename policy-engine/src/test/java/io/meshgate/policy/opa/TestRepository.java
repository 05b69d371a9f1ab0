package io.meshgate.policy.opa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the repository (for policies/ and the OPA script) from a test. */
public final class TestRepository {

  private TestRepository() {}

  /**
   * The system property {@code meshgate.root} set by the build, else the nearest folder above the
   * working directory that has {@code policies/} and {@code policy-engine/} (an IDE run).
   */
  public static Path root() {
    String configured = System.getProperty("meshgate.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
      if (Files.isDirectory(folder.resolve("policies")) && Files.isDirectory(folder.resolve("policy-engine"))) {
        return folder;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root: set -Dmeshgate.root or run from inside the repository");
  }

  public static Path policies() {
    return root().resolve("policies");
  }

  public static Path opaBinary() throws OpaStartException {
    return OpaBinary.locate(root());
  }

  /**
   * Copies the repository's policies/ (without build output) into {@code target}, for tests that
   * edit policies.
   */
  public static Path copyPolicies(Path target) throws IOException {
    Path source = policies();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(source)) {
      paths = walk.filter(path -> !source.relativize(path).startsWith("target")).toList();
    }
    for (Path path : paths) {
      Path copy = target.resolve(source.relativize(path).toString());
      if (Files.isDirectory(path)) {
        Files.createDirectories(copy);
      } else {
        Files.copy(path, copy);
      }
    }
    return target;
  }
}
