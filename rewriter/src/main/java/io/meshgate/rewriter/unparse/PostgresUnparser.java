package io.meshgate.rewriter.unparse;

import java.util.List;
import org.apache.calcite.sql.SqlNode;

/** Writes a parse tree as PostgreSQL SQL, every identifier quoted, on one line. */
public final class PostgresUnparser {
  private PostgresUnparser() {}

  /**
   * @param parameterNumbers the PostgreSQL number of each dynamic parameter, in the order
   *     Calcite numbered them
   */
  public static String unparse(SqlNode node, List<Integer> parameterNumbers) {
    PostgresSqlWriter writer = new PostgresSqlWriter(parameterNumbers);
    node.unparse(writer, 0, 0);
    return writer.toSqlString().getSql().strip();
  }
}
