package io.meshgate.policy.tools;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * What a run of the policy checks found.
 *
 * @param success every check passed (warnings allowed)
 * @param exitCode the exit status of {@code policies/check}: 0 passed, 1 a check failed, 2 wrong
 *     usage or a missing tool; -1 when it was killed after its time limit
 * @param output everything the checks printed, OPA's messages included, as lines
 * @param warnings the lines that report something to fix that did not fail the run (files that
 *     are not formatted, with {@code --format-warnings})
 * @param duration how long the checks ran
 */
public record PolicyToolResult(
    boolean success, int exitCode, List<String> output, List<String> warnings, Duration duration) {

  public PolicyToolResult {
    output = List.copyOf(requireNonNull(output, "output is null"));
    warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
    requireNonNull(duration, "duration is null");
    if (success && exitCode != 0) {
      throw new IllegalArgumentException("a successful run exits with 0");
    }
  }

  /** The output as one text, lines separated by {@code \n}, as a terminal would show it. */
  public String outputText() {
    return String.join("\n", output);
  }

  /** At most the first {@code lines} lines of the output, for logs and status reports. */
  public List<String> firstLines(int lines) {
    if (lines < 0) {
      throw new IllegalArgumentException("lines must not be negative");
    }
    return output.subList(0, Math.min(lines, output.size()));
  }
}
