package io.meshgate.rewriter.tree;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * PostgreSQL's {@code ONLY table} in FROM: the table's own rows, without those of tables that
 * inherit from it. Calcite's parser does not read it; the normalizer hands it over as a marker
 * call whose one operand is the table name, and it is written back as {@code ONLY name}.
 */
public final class OnlyOperator extends SqlSpecialOperator {
  public static final OnlyOperator INSTANCE = new OnlyOperator();

  /** Above every other operator, so Calcite never parenthesizes it (PostgreSQL would refuse). */
  private static final int PRECEDENCE = 200;

  private OnlyOperator() {
    super("ONLY", SqlKind.OTHER_FUNCTION, PRECEDENCE);
  }

  /** {@code ONLY table}. */
  public static SqlCall of(SqlIdentifier table) {
    return INSTANCE.createCall(SqlParserPos.ZERO, table);
  }

  /** The table an {@code ONLY} names, when {@code node} is one; otherwise null. */
  public static SqlIdentifier tableOf(SqlNode node) {
    if (node instanceof SqlCall call && call.getOperator() == INSTANCE
        && call.operand(0) instanceof SqlIdentifier table) {
      return table;
    }
    return null;
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    writer.keyword("ONLY");
    call.operand(0).unparse(writer, 0, 0);
  }
}
