package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.tree.CollateOperator;
import io.meshgate.rewriter.tree.OnlyOperator;
import io.meshgate.rewriter.tree.WithOrdinalityOperator;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Function calls the normalizer writes in place of PostgreSQL constructs Calcite's parser does
 * not read, and their replacement by the operators that write the construct back. The names
 * contain {@code $} and are refused when a client writes them, so a marker in the parse tree
 * always comes from the normalizer.
 */
final class MarkerCalls {
  /** {@code marker(expression, 'part', ...)} for {@code expression COLLATE part.part}. */
  static final String COLLATE = "meshgate$collate";

  /** {@code marker(function(...))} for {@code function(...) WITH ORDINALITY}. */
  static final String WITH_ORDINALITY = "meshgate$with_ordinality";

  /** {@code marker(table)} for {@code ONLY table} in FROM. */
  static final String ONLY = "meshgate$only";

  private MarkerCalls() {}

  static boolean isMarkerName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.equals(COLLATE) || lower.equals(WITH_ORDINALITY) || lower.equals(ONLY);
  }

  /** Replaces, in place, every marker call below {@code node} by its operator. */
  static void restore(SqlNode node) {
    if (node instanceof SqlNodeList list) {
      for (SqlNode element : list) {
        if (element != null) {
          restore(element);
        }
      }
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    for (SqlNode operand : call.getOperandList()) {
      if (operand != null) {
        restore(operand);
      }
    }
    if (call instanceof SqlBasicCall basic
        && basic.getOperator() instanceof SqlUnresolvedFunction function) {
      SqlIdentifier name = function.getSqlIdentifier();
      if (name == null || !name.isSimple()) {
        return;
      }
      String simple = name.getSimple().toLowerCase(Locale.ROOT);
      if (simple.equals(COLLATE)) {
        checkCollate(basic.getOperandList());
        basic.setOperator(CollateOperator.INSTANCE);
      } else if (simple.equals(WITH_ORDINALITY)) {
        checkWithOrdinality(basic.getOperandList());
        basic.setOperator(WithOrdinalityOperator.INSTANCE);
      } else if (simple.equals(ONLY)) {
        checkOnly(basic.getOperandList());
        basic.setOperator(OnlyOperator.INSTANCE);
      }
    }
  }

  private static void checkCollate(List<SqlNode> operands) {
    boolean valid = operands.size() >= 2
        && operands.subList(1, operands.size()).stream().allMatch(operand ->
            operand instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.CHAR);
    if (!valid) {
      throw new IllegalStateException("malformed COLLATE marker: " + operands);
    }
  }

  /** {@code ONLY (select ...)} or {@code ONLY f(x)} are not PostgreSQL: only a table name. */
  private static void checkOnly(List<SqlNode> operands) {
    if (operands.size() != 1 || !(operands.get(0) instanceof SqlIdentifier)) {
      throw new IllegalStateException("ONLY must be followed by a table name");
    }
  }

  private static void checkWithOrdinality(List<SqlNode> operands) {
    if (operands.size() != 1 || !(operands.get(0) instanceof SqlCall call
        && call.getOperator() instanceof SqlFunction)) {
      throw new IllegalStateException("malformed WITH ORDINALITY marker: " + operands);
    }
  }
}
