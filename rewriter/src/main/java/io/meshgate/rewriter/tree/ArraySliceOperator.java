package io.meshgate.rewriter.tree;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;

/**
 * PostgreSQL's array slice {@code array[lower:upper]...}, which Calcite's parser does not read
 * (it knows single subscripts only). The normalizer hands the whole subscript chain to Calcite
 * as one call: the array expression, then a lower and an upper bound per subscript, an omitted
 * bound being a call of {@link #OMITTED_BOUND}. It is written back as {@code (array)[l:u][l:u]}
 * in one chain, as PostgreSQL needs it: once one subscript is a slice, every subscript of the
 * chain is one (a single {@code [n]} among them means {@code [1:n]}, which is how the normalizer
 * writes it), while {@code (a[1:2])[1]} would subscript the slice's result instead. The array
 * expression is an ordinary operand, so analysis sees its columns, and a masked column is
 * sliced masked.
 */
public final class ArraySliceOperator extends SqlSpecialOperator {
  /** Above every other operator: the unparsed slice brings its own parentheses. */
  private static final int PRECEDENCE = 200;

  public static final ArraySliceOperator INSTANCE = new ArraySliceOperator();

  /** Stands for an omitted bound ({@code a[:2]}, {@code a[2:]}): the slice writes nothing. */
  public static final SqlSpecialOperator OMITTED_BOUND =
      new SqlSpecialOperator("OMITTED BOUND", SqlKind.OTHER, PRECEDENCE);

  private ArraySliceOperator() {
    super("ARRAY SLICE", SqlKind.OTHER_FUNCTION, PRECEDENCE);
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    List<SqlNode> operands = call.getOperandList();
    SqlWriter.Frame array = writer.startList("(", ")");
    operands.get(0).unparse(writer, 0, 0);
    writer.endList(array);
    for (int bound = 1; bound + 1 < operands.size(); bound += 2) {
      writer.setNeedWhitespace(false);
      writer.print("[");
      unparseBound(writer, operands.get(bound));
      writer.setNeedWhitespace(false);
      writer.print(":");
      unparseBound(writer, operands.get(bound + 1));
      writer.setNeedWhitespace(false);
      writer.print("]");
    }
    writer.setNeedWhitespace(true);
  }

  private static void unparseBound(SqlWriter writer, SqlNode bound) {
    if (bound instanceof SqlCall call && call.getOperator() == OMITTED_BOUND) {
      return;
    }
    writer.setNeedWhitespace(false);
    bound.unparse(writer, 0, 0);
  }
}
