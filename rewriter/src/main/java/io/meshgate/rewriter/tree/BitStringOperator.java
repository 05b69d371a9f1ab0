package io.meshgate.rewriter.tree;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;

/**
 * PostgreSQL's bit-string constant {@code B'101'} (type {@code bit(3)}), which Calcite's parser
 * does not read: it would take {@code B} for a column and {@code '101'} for its alias. The
 * normalizer hands it to Calcite as a call with the digits as its one string operand (a
 * literal, so analysis sees no column), checked to be binary digits; it is written back as
 * {@code B'101'}, the client's constant, so PostgreSQL gives it the same type and length.
 */
public final class BitStringOperator extends SqlSpecialOperator {
  public static final BitStringOperator INSTANCE = new BitStringOperator();

  /** Above every other operator: the constant is atomic. */
  private static final int PRECEDENCE = 200;

  private BitStringOperator() {
    super("BIT STRING", SqlKind.OTHER_FUNCTION, PRECEDENCE);
  }

  /** The binary digits of the constant. */
  public static String digits(SqlCall call) {
    return ((SqlLiteral) call.operand(0)).getValueAs(String.class);
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    writer.print("B'" + digits(call) + "'");
    writer.setNeedWhitespace(true);
  }
}
