package io.meshgate.rewriter.parse;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A statement rewritten lexically into the dialect Calcite's Babel parser reads with the
 * same meaning PostgreSQL gives the original: literals in one plain form, {@code ::} casts
 * as {@code CAST}, {@code $n} parameters as {@code ?} (their numbers kept in order of
 * appearance), comments removed.
 */
public record NormalizedText(
    String text, String originalQuery, List<Integer> parameterNumbers, PositionMap positions) {
  public NormalizedText {
    requireNonNull(text, "text is null");
    requireNonNull(originalQuery, "originalQuery is null");
    parameterNumbers = List.copyOf(requireNonNull(parameterNumbers, "parameterNumbers is null"));
    requireNonNull(positions, "positions is null");
  }

  /** Line and column in the client's query string of an offset in {@link #text()}. */
  public String describeOriginalPosition(int normalizedOffset) {
    return SourcePositions.describe(originalQuery, positions.originalOffset(normalizedOffset));
  }
}
