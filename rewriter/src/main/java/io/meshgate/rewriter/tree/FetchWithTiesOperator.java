package io.meshgate.rewriter.tree;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;

/**
 * The row count of PostgreSQL's {@code FETCH FIRST n ROWS WITH TIES}, which Calcite 1.42's
 * parser does not read: it stands as the query's fetch, its one operand the count, and is
 * written back as {@code FETCH FIRST n ROWS WITH TIES} (LIMIT, which Meshgate writes for a plain
 * fetch, has no WITH TIES). The ties are decided by the query's own ORDER BY, at the query's own
 * level, so over the rows the derived tables beneath it let through, as a LIMIT would be.
 */
public final class FetchWithTiesOperator extends SqlSpecialOperator {
  public static final FetchWithTiesOperator INSTANCE = new FetchWithTiesOperator();

  private FetchWithTiesOperator() {
    super("WITH TIES", SqlKind.OTHER);
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    writer.keyword("FETCH FIRST");
    call.operand(0).unparse(writer, -1, -1);
    writer.keyword("ROWS WITH TIES");
  }
}
