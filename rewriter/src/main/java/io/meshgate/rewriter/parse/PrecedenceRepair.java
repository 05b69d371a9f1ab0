package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.tree.AtTimeZoneOperator;
import io.meshgate.rewriter.tree.PostgresOperator;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Regroups chains of binary operators by PostgreSQL's precedence where Calcite's differs.
 * Calcite binds {@code ||} like {@code *} and tighter than {@code +}; PostgreSQL puts
 * {@code ||} and the other "any operator" operators ({@code ~}, {@code &}, {@code ->>}, ...) below
 * {@code + -}, {@code ^} above {@code * /}, and {@code AT TIME ZONE} above all of them. So {@code 'n=' || a + 1} means {@code 'n=' ||
 * (a + 1)} to PostgreSQL and {@code ('n=' || a) + 1} to Calcite. Parentheses the client wrote
 * are kept (Calcite's node positions include them); only unparenthesized chains are regrouped.
 * The unparser then parenthesizes everything, so PostgreSQL runs exactly this tree.
 */
final class PrecedenceRepair {
  private final String text;

  private PrecedenceRepair(String text) {
    this.text = text;
  }

  /** Repairs {@code root} in place where possible and returns the (possibly new) root. */
  static SqlNode repair(SqlNode root, String normalizedText) {
    return new PrecedenceRepair(normalizedText).visit(root);
  }

  private SqlNode visit(SqlNode node) {
    if (node instanceof SqlNodeList list) {
      for (int i = 0; i < list.size(); i++) {
        SqlNode element = list.get(i);
        if (element != null) {
          SqlNode repaired = visit(element);
          if (repaired != element) {
            list.set(i, repaired);
          }
        }
      }
      return list;
    }
    if (!(node instanceof SqlCall call)) {
      return node;
    }
    if (level(call) > 0) {
      return regroup(call);
    }
    List<SqlNode> operands = call.getOperandList();
    for (int i = 0; i < operands.size(); i++) {
      SqlNode operand = operands.get(i);
      if (operand != null) {
        SqlNode repaired = visit(operand);
        if (repaired != operand) {
          try {
            call.setOperand(i, repaired);
          } catch (UnsupportedOperationException e) {
            // e.g. an expression as LIMIT count: keeps Calcite's grouping
          }
        }
      }
    }
    return call;
  }

  /** Flattens the unparenthesized chain below {@code call} and rebuilds it. */
  private SqlNode regroup(SqlCall call) {
    List<SqlNode> operands = new ArrayList<>();
    List<SqlCall> operators = new ArrayList<>();
    flatten(call, true, operands, operators);
    for (int i = 0; i < operands.size(); i++) {
      operands.set(i, visit(operands.get(i)));
    }
    return new Cursor(operands, operators).expression(0);
  }

  private void flatten(
      SqlNode node, boolean root, List<SqlNode> operands, List<SqlCall> operators) {
    if (node instanceof SqlCall call && level(call) > 0 && (root || !isParenthesized(call))) {
      flatten(call.operand(0), false, operands, operators);
      operators.add(call);
      flatten(call.operand(1), false, operands, operators);
    } else {
      operands.add(node);
    }
  }

  /** PostgreSQL's binding strength of a binary operator in a chain; 0 if not part of one. */
  private static int level(SqlCall call) {
    SqlOperator operator = call.getOperator();
    if (!(operator instanceof SqlBinaryOperator) && call.getKind() != SqlKind.POSIX_REGEX_CASE_SENSITIVE
        && call.getKind() != SqlKind.POSIX_REGEX_CASE_INSENSITIVE) {
      return 0;
    }
    if (call.operandCount() != 2) {
      return 0;
    }
    if (operator == AtTimeZoneOperator.INSTANCE) {
      return 5; // AT TIME ZONE: above ^ and everything else binary
    }
    SqlKind kind = call.getKind();
    if (kind == SqlKind.BITXOR) {
      return 4; // ^ is exponentiation in PostgreSQL
    }
    if (kind == SqlKind.TIMES || kind == SqlKind.DIVIDE || kind == SqlKind.MOD) {
      return 3;
    }
    if (kind == SqlKind.PLUS || kind == SqlKind.MINUS) {
      return 2;
    }
    if (kind == SqlKind.POSIX_REGEX_CASE_SENSITIVE || kind == SqlKind.POSIX_REGEX_CASE_INSENSITIVE
        || kind == SqlKind.BITAND) {
      return 1;
    }
    String name = operator.getName();
    if (kind == SqlKind.OTHER && (name.equals("||") || name.equals("<<")
        || operator instanceof PostgresOperator)) {
      return 1;
    }
    return 0;
  }

  /** Whether the client wrote parentheses around exactly this node. */
  private boolean isParenthesized(SqlNode node) {
    SqlParserPos position = node.getParserPosition();
    if (position.getLineNum() <= 0) {
      return false;
    }
    int start = SourcePositions.offsetOf(text, position.getLineNum(), position.getColumnNum());
    int end = SourcePositions.offsetOf(text, position.getEndLineNum(), position.getEndColumnNum());
    if (start >= text.length() || end >= text.length() || text.charAt(start) != '('
        || text.charAt(end) != ')') {
      return false;
    }
    try {
      List<Token> tokens = PgLexer.tokenize(text.substring(start, end + 1));
      return Parentheses.matchingClose(tokens, 0) == tokens.size() - 1;
    } catch (LexicalException e) {
      return false;
    }
  }

  /** Precedence climbing over a flattened chain; all these operators are left-associative. */
  private static final class Cursor {
    private final List<SqlNode> operands;
    private final List<SqlCall> operators;
    /** Index of the next operand; the operator after operand k is operators[k]. */
    private int position;

    Cursor(List<SqlNode> operands, List<SqlCall> operators) {
      this.operands = operands;
      this.operators = operators;
    }

    SqlNode expression(int minimumLevel) {
      SqlNode left = operands.get(position++);
      while (position - 1 < operators.size() && level(operators.get(position - 1)) >= minimumLevel) {
        SqlCall operator = operators.get(position - 1);
        SqlNode right = expression(level(operator) + 1);
        left = new SqlBasicCall(
            operator.getOperator(), List.of(left, right), operator.getParserPosition());
      }
      return left;
    }
  }
}
