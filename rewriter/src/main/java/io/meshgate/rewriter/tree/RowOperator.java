package io.meshgate.rewriter.tree;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;

/**
 * PostgreSQL's row constructor with its keyword, {@code ROW(a, b)}, {@code ROW(a)}, {@code ROW()},
 * which Calcite's parser refuses outside VALUES ("ROW expression encountered in illegal
 * context"). The normalizer hands it to Calcite as a call with the values as operands, so
 * analysis sees their columns; it is written back as {@code ROW(a, b)}, which also keeps the
 * one- and zero-value forms that {@code (a, b)} cannot spell.
 */
public final class RowOperator extends SqlSpecialOperator {
  /** Above every other operator: the constructor brings its own parentheses. */
  private static final int PRECEDENCE = 200;

  public static final RowOperator INSTANCE = new RowOperator();

  private RowOperator() {
    super("ROW", SqlKind.OTHER_FUNCTION, PRECEDENCE);
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    writer.keyword("ROW");
    writer.setNeedWhitespace(false);
    SqlWriter.Frame values = writer.startList("(", ")");
    for (SqlNode value : call.getOperandList()) {
      writer.sep(",");
      value.unparse(writer, 0, 0);
    }
    writer.endList(values);
  }
}
