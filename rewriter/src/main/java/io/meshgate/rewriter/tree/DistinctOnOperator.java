package io.meshgate.rewriter.tree;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The {@code ON (e1, e2, ...)} of PostgreSQL's {@code SELECT DISTINCT ON (e1, e2, ...)}, which
 * Calcite 1.42's parser does not read. Its operands are the expressions. It stands in the
 * SELECT's keyword list right after the {@code DISTINCT} keyword, where Calcite's unparser
 * writes every keyword node in turn, so the clause comes back in its place; it is not a select
 * item, so {@code *}, ordinals and the output names of the SELECT stay the client's.
 *
 * <p>{@code DISTINCT} stays in the list, first, so Calcite's {@code SqlSelect.isDistinct()}
 * still answers (it casts each keyword node to a literal until it finds DISTINCT).
 */
public final class DistinctOnOperator extends SqlSpecialOperator {
  public static final DistinctOnOperator INSTANCE = new DistinctOnOperator();

  // OTHER_FUNCTION: a kind Calcite does not count as an expression, so the always-parenthesize
  // writer does not put the clause itself in parentheses
  private DistinctOnOperator() {
    super("DISTINCT ON", SqlKind.OTHER_FUNCTION);
  }

  /** {@code ON (expressions)}, for the keyword list of a SELECT DISTINCT. */
  public static SqlCall of(List<SqlNode> expressions) {
    return INSTANCE.createCall(SqlParserPos.ZERO, expressions);
  }

  /** The {@code DISTINCT ON} expressions of {@code select}; empty when it has none. */
  public static List<SqlNode> expressionsOf(SqlSelect select) {
    // the keyword list is operand 0; SqlSelect has no public getter for it
    SqlNodeList keywords = (SqlNodeList) select.getOperandList().get(0);
    for (SqlNode keyword : keywords) {
      if (keyword instanceof SqlCall call && call.getOperator() == INSTANCE) {
        return call.getOperandList();
      }
    }
    return List.of();
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    writer.keyword("ON");
    // not a SIMPLE frame: in one the dialect takes a subquery with ORDER BY or LIMIT for
    // parenthesized already, and PostgreSQL needs its own parentheses around it here
    SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.PARENTHESES, "(", ")");
    for (SqlNode expression : call.getOperandList()) {
      writer.sep(",");
      expression.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }
}
