package io.meshgate.rewriter.apply;

import static io.meshgate.rewriter.tree.SqlNodes.call;
import static io.meshgate.rewriter.tree.SqlNodes.cast;
import static io.meshgate.rewriter.tree.SqlNodes.identifier;

import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.analysis.TableReference;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnknownLiteral;

/**
 * Copies the client's simple comparisons into the derived table that replaces a governed table,
 * so that PostgreSQL can use an index for them. The derived table of a relation with row filters
 * ends in {@code OFFSET 0}, which keeps the planner from moving the client's predicates below the
 * filters (where a predicate that raises an error, or calls a function with side effects, would
 * see rows the filters exclude). That also keeps {@code WHERE id = 42} from reaching the index.
 *
 * <p>A conjunct is copied only when PostgreSQL could evaluate it on any row without revealing
 * anything: a comparison ({@code = <> < <= > >=}) of a column with a literal, or {@code =} with
 * a parameter, where
 *
 * <ul>
 *   <li>the column is neither masked nor denied, so the copy compares the same raw value the
 *       client's predicate sees outside;
 *   <li>the column is {@code smallint}, {@code integer}, {@code bigint}, {@code text} or {@code
 *       date}, and the literal an integer (for integer columns), a string, or for a date column
 *       {@code DATE '...'}: the operators
 *       PostgreSQL then uses ({@code int2/int4/int8} in any mix, {@code text}, {@code date}) are
 *       all marked {@code LEAKPROOF} in {@code pg_proc} ({@code numeric}'s are not, so numeric
 *       columns and decimal literals are never copied); a string literal is converted to the
 *       column's type once, as a constant, never per row;
 *   <li>a parameter is cast to the column's own type in the copy, so a client that declares it
 *       with another type (say {@code numeric}) cannot make PostgreSQL pick a non-leakproof
 *       operator; the cast is of the parameter, evaluated once;
 *   <li>the comparison is a top-level conjunct of the {@code WHERE} of the very {@code SELECT}
 *       whose only {@code FROM} item is the governed table (no joins, so an unqualified name can
 *       only mean this table's column).
 * </ul>
 *
 * The client's predicate stays where it was; the copy only narrows the rows the derived table
 * returns to ones the predicate keeps anyway, so results do not change.
 */
