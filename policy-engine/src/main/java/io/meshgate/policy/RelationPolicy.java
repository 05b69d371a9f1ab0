package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a decision says about one relation: row filters, column masks, denied columns. */
public record RelationPolicy(
    List<RowFilter> rowFilters, Map<String, ColumnMask> columnMasks, Set<String> deniedColumns) {
  public static final RelationPolicy UNRESTRICTED = new RelationPolicy(List.of(), Map.of(), Set.of());

  public RelationPolicy {
    rowFilters = List.copyOf(requireNonNull(rowFilters, "rowFilters is null"));
    columnMasks = Map.copyOf(requireNonNull(columnMasks, "columnMasks is null"));
    deniedColumns = Set.copyOf(requireNonNull(deniedColumns, "deniedColumns is null"));
  }

  public boolean isUnrestricted() {
    return rowFilters.isEmpty() && columnMasks.isEmpty() && deniedColumns.isEmpty();
  }
}
