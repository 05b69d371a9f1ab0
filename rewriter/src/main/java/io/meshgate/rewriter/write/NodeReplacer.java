package io.meshgate.rewriter.write;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/**
 * Replaces nodes of a parse tree, found by identity, in place; then checks that none of them
 * is left anywhere, so a node in a position that cannot be replaced refuses the statement
 * instead of slipping through.
 */
final class NodeReplacer {
  private NodeReplacer() {}

  /** @param replacements an identity map: node in the tree → its replacement */
  static void replace(SqlNode root, Map<SqlNode, SqlNode> replacements, String what)
      throws SqlRefusal {
    if (replacements.isEmpty()) {
      return;
    }
    try {
      walk(root, replacements);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      throw notReplaced(what);
    }
    if (remains(root, replacements)) {
      throw notReplaced(what);
    }
  }

  private static void walk(SqlNode node, Map<SqlNode, SqlNode> replacements) {
    if (node instanceof SqlNodeList list) {
      for (int i = 0; i < list.size(); i++) {
        SqlNode child = list.get(i);
        SqlNode replacement = child == null ? null : replacements.get(child);
        if (replacement != null) {
          list.set(i, replacement);
        } else if (child != null) {
          walk(child, replacements);
        }
      }
    } else if (node instanceof SqlCall call) {
      List<SqlNode> operands = call.getOperandList();
      for (int i = 0; i < operands.size(); i++) {
        SqlNode child = operands.get(i);
        SqlNode replacement = child == null ? null : replacements.get(child);
        if (replacement != null) {
          call.setOperand(i, replacement);
        } else if (child != null) {
          walk(child, replacements);
        }
      }
    }
  }

  private static boolean remains(SqlNode node, Map<SqlNode, SqlNode> replacements) {
    if (node == null) {
      return false;
    }
    if (replacements.containsKey(node)) {
      return true;
    }
    List<SqlNode> children = node instanceof SqlNodeList list
        ? list.getList()
        : node instanceof SqlCall call ? call.getOperandList() : List.of();
    for (SqlNode child : children) {
      if (remains(child, replacements)) {
        return true;
      }
    }
    return false;
  }

  private static SqlRefusal notReplaced(String what) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "Meshgate could not apply the policy to every reference of " + what
            + "; the statement was not forwarded");
  }
}
