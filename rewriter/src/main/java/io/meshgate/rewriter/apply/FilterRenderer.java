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
import io.meshgate.rewriter.mask.PostgresTypes;
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
    checkDateTimeValues(comparison, table.column(comparison.column()).get().type(), context);
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

  /**
   * A string compared with a date or timestamp column is read by PostgreSQL in the client's
   * session: a timestamp with time zone without an offset in its TimeZone (so {@code SET TIME
   * ZONE} moved the filter's boundary by up to a day), other spellings by its DateStyle. Only
   * values every session reads alike are accepted.
   */
  private static void checkDateTimeValues(RowFilter.Comparison comparison, String type, String context)
      throws SqlRefusal {
    PostgresTypes.Category category = PostgresTypes.categorize(type);
    if (category != PostgresTypes.Category.DATE && category != PostgresTypes.Category.TIMESTAMP) {
      return;
    }
    boolean instant = PostgresTypes.hasTimeZone(type);
    for (Object value : comparison.values()) {
      if (value instanceof String text
          && !(instant ? LiteralSpellings.ISO_INSTANT : LiteralSpellings.ISO_DATE_TIME).matcher(text).matches()) {
        throw ExpressionValidator.policyError(context, "the value " + (instant
            ? "for " + comparison.column() + " (a timestamp with time zone) must be an ISO 8601 time with"
                + " its UTC offset, e.g. 2025-01-01T00:00:00Z, or each client's time zone would move it"
            : "for " + comparison.column() + " must be an ISO 8601 date or time, e.g. 2025-01-31, or each"
                + " client's DateStyle would read it"));
      }
    }
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
