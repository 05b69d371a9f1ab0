package io.meshgate.rewriter.parse;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * PostgreSQL's {@code TABLE name} is exactly {@code SELECT * FROM name}. It is spelled out in
 * the parse tree, wherever it stands (a whole statement, a set-operation branch, a CTE body, a
 * subquery, the source of an INSERT), so the table is found and governed like any other, and
 * its columns are those {@code SELECT *} gives: without the denied ones.
 */
final class ExplicitTables {
  private ExplicitTables() {}

  /** Returns {@code node} with every {@code TABLE name} below it replaced, in place where it can be. */
  static SqlNode expand(SqlNode node) {
    if (node instanceof SqlNodeList list) {
      for (int i = 0; i < list.size(); i++) {
        SqlNode element = list.get(i);
        SqlNode expanded = expand(element);
        if (expanded != element) {
          list.set(i, expanded);
        }
      }
      return list;
    }
    if (!(node instanceof SqlCall call)) {
      return node;
    }
    if (call.getKind() == SqlKind.EXPLICIT_TABLE) {
      return selectAllFrom(call.operand(0), call.getParserPosition());
    }
    if (call instanceof SqlOrderBy orderBy) {
      // SqlOrderBy's parts are final: a new one carries the expanded query
      SqlNode query = expand(orderBy.query);
      expand(orderBy.orderList);
      return query == orderBy.query
          ? orderBy
          : new SqlOrderBy(orderBy.getParserPosition(), query, orderBy.orderList, orderBy.offset, orderBy.fetch);
    }
    List<SqlNode> operands = call.getOperandList();
    for (int i = 0; i < operands.size(); i++) {
      SqlNode operand = operands.get(i);
      SqlNode expanded = expand(operand);
      if (expanded != operand) {
        try {
          call.setOperand(i, expanded);
        } catch (UnsupportedOperationException e) {
          throw new IllegalStateException("TABLE name cannot stand here; write SELECT * FROM name", e);
        }
      }
    }
    return call;
  }

  private static SqlSelect selectAllFrom(SqlNode table, SqlParserPos position) {
    return new SqlSelect(position, null, SqlNodeList.of(SqlIdentifier.star(position)), table,
        null, null, null, null, null, null, null, null, null);
  }
}
