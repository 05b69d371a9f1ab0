package io.meshgate.policy.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The values live reload reports: what they accept and what they mean. */
class PolicyReloadStatusTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:15:00Z");

  private static ReloadAttempt attempt(String revision, ReloadOutcome outcome) {
    return new ReloadAttempt(Optional.of(revision), NOW, Duration.ofMillis(300), outcome, "message", List.of());
  }

  @Test
  void upToDateWhenTheFolderHoldsWhatOpaServes() {
    assertTrue(new PolicyReloadStatus("aaa", Optional.of("aaa"), Optional.empty(), Optional.empty(), 0, 0).upToDate());
    assertFalse(new PolicyReloadStatus("aaa", Optional.of("bbb"), Optional.empty(), Optional.empty(), 0, 0).upToDate());
    assertFalse(new PolicyReloadStatus("aaa", Optional.empty(), Optional.empty(), Optional.empty(), 0, 0).upToDate());
  }

  @Test
  void theLastErrorIsNeverASuccess() {
    Optional<ReloadAttempt> activated = Optional.of(attempt("bbb", ReloadOutcome.ACTIVATED));

    assertThrows(
        IllegalArgumentException.class,
        () -> new PolicyReloadStatus("bbb", Optional.of("bbb"), activated, activated, 1, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PolicyReloadStatus("bbb", Optional.of("bbb"), activated, Optional.empty(), -1, 0));
  }

  @Test
  void anActivationNamesItsRevisionAndOutputIsCopied() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReloadAttempt(Optional.empty(), NOW, Duration.ZERO, ReloadOutcome.ACTIVATED, "activated", List.of()));
    List<String> output = new ArrayList<>(List.of("line"));
    ReloadAttempt failed = new ReloadAttempt(Optional.empty(), NOW, Duration.ZERO, ReloadOutcome.FAILED, "unreadable", output);
    output.add("later");

    assertEquals(List.of("line"), failed.output());
  }

  @Test
  void onlyAnActivationIsASuccess() {
    assertTrue(ReloadOutcome.ACTIVATED.isSuccess());
    assertFalse(ReloadOutcome.REJECTED.isSuccess());
    assertFalse(ReloadOutcome.FAILED.isSuccess());
  }

  @Test
  void aChangeNeedsTwoRevisions() {
    assertThrows(IllegalArgumentException.class, () -> new PolicyRevisionChange("aaa", "aaa", NOW));
    assertEquals("bbb", new PolicyRevisionChange("aaa", "bbb", NOW).newRevision());
  }

  @Test
  void settingsAreValidated() {
    Duration second = Duration.ofSeconds(1);
    assertThrows(IllegalArgumentException.class, () -> new PolicyReloadSettings(Duration.ZERO, second, second, second, second));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PolicyReloadSettings(Duration.ofSeconds(3), Duration.ofSeconds(2), second, second, second),
        "maximumDelay shorter than debounce");
    assertEquals(Duration.ofMillis(200), PolicyReloadSettings.DEFAULTS.debounce());
    assertEquals(Duration.ofSeconds(1), PolicyReloadSettings.DEFAULTS.pollInterval());
  }
}
