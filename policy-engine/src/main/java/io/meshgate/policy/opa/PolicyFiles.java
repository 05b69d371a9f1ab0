package io.meshgate.policy.opa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The files of a policies folder that OPA loads when it serves the folder as a bundle: every
 * {@code .rego} file and the data files {@code data.json}, {@code data.yaml} and {@code
 * data.yml}. Build output ({@code target}) and hidden entries are skipped. Symbolic links are
 * followed, so a folder mounted the Kubernetes way (files linked through a hidden {@code ..data}
 * folder) is read like a plain one.
 *
 * <p>Bundle rules, not {@code opa run <folder>} rules, on purpose: the latter also loads every
 * other {@code .json} and {@code .yaml} file, the former ignores them. Meshgate serves bundles,
 * and {@code policies/check} checks in bundle mode, so the revision, the snapshot, the checks and
 * what OPA serves all see the same files.
 */
final class PolicyFiles {

  private static final Set<String> DATA_FILE_NAMES = Set.of("data.json", "data.yaml", "data.yml");

  private PolicyFiles() {}

  /** The policy files below {@code root}, relative to it, sorted by their {@code /}-separated text. */
  static List<Path> list(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("policies folder " + root + " does not exist or is not a folder");
    }
    try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
      return walk.filter(Files::isRegularFile)
          .map(root::relativize)
          .filter(PolicyFiles::isPolicyFile)
          // Sorted by the text with '/' so the order is the same on every platform.
          .sorted((left, right) -> slashed(left).compareTo(slashed(right)))
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Whether OPA skips an entry of this name while loading, as told by {@code --ignore}. */
  static boolean isIgnoredName(String name) {
    return name.equals("target") || name.startsWith(".");
  }

  static String slashed(Path relative) {
    return String.join("/", StreamSupport.stream(relative.spliterator(), false).map(Path::toString).toList());
  }

  private static boolean isPolicyFile(Path relative) {
    for (Path part : relative) {
      if (isIgnoredName(part.toString())) {
        return false;
      }
    }
    String name = relative.getFileName().toString();
    return name.endsWith(".rego") || DATA_FILE_NAMES.contains(name);
  }
}
