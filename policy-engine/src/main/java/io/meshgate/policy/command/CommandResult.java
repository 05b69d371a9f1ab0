package io.meshgate.policy.command;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How a finished (or killed) command ended.
 *
 * @param exitCode the process's exit code; meaningless when {@code timedOut}
 * @param timedOut the command ran past its time limit and was killed with its children
 * @param output standard output and standard error interleaved as the command wrote them, as
 *     lines, cut after {@link CommandRunner#MAXIMUM_OUTPUT_LINES}
 * @param duration how long it ran
 */
public record CommandResult(int exitCode, boolean timedOut, List<String> output, Duration duration) {
  public CommandResult {
    output = List.copyOf(requireNonNull(output, "output is null"));
    requireNonNull(duration, "duration is null");
  }

  /** Exited with 0 within its time limit. */
  public boolean succeeded() {
    return !timedOut && exitCode == 0;
  }

  /** The output as one text, lines separated by {@code \n}. */
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
