package io.meshgate.policy.reload;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Timing of live reload.
 *
 * @param debounce how long the folder must be quiet after a change before it is read (editors
 *     write a file in several steps, and a save often touches several files)
 * @param maximumDelay the longest a stream of changes can postpone a reload
 * @param pollInterval how often the folder's revision is compared with the last one read, in case
 *     the file system's change notifications miss an event (network file systems, some container
 *     mounts, macOS's polling watch service)
 * @param checkTimeout the bound on the checks and on building the bundle
 * @param retryPause how long to wait before trying again after a failure that was not the
 *     policies' fault (see {@link ReloadOutcome#FAILED}); doubled for each further failure in a
 *     row, up to 5 minutes. An edit of the folder is tried at once regardless.
 */
public record PolicyReloadSettings(
    Duration debounce, Duration maximumDelay, Duration pollInterval, Duration checkTimeout, Duration retryPause) {

  public static final PolicyReloadSettings DEFAULTS =
      new PolicyReloadSettings(
          Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofSeconds(5));

  public PolicyReloadSettings {
    requirePositive(debounce, "debounce");
    requirePositive(maximumDelay, "maximumDelay");
    requirePositive(pollInterval, "pollInterval");
    requirePositive(checkTimeout, "checkTimeout");
    requirePositive(retryPause, "retryPause");
    if (maximumDelay.compareTo(debounce) < 0) {
      throw new IllegalArgumentException("maximumDelay must not be shorter than debounce");
    }
  }

  private static void requirePositive(Duration duration, String name) {
    requireNonNull(duration, name + " is null");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
