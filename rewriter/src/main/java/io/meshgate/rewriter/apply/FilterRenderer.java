package io.meshgate.rewriter.apply;

import static io.meshgate.rewriter.tree.SqlNodes.bool;
import static io.meshgate.rewriter.tree.SqlNodes.call;
import static io.meshgate.rewriter.tree.SqlNodes.identifier;
import static io.meshgate.rewriter.tree.SqlNodes.list;
import static io.meshgate.rewriter.tree.SqlNodes.number;
import static io.meshgate.rewriter.tree.SqlNodes.string;

import io.meshgate.policy.RowFilter;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Renders a row filter as a condition over the raw columns of its table. Structured filters
 * become comparisons whose values are SQL literals built from the decision's values (never
 * pasted text); expression filters are parsed and validated.
 */
public final class FilterRenderer {
  private FilterRenderer() {}

  public static SqlNode render(RowFilter filter, TableSchema table) throws SqlRefusal {
    String context = "row filter for " + table.name().schema() + "." + table.name().table();
    return switch (filter) {
      case RowFilter.Comparison comparison -> comparison(comparison, table, context);
      case RowFilter.Expression expression ->
          ExpressionValidator.validate(expression.expression(), table, context);
    };
  }

  private static SqlNode comparison(RowFilter.Comparison comparison, TableSchema table,
      String context) throws SqlRefusal {
    if (table.column(comparison.column()).isEmpty()) {
      throw ExpressionValidator.policyError(
          context, "column " + comparison.column() + " does not exist");
    }
    SqlNode column = identifier(comparison.column());
    List<Object> values = comparison.values();
    return switch (comparison.operator()) {
      case EQUAL -> call(SqlStdOperatorTable.EQUALS, column, literal(values.get(0)));
      case NOT_EQUAL -> call(SqlStdOperatorTable.NOT_EQUALS, column, literal(values.get(0)));
      case LESS -> call(SqlStdOperatorTable.LESS_THAN, column, literal(values.get(0)));
      case LESS_OR_EQUAL ->
          call(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, column, literal(values.get(0)));
      case GREATER -> call(SqlStdOperatorTable.GREATER_THAN, column, literal(values.get(0)));
      case GREATER_OR_EQUAL ->
          call(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, column, literal(values.get(0)));
      case IN -> call(SqlStdOperatorTable.IN, column, literals(values));
      case NOT_IN -> call(SqlStdOperatorTable.NOT_IN, column, literals(values));
      case IS_NULL -> call(SqlStdOperatorTable.IS_NULL, column);
      case IS_NOT_NULL -> call(SqlStdOperatorTable.IS_NOT_NULL, column);
    };
  }

  private static SqlNode literals(List<Object> values) {
    List<SqlNode> literals = new ArrayList<>();
    for (Object value : values) {
      literals.add(literal(value));
    }
    return list(literals);
  }

  /** The contract allows strings, numbers and booleans; the record already checked that. */
  static SqlNode literal(Object value) {
    return switch (value) {
      case String text -> string(text);
      case BigDecimal decimal -> number(decimal);
      case Boolean flag -> bool(flag);
      default -> throw new IllegalArgumentException("unsupported filter value " + value.getClass());
    };
  }
}
