package io.meshgate.proxy.demo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the directory holding the PostgreSQL server binaries ({@code initdb}, {@code postgres}).
 *
 * <p>Order: the environment variable {@value #ENVIRONMENT_VARIABLE}; the newest
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's layout, several versions may sit side by
 * side); else the repository's {@code proxy/bin/ensure-postgres}, which also knows
 * {@code pg_config} and {@code PATH} and may install PostgreSQL. The script is the last resort
 * because it can take minutes; the first two cost a directory listing.
 */
public final class PostgresBinaries {
  public static final String ENVIRONMENT_VARIABLE = "MESHGATE_PG_BIN";
  static final Path DEBIAN_INSTALLATIONS = Path.of("/usr/lib/postgresql");
  static final String ENSURE_SCRIPT = "proxy/bin/ensure-postgres";
  private static final long SCRIPT_TIMEOUT_MINUTES = 15;

  private final Map<String, String> environment;
  private final Path installationsDirectory;
  private final Optional<Path> repositoryRoot;

  PostgresBinaries(Map<String, String> environment, Path installationsDirectory, Optional<Path> repositoryRoot) {
    this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    this.installationsDirectory = requireNonNull(installationsDirectory, "installationsDirectory is null");
    this.repositoryRoot = requireNonNull(repositoryRoot, "repositoryRoot is null");
  }

  /** The bin directory for this machine, as seen from this process's environment. */
  public static Path locate() {
    return new PostgresBinaries(System.getenv(), DEBIAN_INSTALLATIONS, RepositoryRoot.find()).find();
  }

  Path find() {
    String configured = environment.get(ENVIRONMENT_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      Path directory = Path.of(configured);
      if (!hasServer(directory)) {
        // An explicit choice that does not work is an error, not a hint to look elsewhere.
        throw new LocalPostgresException(ENVIRONMENT_VARIABLE + "=" + configured
            + " has no initdb and postgres; point it at a PostgreSQL bin directory or unset it");
      }
      return directory;
    }
    Optional<Path> installed = newestInstallation(installationsDirectory);
    if (installed.isPresent()) {
      return installed.get();
    }
    Path script = repositoryRoot
        .map(root -> root.resolve(ENSURE_SCRIPT))
        .filter(Files::isExecutable)
        .orElseThrow(() -> new LocalPostgresException("no PostgreSQL server binaries under "
            + installationsDirectory + " and no repository root to run " + ENSURE_SCRIPT
            + " from; install PostgreSQL (apt-get install postgresql) or set " + ENVIRONMENT_VARIABLE));
    return runEnsureScript(script);
  }

  static boolean hasServer(Path directory) {
    return Files.isExecutable(directory.resolve("initdb")) && Files.isExecutable(directory.resolve("postgres"));
  }

  /** The bin directory of the highest version under {@code installations}, comparing versions numerically. */
  static Optional<Path> newestInstallation(Path installations) {
    if (!Files.isDirectory(installations)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(installations)) {
      return versions
          .filter(version -> parseVersion(version.getFileName().toString()).isPresent())
          .map(version -> version.resolve("bin"))
          .filter(PostgresBinaries::hasServer)
          .max(Comparator.comparing(
              bin -> parseVersion(bin.getParent().getFileName().toString()).orElseThrow(),
              PostgresBinaries::compareVersions));
    } catch (IOException e) {
      throw new LocalPostgresException("cannot list " + installations + ": " + e.getMessage(), e);
    }
  }

  /** "9.6" → [9, 6]; "15" → [15]; anything else is not a version directory. */
  static Optional<List<Integer>> parseVersion(String name) {
    if (!name.matches("\\d+(\\.\\d+)*")) {
      return Optional.empty();
    }
    List<Integer> parts = new ArrayList<>();
    for (String part : name.split("\\.")) {
      parts.add(Integer.parseInt(part));
    }
    return Optional.of(List.copyOf(parts));
  }

  private static int compareVersions(List<Integer> left, List<Integer> right) {
    for (int index = 0; index < Math.min(left.size(), right.size()); index++) {
      int comparison = Integer.compare(left.get(index), right.get(index));
      if (comparison != 0) {
        return comparison;
      }
    }
    return Integer.compare(left.size(), right.size());
  }

  private Path runEnsureScript(Path script) {
    ProcessBuilder builder = new ProcessBuilder(script.toString())
        // The script's progress (an apt-get install can take minutes) goes to our stderr.
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().clear();
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      String output;
      try (InputStream standardOutput = process.getInputStream()) {
        output = new String(standardOutput.readAllBytes(), StandardCharsets.UTF_8).strip();
      }
      if (!process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new LocalPostgresException(script + " did not finish within " + SCRIPT_TIMEOUT_MINUTES + " minutes");
      }
      if (process.exitValue() != 0) {
        throw new LocalPostgresException(script + " failed with exit code " + process.exitValue()
            + " (its message is on standard error above)");
      }
      Path directory = Path.of(output);
      if (!hasServer(directory)) {
        throw new LocalPostgresException(script + " printed '" + output + "', which has no initdb and postgres");
      }
      return directory;
    } catch (IOException e) {
      throw new LocalPostgresException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalPostgresException("interrupted while running " + script, e);
    }
  }

  /** Where the Meshgate checkout is, so that its scripts can be run. */
  static final class RepositoryRoot {
    static final String PROPERTY = "meshgate.root";
    static final String ENVIRONMENT_VARIABLE = "MESHGATE_ROOT";

    private RepositoryRoot() {}

    /**
     * The {@value #PROPERTY} system property (set by the build), {@value #ENVIRONMENT_VARIABLE},
     * or the nearest ancestor of the working directory that holds the script.
     */
    static Optional<Path> find() {
      for (String configured : new String[] {System.getProperty(PROPERTY), System.getenv(ENVIRONMENT_VARIABLE)}) {
        if (configured != null && !configured.isBlank()) {
          return Optional.of(Path.of(configured).toAbsolutePath());
        }
      }
      for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
        if (Files.isRegularFile(directory.resolve(ENSURE_SCRIPT))) {
          return Optional.of(directory);
        }
      }
      return Optional.empty();
    }
  }
}
