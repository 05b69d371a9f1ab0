package io.meshgate.rewriter.parse;

import java.util.function.Consumer;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/** A walk over a freshly parsed tree, for the steps that repair it in place. */
final class ParseTrees {
  private ParseTrees() {}

  /**
   * Calls {@code action} on every call at or below {@code node}, each after the calls among its
   * operands, so an action that changes a call's operator finds its operands done.
   */
  static void eachCallBottomUp(SqlNode node, Consumer<SqlCall> action) {
    if (node instanceof SqlNodeList list) {
      for (SqlNode element : list) {
        if (element != null) {
          eachCallBottomUp(element, action);
        }
      }
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    for (SqlNode operand : call.getOperandList()) {
      if (operand != null) {
        eachCallBottomUp(operand, action);
      }
    }
    action.accept(call);
  }
}
