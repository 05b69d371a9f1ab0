package io.meshgate.rewriter.write;

import static io.meshgate.rewriter.tree.SqlNodes.and;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.apply.ExpressionValidator;
import io.meshgate.rewriter.apply.FilterRenderer;
import io.meshgate.rewriter.mask.MaskTarget;
import io.meshgate.rewriter.mask.PostgresMaskRenderer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/**
 * The decision for a write's target, as expressions over the target row: its masks and its
 * row filters, with every column qualified (by the target's alias, or for a new row by the
 * name of the derived table that holds it), so no table of the client's can capture them.
 * Every call builds fresh nodes.
 */
final class TargetPolicy {
  private final TableSchema table;
  private final String alias;
  private final RelationPolicy policy;

  TargetPolicy(TableSchema table, String alias, RelationPolicy policy) {
    this.table = table;
    this.alias = alias;
    this.policy = policy;
  }

  RelationPolicy policy() {
    return policy;
  }

  boolean hidesColumns() {
    return !policy.columnMasks().isEmpty() || !policy.deniedColumns().isEmpty();
  }

  boolean hasFilters() {
    return !policy.rowFilters().isEmpty();
  }

  /** The columns of {@code columns} the policy masks or denies, in order, each once. */
  List<String> hiddenAmong(List<String> columns) {
    return columns.stream()
        .filter(column -> policy.columnMasks().containsKey(column)
            || policy.deniedColumns().contains(column))
        .distinct()
        .toList();
  }

  /** The target's columns whose raw values the client sees: neither masked nor denied. */
  Map<String, ColumnSchema> comparableColumns() {
    Map<String, ColumnSchema> comparable = new LinkedHashMap<>();
    for (ColumnSchema column : table.columns()) {
      if (!policy.columnMasks().containsKey(column.name()) && !policy.deniedColumns().contains(column.name())) {
        comparable.put(column.name(), column);
      }
    }
    return comparable;
  }

  /** The mask of {@code column} over the target row, or empty when it is not masked. */
  Optional<SqlNode> mask(String column) throws SqlRefusal {
    ColumnMask mask = policy.columnMasks().get(column);
    Optional<ColumnSchema> schema = table.column(column);
    if (mask == null || schema.isEmpty()) {
      return Optional.empty();
    }
    MaskTarget target = new MaskTarget(table.name(), schema.get(),
        (expression, context) ->
            ExpressionValidator.validateMask(expression, table, schema.get(), context));
    SqlNode masked;
    try {
      masked = PostgresMaskRenderer.INSTANCE.render(mask, target);
    } catch (IllegalArgumentException e) {
      throw new SqlRefusal(
          Reason.POLICY_ERROR,
          "policy error: mask '" + mask.function() + "' cannot apply to column " + column
              + " of " + display() + ": unsupported type " + schema.get().type());
    }
    qualify(masked, name -> List.of(alias, name));
    return Optional.of(masked);
  }

  /** The columns the row filters read. */
  Set<String> filterColumns() throws SqlRefusal {
    Set<String> columns = new LinkedHashSet<>();
    if (hasFilters()) {
      qualify(filters(), name -> {
        columns.add(name);
        return List.of(name);
      });
    }
    return columns;
  }

  /**
   * The columns the row filters read that PostgreSQL computes itself: a write changes them
   * without assigning them, so the check of a changed row cannot see their new values.
   */
  List<String> generatedFilterColumns() throws SqlRefusal {
    return filterColumns().stream()
        .filter(column -> table.column(column).map(ColumnSchema::generated).orElse(false))
        .toList();
  }

  /** The filters over the target row as it is (UPDATE, DELETE restrict rows by it). */
  SqlNode filtersOverTarget() throws SqlRefusal {
    SqlNode filters = filters();
    qualify(filters, name -> List.of(alias, name));
    return filters;
  }

  /** The filters over a new row whose columns {@code names} tells where to find. */
  SqlNode filtersOver(Function<String, List<String>> names) throws SqlRefusal {
    SqlNode filters = filters();
    qualify(filters, names);
    return filters;
  }

  private SqlNode filters() throws SqlRefusal {
    List<SqlNode> conditions = new ArrayList<>();
    for (RowFilter filter : policy.rowFilters()) {
      conditions.add(FilterRenderer.render(filter, table));
    }
    return and(conditions);
  }

  String display() {
    return table.name().schema() + "." + table.name().table();
  }

  /** Rewrites every bare name of a table column in {@code node}, in place. */
  private void qualify(SqlNode node, Function<String, List<String>> names) {
    if (node instanceof SqlIdentifier identifier) {
      if (identifier.names.size() == 1 && table.column(identifier.getSimple()).isPresent()
          && !ExpressionValidator.isNiladicFunction(identifier)) {
        identifier.setNames(names.apply(identifier.getSimple()), null);
      }
    } else if (node instanceof SqlNodeList list) {
      for (SqlNode element : list) {
        qualify(element, names);
      }
    } else if (node instanceof SqlCall call) {
      for (SqlNode operand : call.getOperandList()) {
        if (operand != null) {
          qualify(operand, names);
        }
      }
    }
  }
}
