package io.meshgate.rewriter.apply;

import static io.meshgate.rewriter.tree.SqlNodes.and;
import static io.meshgate.rewriter.tree.SqlNodes.as;
import static io.meshgate.rewriter.tree.SqlNodes.identifier;
import static io.meshgate.rewriter.tree.SqlNodes.list;
import static io.meshgate.rewriter.tree.SqlNodes.number;
import static io.meshgate.rewriter.tree.SqlNodes.position;
import static java.util.Objects.requireNonNull;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.analysis.TableModifiers;
import io.meshgate.rewriter.mask.MaskRenderer;
import io.meshgate.rewriter.mask.MaskTarget;
import io.meshgate.rewriter.tree.OnlyOperator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Builds the derived table that stands in for a governed table:
 *
 * <pre>
 * (SELECT col, mask(col) AS col2, ... FROM "schema"."table" WHERE filter AND ... OFFSET 0)
 * </pre>
 *
 * Filters see raw values, masks replace the column under its own name, denied columns are
 * left out, and the base table is fully qualified so no CTE of the client's can capture it.
 * When there are row filters, {@code OFFSET 0} keeps PostgreSQL from merging the client's
 * predicates into this query: otherwise the planner may evaluate them on rows the filters
 * exclude, and an error or a slow function would reveal those rows.
 */
public final class DerivedTableBuilder {
  private final MaskRenderer maskRenderer;

  public DerivedTableBuilder(MaskRenderer maskRenderer) {
    this.maskRenderer = requireNonNull(maskRenderer, "maskRenderer is null");
  }

  /** Validates a relation's policy once; the result builds any number of derived tables. */
  public PreparedRelation prepare(TableSchema table, RelationPolicy policy) throws SqlRefusal {
    String display = table.name().schema() + "." + table.name().table();
    for (String masked : policy.columnMasks().keySet()) {
      if (table.column(masked).isEmpty()) {
        throw new SqlRefusal(
            Reason.POLICY_ERROR,
            "policy error: mask for column " + masked + " of " + display
                + ", which has no such column");
      }
    }
    List<SqlNode> selectItems = new ArrayList<>();
    Map<String, ColumnSchema> comparable = new LinkedHashMap<>();
    Map<String, ColumnMask> masks = policy.columnMasks();
    for (ColumnSchema column : table.columns()) {
      if (policy.deniedColumns().contains(column.name())) {
        continue;
      }
      ColumnMask mask = masks.get(column.name());
      if (mask == null) {
        selectItems.add(identifier(column.name()));
        comparable.put(column.name(), column);
      } else {
        MaskTarget target = new MaskTarget(table.name(), column,
            (expression, context) -> ExpressionValidator.validateMask(expression, table, column, context));
        SqlNode masked;
        try {
          masked = maskRenderer.render(mask, target);
        } catch (IllegalArgumentException e) {
          // the column's type name is not one Meshgate can write back safely
          throw new SqlRefusal(
              Reason.POLICY_ERROR,
              "policy error: mask '" + mask.function() + "' cannot apply to column "
                  + column.name() + " of " + display + ": unsupported type " + column.type());
        }
        selectItems.add(as(masked, column.name()));
      }
    }
    List<SqlNode> conditions = new ArrayList<>();
    for (RowFilter filter : policy.rowFilters()) {
      conditions.add(FilterRenderer.render(filter, table));
    }
    return new PreparedRelation(table, selectItems, comparable, conditions);
  }

  /** A validated policy for one relation. */
  public static final class PreparedRelation {
    private final TableSchema table;
    private final List<SqlNode> selectItems;
    private final Map<String, ColumnSchema> comparableColumns;
    private final List<SqlNode> filters;

    private PreparedRelation(TableSchema table, List<SqlNode> selectItems, Map<String, ColumnSchema> comparableColumns,
        List<SqlNode> filters) {
      this.table = table;
      this.selectItems = List.copyOf(selectItems);
      this.comparableColumns = Collections.unmodifiableMap(new LinkedHashMap<>(comparableColumns));
      this.filters = List.copyOf(filters);
    }

    /** Whether the decision filters the relation's rows. */
    boolean hasRowFilters() {
      return !filters.isEmpty();
    }

    /**
     * A derived table without {@code OFFSET 0}, which PostgreSQL merges into the query around
     * it: for a table the query locks, whose rows PostgreSQL then locks where the query returns
     * them (a derived table it cannot merge would lock every row the filters let through).
     * Only for a query whose conditions may all run on any row of the table.
     */
    DerivedTable newMergeableDerivedTable(TableModifiers modifiers) {
      return newDerivedTable(List.of(), modifiers, false);
    }

    /** The columns the client's values pass through unchanged: neither masked nor denied. */
    Map<String, ColumnSchema> comparableColumns() {
      return comparableColumns;
    }

    /** A new derived table; its base table name is a fresh node, see {@link DerivedTable}. */
    public DerivedTable newDerivedTable() {
      return newDerivedTable(List.of(), TableModifiers.NONE);
    }

    /**
     * A new derived table reading the table as {@code modifiers} say (ONLY, TABLESAMPLE) that also
     * applies {@code copiedConditions} (see {@link PredicatePushdown}),
     * after the row filters; without row filters there is no {@code OFFSET 0} and PostgreSQL moves
     * the client's predicates in by itself, so the copies are left out.
     */
    DerivedTable newDerivedTable(List<SqlNode> copiedConditions, TableModifiers modifiers) {
      return newDerivedTable(copiedConditions, modifiers, true);
    }

    private DerivedTable newDerivedTable(
        List<SqlNode> copiedConditions, TableModifiers modifiers, boolean fenced) {
      SqlNode condition = null;
      if (!filters.isEmpty()) {
        List<SqlNode> conditions = new ArrayList<>(filters);
        conditions.addAll(copiedConditions);
        condition = and(conditions);
      }
      SqlIdentifier base = identifier(table.name().schema(), table.name().table());
      SqlNode from = modifiers.only() ? OnlyOperator.of(base) : base;
      if (modifiers.sample().isPresent()) {
        // sampled first, then filtered: the order PostgreSQL's row-level security gives
        from = SqlStdOperatorTable.TABLESAMPLE.createCall(position(), from, modifiers.sample().get());
      }
      SqlSelect select = new SqlSelect(
          position(),
          null,
          list(selectItems),
          from,
          condition,
          null,
          null,
          null,
          null,
          null,
          condition == null || !fenced ? null : number(0),
          null,
          null);
      return new DerivedTable(select, base);
    }
  }

  /** A derived table and the node naming its base table, by which the rewrite is verified. */
  public record DerivedTable(SqlSelect select, SqlIdentifier base) {}
}
