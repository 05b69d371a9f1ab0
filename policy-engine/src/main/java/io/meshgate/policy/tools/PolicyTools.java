package io.meshgate.policy.tools;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.command.CommandResult;
import io.meshgate.policy.command.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the policy checks of {@code policies/check} on any policies folder: {@code opa check
 * --strict}, the layout rules of {@code global/layout.rego}, {@code opa fmt}, {@code opa test}, all
 * in bundle mode on a private copy of the folder.
 *
 * <p>Why Java runs the script instead of repeating it: the script is what the build and the domain
 * teams run, and a second implementation of the same steps would drift (a new step, a changed
 * flag, the file selection). The build packages the script into this jar, so a deployed Meshgate
 * that has no repository beside its policies folder runs the very same checks. The price is that
 * {@code bash} (3.2 or newer) must be on the {@code PATH}; the script keeps to portable bash and
 * POSIX tools for that reason.
 *
 * <p>Blocking: the checks take a fraction of a second for the demo policies, longer with many
 * tests. Call it off any event loop.
 */
public final class PolicyTools {

  /** The bound on one run; {@code opa test} itself stops each test after 5 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  /** How the script names itself in its messages. */
  static final String SCRIPT_NAME = "policies/check";

  private static final String WARNING_PREFIX = SCRIPT_NAME + ": warning: ";

  private PolicyTools() {}

  /**
   * Every check, as {@code policies/check} with no arguments: the policies must compile in strict
   * mode, follow the layout, be formatted and pass their tests.
   *
   * @throws IOException if the checks cannot be run at all (no {@code bash}, no such folder)
   */
  public static PolicyToolResult check(Path policiesDirectory, Path opa) throws IOException, InterruptedException {
    return run(policiesDirectory, opa, List.of(), List.of(), DEFAULT_TIMEOUT);
  }

  /**
   * Only {@code opa test}, with {@code extraArguments} passed to it as they are (e.g. {@code -v},
   * {@code --run sales}), as {@code policies/check --test-only …}.
   *
   * @throws IOException if the tests cannot be run at all (no {@code bash}, no such folder)
   */
  public static PolicyToolResult test(Path policiesDirectory, Path opa, List<String> extraArguments)
      throws IOException, InterruptedException {
    requireNonNull(extraArguments, "extraArguments is null");
    return run(policiesDirectory, opa, List.of("--test-only"), extraArguments, DEFAULT_TIMEOUT);
  }

  /**
   * The checks a live reload runs before it activates new policies: every check, but a file that
   * is not formatted is a {@linkplain PolicyToolResult#warnings() warning}, not a failure, because
   * formatting does not change what a policy decides and a domain team should not have to wait
   * for a reformat to fix a policy.
   */
  public static PolicyToolResult checkBeforeActivation(Path policiesDirectory, Path opa, Duration timeout)
      throws IOException, InterruptedException {
    return run(policiesDirectory, opa, List.of("--format-warnings"), List.of(), timeout);
  }

  private static PolicyToolResult run(
      Path policiesDirectory, Path opa, List<String> options, List<String> testArguments, Duration timeout)
      throws IOException, InterruptedException {
    requireNonNull(policiesDirectory, "policiesDirectory is null");
    requireNonNull(opa, "opa is null");
    if (!Files.isDirectory(policiesDirectory)) {
      throw new IOException("policies folder " + policiesDirectory + " does not exist or is not a folder");
    }
    List<String> command = new ArrayList<>();
    command.add("bash");
    // The script's text as an argument: nothing to unpack to disk, and $0 names it in messages.
    command.add("-c");
    command.add(Script.TEXT);
    command.add(SCRIPT_NAME);
    command.add("--policies");
    command.add(policiesDirectory.toAbsolutePath().toString());
    command.add("--opa");
    command.add(opa.toAbsolutePath().toString());
    command.addAll(options);
    // After --, so an argument meant for opa test can never be read as an option of the script.
    command.add("--");
    command.addAll(testArguments);
    // The script's temporary files go into a folder of ours: a run killed at its time limit
    // cannot clean up after itself.
    Path temporary = Files.createTempDirectory("meshgate-policy-tools-");
    CommandResult result;
    try {
      result = CommandRunner.run(command, policiesDirectory, timeout, Map.of("TMPDIR", temporary.toString()));
    } catch (IOException e) {
      throw new IOException("could not run the policy checks (bash must be on the PATH): " + e.getMessage(), e);
    } finally {
      deleteTree(temporary);
    }
    List<String> output = new ArrayList<>(result.output());
    if (result.timedOut()) {
      output.add(SCRIPT_NAME + ": stopped after " + timeout.toSeconds() + " s (time limit)");
    }
    List<String> warnings = output.stream().filter(line -> line.startsWith(WARNING_PREFIX)).toList();
    return new PolicyToolResult(result.succeeded(), result.timedOut() ? -1 : result.exitCode(), output, warnings, result.duration());
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary folder costs disk space, not correctness.
    }
  }

  /** The script's text, read once from this jar. */
  private static final class Script {
    static final String TEXT = load();

    private static String load() {
      try (InputStream script = PolicyTools.class.getResourceAsStream("check")) {
        if (script == null) {
          throw new IllegalStateException(
              "policies/check is missing from the classpath (io/meshgate/policy/tools/check); the"
                  + " policy-engine build copies it there: rebuild the module");
        }
        return new String(script.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the packaged policies/check", e);
      }
    }
  }
}
