package io.meshgate.rewriter.analysis;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Access;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.VirtualRelation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.calcite.sql.SqlIdentifier;

/**
 * What {@link TableReferenceFinder} found in one parse tree: every governed table reference
 * (in the order they appear), per relation the columns used, and the column names written
 * with three or more parts ({@code schema.table.column}), which need shortening once the
 * table is replaced by a derived table; which identifiers may denote columns of which
 * reference (a write substitutes masks for its target's columns by them); and every reference
 * to a relation of the {@code meshgate} schema, which Meshgate answers itself.
 */
public record StatementAnalysis(
    List<TableReference> references,
    Map<RelationName, ColumnUsage> usage,
    List<SqlIdentifier> longColumnNames,
    List<ColumnReference> columnReferences,
    List<VirtualReference> virtualReferences) {
  public StatementAnalysis {
    references = List.copyOf(requireNonNull(references, "references is null"));
    usage = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(usage, "usage is null")));
    longColumnNames = List.copyOf(requireNonNull(longColumnNames, "longColumnNames is null"));
    columnReferences = List.copyOf(requireNonNull(columnReferences, "columnReferences is null"));
    virtualReferences = List.copyOf(requireNonNull(virtualReferences, "virtualReferences is null"));
  }

  public StatementAnalysis(
      List<TableReference> references,
      Map<RelationName, ColumnUsage> usage,
      List<SqlIdentifier> longColumnNames) {
    this(references, usage, longColumnNames, List.of(), List.of());
  }

  /** The virtual relations the statement reads, each once. */
  public Set<VirtualRelation> virtualRelations() {
    return virtualReferences.stream()
        .map(VirtualReference::relation)
        .collect(Collectors.toUnmodifiableSet());
  }

  public boolean touchesGovernedRelations() {
    return !references.isEmpty();
  }

  /** The relations for the policy input, each once, in order of first appearance. */
  public List<RelationAccess> relationAccesses() {
    return usage.entrySet().stream()
        .map(entry -> new RelationAccess(
            entry.getKey(),
            Access.READ,
            references.stream()
                .filter(reference -> reference.relation().equals(entry.getKey()))
                .findFirst()
                .orElseThrow()
                .table()
                .columnNames(),
            entry.getValue().referencedColumns()))
        .toList();
  }
}
