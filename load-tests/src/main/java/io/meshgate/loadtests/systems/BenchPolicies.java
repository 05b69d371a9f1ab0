package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The policies the benchmark's Meshgate serves: a copy of the checkout's {@code policies/} plus
 * the {@code public} domain of {@code load-tests/bench-policies/} (pgbench's tables, readable by
 * every authenticated user), with the benchmark database added to the governed catalogs. The
 * checkout's own {@code policies/} is never touched.
 */
public final class BenchPolicies {
  static final String DECISION_FILE = "global/decision.rego";
  static final String GOVERNED_CATALOGS = "governed_catalogs := {\"mesh\"}";
  static final String OVERLAY = "load-tests/bench-policies";
  /** Only the bench domain's tests run on the copy: a global test asserts that {@code public} is no domain, which the copy changes on purpose. */
  static final String TESTS_TO_RUN = "data.meshgate.domains.public_test";

  private BenchPolicies() {}

  /**
   * Writes the copy to {@code destination} (which must not exist yet) and returns it.
   *
   * @param benchDatabase the database name to add to {@code governed_catalogs}
   */
  public static Path prepare(Path repositoryRoot, Path destination, String benchDatabase) {
    requireNonNull(repositoryRoot, "repositoryRoot is null");
    requireNonNull(destination, "destination is null");
    if (!benchDatabase.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain database name: " + benchDatabase);
    }
    try {
      copyTree(repositoryRoot.resolve("policies"), destination);
      copyTree(repositoryRoot.resolve(OVERLAY), destination);
      Path decision = destination.resolve(DECISION_FILE);
      String text = Files.readString(decision, StandardCharsets.UTF_8);
      List<String> matching = text.lines().filter(line -> line.equals(GOVERNED_CATALOGS)).toList();
      if (matching.size() != 1) {
        // The global policy changed shape: say exactly what to update instead of serving a copy that denies everything.
        throw new BenchmarkSetupException("policies/" + DECISION_FILE + " no longer has the line '" + GOVERNED_CATALOGS
            + "' that the benchmark extends with its database; update " + BenchPolicies.class.getName());
      }
      Files.writeString(decision, text.replace(GOVERNED_CATALOGS,
          "governed_catalogs := {\"mesh\", \"" + benchDatabase + "\"}"), StandardCharsets.UTF_8);
      return destination;
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot prepare the benchmark's policies in " + destination + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Runs the domain owners' checks ({@code policies/check}: opa check --strict, layout, fmt, and
   * the bench domain's tests) on the copy.
   *
   * @return what the checks printed
   * @throws BenchmarkSetupException when a check fails
   */
  public static String check(Path repositoryRoot, Path opaBinary, Path policies) {
    List<String> command = List.of("bash", repositoryRoot.resolve("policies/check").toString(),
        "--policies", policies.toString(), "--opa", opaBinary.toString(), "--run", TESTS_TO_RUN);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new BenchmarkSetupException("policies/check on " + policies + " did not finish within 2 minutes");
      }
      if (process.exitValue() != 0) {
        throw new BenchmarkSetupException("the benchmark's policies in " + policies + " fail policies/check:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot run policies/check: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkSetupException("interrupted while checking the benchmark's policies", e);
    }
  }

  /** Copies the files OPA would load (not build output, not hidden entries). */
  private static void copyTree(Path source, Path destination) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(source)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      Path relative = source.relativize(path);
      if (skipped(relative)) {
        continue;
      }
      Path target = destination.resolve(relative.toString());
      if (Files.isDirectory(path)) {
        Files.createDirectories(target);
      } else {
        Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static boolean skipped(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || name.equals("target")) {
        return true;
      }
    }
    return false;
  }
}
