package io.meshgate.rewriter.parse;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.tree.CteMaterialization;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A statement rewritten lexically into the dialect Calcite's Babel parser reads with the
 * same meaning PostgreSQL gives the original: literals in one plain form, {@code ::} casts
 * as {@code CAST}, {@code $n} parameters as {@code ?} (their numbers kept in order of
 * appearance), comments removed, and PostgreSQL operators Calcite does not read written as a
 * carrier operator it does.
 *
 * @param carriedOperators the PostgreSQL operator each carrier in {@code text} stands for, by
 *     the carrier's offset in {@code text} (see {@link OperatorCarriers})
 * @param materializationHints the {@code [NOT] MATERIALIZED} hint taken out of a WITH list, by
 *     the offset in {@code text} of the name of the WITH query it belongs to (see {@link
 *     MaterializationHints})
 * @param fetchesWithTies the offsets in {@code text} of the counts of {@code FETCH FIRST n ROWS
 *     WITH TIES}, written as {@code ... ROWS ONLY} (see {@link FetchesWithTies})
 * @param columnDefinitionTypes the types taken out of each column definition list, spelled as
 *     after {@code CAST(... AS}, by the offset in {@code text} of the list's first column name
 *     (see {@link ColumnDefinitionLists})
 */
public record NormalizedText(
    String text,
    String originalQuery,
    List<Integer> parameterNumbers,
    PositionMap positions,
    Map<Integer, String> carriedOperators,
    Map<Integer, CteMaterialization> materializationHints,
    Set<Integer> fetchesWithTies,
    Map<Integer, List<String>> columnDefinitionTypes) {
  public NormalizedText {
    requireNonNull(text, "text is null");
    requireNonNull(originalQuery, "originalQuery is null");
    parameterNumbers = List.copyOf(requireNonNull(parameterNumbers, "parameterNumbers is null"));
    requireNonNull(positions, "positions is null");
    carriedOperators = Map.copyOf(requireNonNull(carriedOperators, "carriedOperators is null"));
    materializationHints =
        Map.copyOf(requireNonNull(materializationHints, "materializationHints is null"));
    fetchesWithTies = Set.copyOf(requireNonNull(fetchesWithTies, "fetchesWithTies is null"));
    columnDefinitionTypes =
        Map.copyOf(requireNonNull(columnDefinitionTypes, "columnDefinitionTypes is null"));
  }

  /** Line and column in the client's query string of an offset in {@link #text()}. */
  public String describeOriginalPosition(int normalizedOffset) {
    return SourcePositions.describe(originalQuery, positions.originalOffset(normalizedOffset));
  }
}
