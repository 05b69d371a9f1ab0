package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * What {@link AuditChainVerifier} found.
 *
 * @param intact whether every line checked out
 * @param eventsChecked lines that checked out, in order from the first; when the chain is
 *     broken, the lines before the first broken one
 * @param firstBrokenLine the 1-based number of the first line that did not check out; empty
 *     when intact
 * @param problem what was wrong with that line, beginning with one of the phrases listed in
 *     {@code audit/README.md} ("hash mismatch", "seq gap", "truncated line", ...); {@code null}
 *     when intact
 * @param lastHash the {@code hash} of the last line that checked out (64 zeros for none): a
 *     chain cannot show that lines were cut off its end, so compare this with a head hash kept
 *     elsewhere
 */
public record VerificationResult(
    boolean intact,
    long eventsChecked,
    OptionalLong firstBrokenLine,
    String problem,
    String lastHash) {
  public VerificationResult {
    requireNonNull(firstBrokenLine, "firstBrokenLine is null");
    requireNonNull(lastHash, "lastHash is null");
    if (eventsChecked < 0) {
      throw new IllegalArgumentException("eventsChecked must not be negative");
    }
    if (intact != firstBrokenLine.isEmpty() || intact != (problem == null)) {
      throw new IllegalArgumentException(
          "an intact result has neither a broken line nor a problem; a broken one has both");
    }
  }

  static VerificationResult intact(long eventsChecked, String lastHash) {
    return new VerificationResult(true, eventsChecked, OptionalLong.empty(), null, lastHash);
  }

  static VerificationResult broken(
      long eventsChecked, long brokenLine, String problem, String lastHash) {
    requireNonNull(problem, "problem is null");
    return new VerificationResult(
        false, eventsChecked, OptionalLong.of(brokenLine), problem, lastHash);
  }
}
