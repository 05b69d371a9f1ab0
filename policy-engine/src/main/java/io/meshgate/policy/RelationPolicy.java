package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a decision says about one relation: row filters, column masks, denied columns, and the
 * id of the rule behind each filter and mask where the decision names one.
 *
 * <p>The ids sit beside the filters and masks rather than inside them: they say where a filter
 * or mask came from, for the audit log and {@code meshgate explain}, and change nothing about
 * how the rewriter applies it. They still take part in equality, so two decisions that differ
 * only in an id are different decisions.
 *
 * @param rowFilters the filters, all ANDed
 * @param columnMasks column to its mask
 * @param deniedColumns columns the statement may not name
 * @param rowFilterPolicies the rule id of each row filter, by position (same size as {@code
 *     rowFilters}); empty where the decision gave none
 * @param columnMaskPolicies column to the rule id of its mask, for the masked columns whose
 *     mask the decision gave an id
 */
public record RelationPolicy(
    List<RowFilter> rowFilters,
    Map<String, ColumnMask> columnMasks,
    Set<String> deniedColumns,
    List<Optional<String>> rowFilterPolicies,
    Map<String, String> columnMaskPolicies) {
  public static final RelationPolicy UNRESTRICTED = new RelationPolicy(List.of(), Map.of(), Set.of());

  public RelationPolicy {
    rowFilters = List.copyOf(requireNonNull(rowFilters, "rowFilters is null"));
    columnMasks = Map.copyOf(requireNonNull(columnMasks, "columnMasks is null"));
    deniedColumns = Set.copyOf(requireNonNull(deniedColumns, "deniedColumns is null"));
    rowFilterPolicies = List.copyOf(requireNonNull(rowFilterPolicies, "rowFilterPolicies is null"));
    columnMaskPolicies = Map.copyOf(requireNonNull(columnMaskPolicies, "columnMaskPolicies is null"));
    if (rowFilterPolicies.size() != rowFilters.size()) {
      throw new IllegalArgumentException("rowFilterPolicies must have one entry per row filter");
    }
    rowFilterPolicies.forEach(policy -> policy.ifPresent(RelationPolicy::requireNonEmpty));
    columnMaskPolicies.values().forEach(RelationPolicy::requireNonEmpty);
    if (!columnMasks.keySet().containsAll(columnMaskPolicies.keySet())) {
      throw new IllegalArgumentException("columnMaskPolicies names a column without a mask");
    }
  }

  /** A policy whose filters and masks carry no rule ids (a decision that names none). */
  public RelationPolicy(
      List<RowFilter> rowFilters, Map<String, ColumnMask> columnMasks, Set<String> deniedColumns) {
    this(
        rowFilters,
        columnMasks,
        deniedColumns,
        requireNonNull(rowFilters, "rowFilters is null").stream()
            .map(filter -> Optional.<String>empty())
            .collect(Collectors.toUnmodifiableList()),
        Map.of());
  }

  public boolean isUnrestricted() {
    return rowFilters.isEmpty() && columnMasks.isEmpty() && deniedColumns.isEmpty();
  }

  /** The id of the rule behind the row filter at {@code index}, if the decision named one. */
  public Optional<String> rowFilterPolicy(int index) {
    return rowFilterPolicies.get(index);
  }

  /** The id of the rule behind the mask of {@code column}, if the decision named one. */
  public Optional<String> columnMaskPolicy(String column) {
    return Optional.ofNullable(columnMaskPolicies.get(requireNonNull(column, "column is null")));
  }

  private static void requireNonEmpty(String policy) {
    if (policy.isEmpty()) {
      throw new IllegalArgumentException("a policy id must not be empty");
    }
  }
}
