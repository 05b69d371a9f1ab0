package io.meshgate.policy.reload;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One attempt to activate the content of the policies folder.
 *
 * @param revision the folder's revision that was tried; empty when the folder could not be read
 * @param time when the attempt ended
 * @param duration how long it took, checks included
 * @param outcome activated, rejected by the checks, or failed for another reason
 * @param message one sentence for logs and operators
 * @param output the first {@value PolicyReloader#REPORTED_OUTPUT_LINES} lines of what the checks or
 *     OPA printed for a failure; the warnings (unformatted files) for an activation
 */
public record ReloadAttempt(
    Optional<String> revision,
    Instant time,
    Duration duration,
    ReloadOutcome outcome,
    String message,
    List<String> output) {
  public ReloadAttempt {
    requireNonNull(revision, "revision is null");
    requireNonNull(time, "time is null");
    requireNonNull(duration, "duration is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(message, "message is null");
    output = List.copyOf(requireNonNull(output, "output is null"));
    if (outcome == ReloadOutcome.ACTIVATED && revision.isEmpty()) {
      throw new IllegalArgumentException("an activation names its revision");
    }
  }
}
