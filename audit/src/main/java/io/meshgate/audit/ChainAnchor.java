package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.jsonl.ChainHash;

/**
 * A line of the log recorded somewhere its writers cannot change: its {@code seq} and {@code
 * hash}. A hash chain alone cannot show lines cut off its end, nor a log rewritten from some
 * line on with recomputed hashes; checked against an anchor it can, for everything up to the
 * anchored line.
 *
 * @param seq the anchored line's seq (at least 1)
 * @param hash that line's hash, 64 lowercase hex digits
 */
public record ChainAnchor(long seq, String hash) {
  public ChainAnchor {
    requireNonNull(hash, "hash is null");
    if (seq < 1) {
      throw new IllegalArgumentException("an anchor's seq starts at 1, is " + seq);
    }
    if (!ChainHash.isWellFormed(hash)) {
      throw new IllegalArgumentException("an anchor's hash is 64 lowercase hex digits");
    }
  }

  /** Reads {@code <seq>:<hash>}, as {@link #toString()} writes it. */
  public static ChainAnchor parse(String text) {
    requireNonNull(text, "text is null");
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("an anchor is written <seq>:<hash>, e.g. 120344:9c1f…");
    }
    long seq;
    try {
      seq = Long.parseLong(text.substring(0, colon));
    } catch (NumberFormatException notANumber) {
      throw new IllegalArgumentException("an anchor's seq is a number: " + text.substring(0, colon));
    }
    return new ChainAnchor(seq, text.substring(colon + 1));
  }

  @Override
  public String toString() {
    return seq + ":" + hash;
  }
}