public final class PredicatePushdown {
  private static final Set<SqlKind> COMPARISONS = Set.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS,
      SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL);
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");
  private static final Set<String> STRING_COMPARED_TYPES = Set.of("text", "date");

  private final Map<SqlIdentifier, SqlSelect> selectOfTable;

  private PredicatePushdown(Map<SqlIdentifier, SqlSelect> selectOfTable) {
    this.selectOfTable = selectOfTable;
  }

  /** Finds, before anything is replaced, the SELECT whose only FROM item each table name is. */
  static PredicatePushdown over(SqlNode root) {
    Map<SqlIdentifier, SqlSelect> selects = new IdentityHashMap<>();
    collect(root, selects);
    return new PredicatePushdown(selects);
  }

  /**
   * The copies for one reference, each over the bare column name (it resolves to the base table
   * inside the derived table).
   *
   * @param copyable the columns that may be compared: neither masked nor denied
   */
  List<SqlNode> conditionsFor(TableReference reference, Map<String, ColumnSchema> copyable) {
    SqlSelect select = selectOfTable.get(reference.name());
    if (select == null || select.getWhere() == null) {
      return List.of();
    }
    List<SqlNode> copies = new ArrayList<>();
    for (SqlNode conjunct : conjuncts(select.getWhere())) {
      copy(conjunct, reference.exposedName(), copyable, false).ifPresent(copies::add);
    }
    return copies;
  }

  /**
   * Whether {@code reference} is the only FROM item of {@code select} and every top-level
   * conjunct of its WHERE is a comparison that would be copied: then PostgreSQL may evaluate
   * every condition of the client's on any row of the table, so the derived table needs no
   * fence (a locked table, see {@link DecisionApplier}).
   */
  boolean onlyLeakproofConditions(
      TableReference reference, SqlSelect select, Map<String, ColumnSchema> copyable) {
    if (selectOfTable.get(reference.name()) != select) {
      return false;
    }
    if (select.getWhere() == null) {
      return true;
    }
    for (SqlNode conjunct : conjuncts(select.getWhere())) {
      if (copy(conjunct, reference.exposedName(), copyable, false).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * For an UPDATE or DELETE: the comparisons among the top-level conjuncts of the client's
   * {@code condition} that PostgreSQL may evaluate on any row of the target (named {@code alias}),
   * by the rules above, qualified by the alias (the statement may join other tables). The write
   * evaluates the client's condition only on rows that pass the filters; these copies may stand
   * outside that guard, next to the filters, where an index can serve them.
   *
   * @param copyable the target's columns that may be compared: neither masked nor denied
   */
  public static List<SqlNode> leakproofConjuncts(SqlNode condition, String alias,
      Map<String, ColumnSchema> copyable) {
    List<SqlNode> copies = new ArrayList<>();
    for (SqlNode conjunct : conjuncts(condition)) {
      copy(conjunct, alias, copyable, true).ifPresent(copies::add);
    }
    return copies;
  }

  private static Optional<SqlNode> copy(SqlNode conjunct, String exposedName, Map<String, ColumnSchema> copyable,
      boolean qualified) {
    if (!(conjunct instanceof SqlBasicCall comparison) || !COMPARISONS.contains(comparison.getKind())
        || comparison.operandCount() != 2) {
      return Optional.empty();
    }
    SqlNode left = comparison.operand(0);
    SqlNode right = comparison.operand(1);
    Optional<ColumnSchema> leftColumn = column(left, exposedName, copyable);
    String qualifier = qualified ? exposedName : null;
    if (leftColumn.isPresent()) {
      return copy(comparison.getOperator(), leftColumn.get(), qualifier, right, false);
    }
    Optional<ColumnSchema> rightColumn = column(right, exposedName, copyable);
    if (rightColumn.isPresent()) {
      return copy(comparison.getOperator(), rightColumn.get(), qualifier, left, true);
    }
    return Optional.empty();
  }

  private static Optional<SqlNode> copy(SqlOperator operator, ColumnSchema column, String qualifier,
      SqlNode value, boolean columnOnTheRight) {
    String type = column.type();
    SqlNode copiedValue;
    if (value instanceof SqlNumericLiteral number && INTEGER_TYPES.contains(type) && number.isInteger()) {
      copiedValue = number.clone(number.getParserPosition());
    } else if (value instanceof SqlCharStringLiteral string
        && (INTEGER_TYPES.contains(type) || STRING_COMPARED_TYPES.contains(type))) {
      copiedValue = string.clone(string.getParserPosition());
    } else if (value instanceof SqlUnknownLiteral typed && typed.tag.equalsIgnoreCase("date")
        && type.equals("date")) {
      // DATE '...', a constant of the column's own type: date_eq and the like
      copiedValue = typed.clone(typed.getParserPosition());
    } else if (value instanceof SqlDynamicParam parameter && operator.getKind() == SqlKind.EQUALS
        && (INTEGER_TYPES.contains(type) || STRING_COMPARED_TYPES.contains(type))) {
      copiedValue = cast(new SqlDynamicParam(parameter.getIndex(), parameter.getParserPosition()), type);
    } else {
      return Optional.empty();
    }
    SqlNode columnName = qualifier == null
        ? identifier(column.name())
        : identifier(qualifier, column.name());
    return Optional.of(columnOnTheRight ? call(operator, copiedValue, columnName) : call(operator, columnName,
        copiedValue));
  }

  /** A column of this table named bare or as {@code exposedName.column}, if it may be compared. */
  private static Optional<ColumnSchema> column(SqlNode node, String exposedName,
      Map<String, ColumnSchema> copyable) {
    if (!(node instanceof SqlIdentifier identifier) || identifier.isStar()) {
      return Optional.empty();
    }
    String name;
    if (identifier.names.size() == 1) {
      if (ExpressionValidator.isNiladicFunction(identifier)) {
        return Optional.empty(); // CURRENT_DATE and the like are not columns
      }
      name = identifier.names.get(0);
    } else if (identifier.names.size() == 2 && identifier.names.get(0).equals(exposedName)) {
      name = identifier.names.get(1);
    } else {
      return Optional.empty();
    }
    return Optional.ofNullable(copyable.get(name));
  }

  private static List<SqlNode> conjuncts(SqlNode condition) {
    if (condition instanceof SqlBasicCall call && call.getKind() == SqlKind.AND) {
      List<SqlNode> all = new ArrayList<>();
      for (SqlNode operand : call.getOperandList()) {
        all.addAll(conjuncts(operand));
      }
      return all;
    }
    return List.of(condition);
  }

  private static void collect(SqlNode node, Map<SqlIdentifier, SqlSelect> selects) {
    switch (node) {
      case null -> {}
      case SqlSelect select -> {
        SqlNode from = select.getFrom();
        if (from instanceof SqlIdentifier table) {
          selects.put(table, select);
        } else if (from instanceof SqlCall alias && alias.getKind() == SqlKind.AS
            && alias.operand(0) instanceof SqlIdentifier table) {
          selects.put(table, select);
        }
        for (SqlNode operand : select.getOperandList()) {
          collect(operand, selects);
        }
      }
      case SqlNodeList list -> list.forEach(element -> collect(element, selects));
      case SqlCall call -> call.getOperandList().forEach(operand -> collect(operand, selects));
      default -> {}
    }
  }
}
