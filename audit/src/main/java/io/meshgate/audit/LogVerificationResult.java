package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link AuditChainVerifier#verifyAll} found in a rotated log.
 *
 * @param intact whether every line of every file checked out
 * @param filesChecked files whose every line checked out, in chain order from the oldest
 * @param eventsChecked lines that checked out, in chain order; when broken, those before the
 *     first broken line
 * @param firstSeq the seq of the first line that checked out (1 for a log checked from its
 *     first event); 0 when none did
 * @param firstPreviousHash the {@code prev_hash} of that line: 64 zeros for a log checked from
 *     its first event, and for none; the hash of the last deleted line when retention deleted
 *     the oldest files
 * @param brokenFile the file holding the first broken line; empty when intact
 * @param brokenLine the 1-based number, within {@code brokenFile}, of the first broken line; a
 *     file missing from the middle of the log breaks line 1 of the file after it
 * @param problem what was wrong with that line, beginning with one of the phrases listed in
 *     {@code audit/README.md}; {@code null} when intact
 * @param lastHash the {@code hash} of the last line that checked out (64 zeros for none), to
 *     compare with a head hash kept elsewhere
 */
public record LogVerificationResult(
    boolean intact,
    int filesChecked,
    long eventsChecked,
    long firstSeq,
    String firstPreviousHash,
    Optional<Path> brokenFile,
    OptionalLong brokenLine,
    String problem,
    String lastHash) {

  /**
   * The seq of the last line that checked out (0 for none): with {@link #lastHash()}, the
   * anchor to keep elsewhere and check a later verification against.
   */
  public long lastSeq() {
    return eventsChecked == 0 ? 0 : firstSeq + eventsChecked - 1;
  }

  public LogVerificationResult {
    requireNonNull(firstPreviousHash, "firstPreviousHash is null");
    requireNonNull(brokenFile, "brokenFile is null");
    requireNonNull(brokenLine, "brokenLine is null");
    requireNonNull(lastHash, "lastHash is null");
    if (filesChecked < 0 || eventsChecked < 0 || firstSeq < 0) {
      throw new IllegalArgumentException(
          "filesChecked, eventsChecked and firstSeq must not be negative");
    }
    if (intact != brokenFile.isEmpty()
        || intact != brokenLine.isEmpty()
        || intact != (problem == null)) {
      throw new IllegalArgumentException(
          "an intact result has no broken file, line or problem; a broken one has all three");
    }
  }
}
