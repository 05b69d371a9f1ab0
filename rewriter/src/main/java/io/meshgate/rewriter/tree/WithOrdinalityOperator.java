package io.meshgate.rewriter.tree;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;

/**
 * A set-returning function in FROM followed by PostgreSQL's {@code WITH ORDINALITY} (e.g.
 * psql's {@code pg_catalog.pg_partition_ancestors(oid) WITH ORDINALITY AS a(relid, depth)}),
 * which Calcite reads only after {@code UNNEST}. Its one operand is the function call; it is
 * written back as {@code call WITH ORDINALITY}.
 */
public final class WithOrdinalityOperator extends SqlSpecialOperator {
  public static final WithOrdinalityOperator INSTANCE = new WithOrdinalityOperator();

  /** Above every other operator, so Calcite never parenthesizes it (PostgreSQL would refuse). */
  private static final int PRECEDENCE = 200;

  private WithOrdinalityOperator() {
    super("WITH ORDINALITY", SqlKind.OTHER_FUNCTION, PRECEDENCE);
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    call.operand(0).unparse(writer, 0, 0);
    writer.keyword("WITH ORDINALITY");
  }
}
