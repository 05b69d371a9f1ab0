package io.meshgate.rewriter.write;

import io.meshgate.rewriter.tree.SqlNodes;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;

/**
 * Ties the parameters of an INSERT's values to the types of their columns once the values are
 * read through a derived table (the new-row check). PostgreSQL gives a parameter that stands
 * alone as a value of {@code INSERT ... VALUES} or of the select list of {@code INSERT ...
 * SELECT} the type of its target column, and describes it so (ParameterDescription), which
 * asyncpg, pgx, tokio-postgres and sqlx encode binary values by. In a derived table the same
 * parameter would have no column to take its type from and be described as {@code text}, so
 * each such parameter is cast to its column's type: PostgreSQL then infers that type for it.
 * A type the client gave in Parse still wins (the cast converts from it, as the new-row check
 * already did), and a value that does not convert fails at Bind as it would directly.
 */
final class InsertedParameters {
  private InsertedParameters() {}

  /**
   * {@code source} with each parameter that stands alone at position i of a VALUES row, or of
   * the select list of a SELECT (with GROUP BY, ORDER BY or LIMIT too, but not DISTINCT, a set
   * operation or a derived table, where PostgreSQL resolves it to {@code text} before the
   * INSERT sees it and then refuses the statement, 42804), cast to {@code types} of
   * {@code columns.get(i)}; the source is changed in place and returned. A column whose type is
   * not known leaves its parameters alone.
   */
  static SqlNode typed(SqlNode source, List<String> columns, Function<String, Optional<String>> types) {
    if (source.getKind() == SqlKind.VALUES) {
      for (SqlNode row : ((SqlCall) source).getOperandList()) {
        if (row instanceof SqlCall call && call.getKind() == SqlKind.ROW && call.operandCount() == columns.size()) {
          for (int i = 0; i < columns.size(); i++) {
            int position = i;
            typedParameter(call.operand(i), columns.get(i), types)
                .ifPresent(typed -> call.setOperand(position, typed));
          }
        }
      }
    } else if (source instanceof SqlOrderBy orderBy) {
      typed(orderBy.query, columns, types);
    } else if (source instanceof SqlSelect select && withoutKeywords(select)
        && select.getSelectList().size() == columns.size()) {
      SqlNodeList items = select.getSelectList();
      for (int i = 0; i < columns.size(); i++) {
        SqlNode item = items.get(i);
        if (item.getKind() == SqlKind.AS && item instanceof SqlBasicCall as) {
          typedParameter(as.operand(0), columns.get(i), types).ifPresent(typed -> as.setOperand(0, typed));
        } else {
          int position = i;
          typedParameter(item, columns.get(i), types).ifPresent(typed -> items.set(position, typed));
        }
      }
    }
    return source;
  }

  /** No DISTINCT or DISTINCT ON, which make PostgreSQL resolve an untyped output to text. */
  private static boolean withoutKeywords(SqlSelect select) {
    return select.getOperandList().get(0) instanceof SqlNodeList keywords && keywords.isEmpty();
  }

  private static Optional<SqlNode> typedParameter(
      SqlNode value, String column, Function<String, Optional<String>> types) {
    if (!(value instanceof SqlDynamicParam)) {
      return Optional.empty();
    }
    Optional<String> type = types.apply(column);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(SqlNodes.cast(value, ColumnTypes.forNewRow(type.get())));
    } catch (IllegalArgumentException e) {
      // a type the cast cannot name: the new-row check's own cast of the column refuses the statement
      return Optional.empty();
    }
  }
}
