package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.tree.AtTimeZoneOperator;
import io.meshgate.rewriter.tree.PostgresOperator;
import java.util.HashMap;
import java.util.Map;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * PostgreSQL operators Calcite's parser does not read ({@code -> ->> @> && @@ -|-}, the others
 * {@link PostgresOperator} lists, and {@code AT TIME ZONE}) reach it as a carrier, {@code ||}, which it does read, with
 * the precedence PostgreSQL's "any other operator" level needs against comparisons, {@code IS},
 * {@code LIKE}, {@code IN} and {@code BETWEEN} (tighter than all of them); {@link
 * PrecedenceRepair} then settles the chains with {@code + - * / ^}. After parsing, each carrier
 * call becomes a {@link PostgresOperator}, so Calcite finds the operands and Meshgate only has
 * to say which {@code ||} calls are carriers.
 *
 * <p>Offsets decide that, never text: the normalizer remembers where it wrote each carrier, and
 * a {@code ||} call is a carrier exactly when the text between its two operands is that one
 * remembered {@code ||} and parentheses. A {@code ||} the client wrote sits at an offset that
 * was not remembered. Anything that does not add up (a call whose operands have no position, a
 * carrier no call claims) is an error, so the statement is refused rather than forwarded with
 * the wrong operator.
 */
final class OperatorCarriers {
  /** What the normalizer writes in place of each operator. */
  static final String CARRIER = "||";

  private final String text;
  private final Map<Integer, String> unclaimed;

  private OperatorCarriers(NormalizedText normalized) {
    this.text = normalized.text();
    this.unclaimed = new HashMap<>(normalized.carriedOperators());
  }

  /** Whether the normalizer writes {@code operator} as a carrier. */
  static boolean isCarried(String operator) {
    return PostgresOperator.spelled(operator).isPresent();
  }

  /** The operator a carrier of {@code spelling} becomes ({@code AT TIME ZONE} included). */
  private static SqlBinaryOperator carried(String spelling) {
    if (spelling.equals(AtTimeZoneOperator.SPELLING)) {
      return AtTimeZoneOperator.INSTANCE;
    }
    return PostgresOperator.spelled(spelling).orElseThrow();
  }

  /** Replaces, in place, every carrier call below {@code root} by its operator. */
  static void restore(SqlNode root, NormalizedText normalized) {
    if (normalized.carriedOperators().isEmpty()) {
      return;
    }
    OperatorCarriers carriers = new OperatorCarriers(normalized);
    ParseTrees.eachCallBottomUp(root, carriers::claim);
    if (!carriers.unclaimed.isEmpty()) {
      throw new IllegalStateException("cannot tell the operands of the operator at offset "
          + carriers.unclaimed.keySet().iterator().next());
    }
  }

  private void claim(SqlCall call) {
    if (call instanceof SqlBasicCall basic && basic.getOperator() == SqlStdOperatorTable.CONCAT
        && basic.operandCount() == 2) {
      int carrier = operatorOffset(basic);
      String operator = unclaimed.remove(carrier);
      if (operator != null) {
        basic.setOperator(carried(operator));
      }
    }
  }

  /** The offset of the one {@code ||} between the operands, checked to stand alone there. */
  private int operatorOffset(SqlCall call) {
    SqlParserPos left = call.operand(0).getParserPosition();
    SqlParserPos right = call.operand(1).getParserPosition();
    if (left.getEndLineNum() <= 0 || right.getLineNum() <= 0) {
      throw new IllegalStateException("an operand of || has no position");
    }
    int leftEnd =
        SourcePositions.offsetOf(text, left.getEndLineNum(), left.getEndColumnNum());
    int rightStart = SourcePositions.offsetOf(text, right.getLineNum(), right.getColumnNum());
    int found = -1;
    for (int offset = leftEnd + 1; offset < rightStart; offset++) {
      char c = text.charAt(offset);
      if (text.startsWith(CARRIER, offset) && found < 0) {
        found = offset;
        offset += CARRIER.length() - 1;
      } else if (c != '(' && c != ')' && !Character.isWhitespace(c)) {
        throw new IllegalStateException("unexpected text between the operands of ||");
      }
    }
    if (found < 0) {
      throw new IllegalStateException("no || between the operands of ||");
    }
    return found;
  }
}
