package io.meshgate.policy.reload;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where live reload stands, for health endpoints, metrics and {@code meshgate policy status}.
 *
 * @param activeRevision the revision OPA serves
 * @param folderRevision the revision of the policies folder when it was last read; empty before
 *     the first read or while the folder cannot be read
 * @param lastAttempt the most recent attempt to activate, whatever its outcome
 * @param lastError the most recent attempt that did not activate; it stays after later successes,
 *     so compare its time with {@code lastAttempt}'s, or use {@link #upToDate()}
 * @param activations attempts that activated a revision since start, for metrics
 * @param failures attempts that did not (rejected or failed) since start, for metrics
 */
public record PolicyReloadStatus(
    String activeRevision,
    Optional<String> folderRevision,
    Optional<ReloadAttempt> lastAttempt,
    Optional<ReloadAttempt> lastError,
    long activations,
    long failures) {
  public PolicyReloadStatus {
    requireNonNull(activeRevision, "activeRevision is null");
    requireNonNull(folderRevision, "folderRevision is null");
    requireNonNull(lastAttempt, "lastAttempt is null");
    requireNonNull(lastError, "lastError is null");
    if (activations < 0 || failures < 0) {
      throw new IllegalArgumentException("counters must not be negative");
    }
    lastError.ifPresent(
        error -> {
          if (error.outcome().isSuccess()) {
            throw new IllegalArgumentException("lastError must be an attempt that did not activate");
          }
        });
  }

  /** OPA serves what the folder holds: no edit is waiting or was refused. */
  public boolean upToDate() {
    return folderRevision.map(activeRevision::equals).orElse(false);
  }
}
