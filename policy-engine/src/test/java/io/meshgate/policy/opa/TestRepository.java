package io.meshgate.policy.opa;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository (for policies/ and the OPA script) from a test. */
final class TestRepository {

  private TestRepository() {}

  /**
   * The system property {@code meshgate.root} set by the build, else the nearest folder above the
   * working directory that has {@code policies/} and {@code policy-engine/} (an IDE run).
   */
  static Path root() {
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

  static Path policies() {
    return root().resolve("policies");
  }

  static Path opaBinary() throws OpaStartException {
    return OpaBinary.locate(root());
  }
}
