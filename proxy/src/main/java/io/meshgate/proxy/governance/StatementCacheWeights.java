package io.meshgate.proxy.governance;

import io.meshgate.rewriter.RewrittenStatement;
import io.meshgate.rewriter.shape.ShapeSentinels;
import io.meshgate.rewriter.shape.StatementShape;
import java.util.List;
import java.util.Optional;

/**
 * About the bytes each entry of the {@link StatementCache} keeps reachable, so its caches are
 * bounded by memory rather than by a count of entries: 10,000 entries of 1 MiB statements would
 * be 10 to 20 GiB. Estimates from lengths alone (each weigher runs once per insert, on the hot
 * path's misses), on the high side where a statement's content matters.
 *
 * <p>The figures were measured on this JDK with the Calcite analysis of real statements (heap in
 * use after a full collection, with and without a few thousand analyses held): an analysis and
 * its rewrite keep about 1.5 KiB for a short query, and about 19 bytes for each character of a
 * long, token-dense one (an {@code IN} list of 20,000 numbers: the normalized text, its position
 * map and the parse-derived state). A comment costs only its characters.
 */
final class StatementCacheWeights {
  /** A short analysis: key, lookups, resolver and the parse-derived state of a small query. */
  static final int ANALYSIS_OVERHEAD_BYTES = 2048;
  /**
   * Per character of the analysed text: the key's copy of it (two bytes a character at most) and
   * the parse-derived state (measured at about 19 bytes a character of token-dense SQL).
   */
  static final int ANALYSIS_BYTES_PER_CHARACTER = 22;
  /** The fixed part of a smaller entry: the entry itself, its key and value objects. */
  static final int ENTRY_OVERHEAD_BYTES = 256;
  /** A row filter check of a rewritten write: its marker and the names it reports. */
  static final int ROW_FILTER_CHECK_BYTES = 256;

  private StatementCacheWeights() {}

  static int analysis(String sql) {
    return saturated(ANALYSIS_OVERHEAD_BYTES + (long) ANALYSIS_BYTES_PER_CHARACTER * sql.length());
  }

  /**
   * A rewrite keeps its text and its checks; not its analysed statement, which its key holds
   * only weakly (see {@code StatementCache.RewriteKey}), so the analysis is weighed once, where
   * it is cached.
   */
  static int rewrite(RewrittenStatement rewritten) {
    return saturated(ENTRY_OVERHEAD_BYTES + text(rewritten.sql())
        + (long) ROW_FILTER_CHECK_BYTES * rewritten.rowFilterChecks().size());
  }

  /** The shape's kept tokens and, when it has one, its sentinel statement. */
  static int sentinels(List<StatementShape.Part> shape, Optional<ShapeSentinels> sentinels) {
    long bytes = ENTRY_OVERHEAD_BYTES;
    for (StatementShape.Part part : shape) {
      bytes += switch (part) {
        case StatementShape.Kept kept -> 32 + text(kept.text());
        case StatementShape.Lifted lifted -> 16;
      };
    }
    if (sentinels.isPresent()) {
      bytes += text(sentinels.get().sql());
      for (String rendering : sentinels.get().renderings()) {
        bytes += text(rendering);
      }
    }
    return saturated(bytes);
  }

  /** A template is its rewrite's text cut into fragments. */
  static int template(RewrittenStatement rewritten) {
    return saturated(ENTRY_OVERHEAD_BYTES + text(rewritten.sql()));
  }

  static int unspliced(String sentinelSql) {
    return saturated(ENTRY_OVERHEAD_BYTES + text(sentinelSql));
  }

  /** A string's characters at two bytes each (compact Latin-1 strings take half). */
  private static long text(String text) {
    return 2L * text.length();
  }

  private static int saturated(long bytes) {
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }
}
