package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.tree.CteMaterialization;
import io.meshgate.rewriter.tree.MaterializationHintedWithItem;
import java.util.HashMap;
import java.util.Map;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Puts back the {@code [NOT] MATERIALIZED} hints the normalizer took out of WITH lists
 * ({@code name AS MATERIALIZED (query)} becomes {@code name AS (query)} for Calcite). The
 * normalizer remembers each hint by the offset of its WITH query's name in the normalized
 * text; the WITH item whose name starts at that offset gets it back, at any nesting level. A
 * hint no item claims is an error, so the statement is refused rather than forwarded without
 * the client's hint.
 */
final class MaterializationHints {
  private final String text;
  private final Map<Integer, CteMaterialization> unclaimed;

  private MaterializationHints(NormalizedText normalized) {
    this.text = normalized.text();
    this.unclaimed = new HashMap<>(normalized.materializationHints());
  }

  /** Replaces, in place, every hinted WITH item below {@code root}. */
  static void restore(SqlNode root, NormalizedText normalized) {
    if (normalized.materializationHints().isEmpty()) {
      return;
    }
    MaterializationHints hints = new MaterializationHints(normalized);
    ParseTrees.eachCallBottomUp(root, hints::claim);
    if (!hints.unclaimed.isEmpty()) {
      throw new IllegalStateException("cannot tell which WITH query the MATERIALIZED hint at offset "
          + hints.unclaimed.keySet().iterator().next() + " belongs to");
    }
  }

  private void claim(SqlCall call) {
    if (call instanceof SqlWith with) {
      for (int i = 0; i < with.withList.size(); i++) {
        SqlWithItem item = (SqlWithItem) with.withList.get(i);
        CteMaterialization hint = unclaimed.remove(nameOffset(item));
        if (hint != null) {
          with.withList.set(i, MaterializationHintedWithItem.of(item, hint));
        }
      }
    }
  }

  private int nameOffset(SqlWithItem item) {
    SqlParserPos position = item.name.getParserPosition();
    if (position.getLineNum() <= 0) {
      return -1;
    }
    return SourcePositions.offsetOf(text, position.getLineNum(), position.getColumnNum());
  }
}
