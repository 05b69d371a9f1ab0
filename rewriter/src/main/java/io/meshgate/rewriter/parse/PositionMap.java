package io.meshgate.rewriter.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps offsets in the normalized text that Calcite parses back to offsets in the client's
 * text, so that syntax errors point at what the client wrote.
 */
public final class PositionMap {
  private final List<int[]> segments; // {normalizedStart, originalStart, originalLength}

  private PositionMap(List<int[]> segments) {
    this.segments = segments;
  }

  public int originalOffset(int normalizedOffset) {
    int[] best = null;
    for (int[] segment : segments) {
      if (segment[0] <= normalizedOffset) {
        best = segment;
      } else {
        break;
      }
    }
    if (best == null) {
      return 0;
    }
    return best[1] + Math.min(normalizedOffset - best[0], best[2]);
  }

  /** Collects segments in increasing order of normalized offset. */
  public static final class Builder {
    private final List<int[]> segments = new ArrayList<>();

    public Builder add(int normalizedStart, int originalStart, int originalLength) {
      segments.add(new int[] {normalizedStart, originalStart, originalLength});
      return this;
    }

    public PositionMap build() {
      return new PositionMap(List.copyOf(segments));
    }
  }
}
