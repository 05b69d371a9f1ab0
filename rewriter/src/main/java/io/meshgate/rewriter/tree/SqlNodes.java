package io.meshgate.rewriter.tree;

import io.meshgate.rewriter.unparse.PostgresTypeNameSpec;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Small factory methods for the parse-tree nodes Meshgate generates. */
public final class SqlNodes {
  private static final SqlParserPos POSITION = SqlParserPos.ZERO;

  private SqlNodes() {}

  public static SqlIdentifier identifier(String... names) {
    return new SqlIdentifier(Arrays.asList(names), POSITION);
  }

  public static SqlNode call(SqlOperator operator, SqlNode... operands) {
    return operator.createCall(POSITION, operands);
  }

  /**
   * A call of a built-in function, qualified with pg_catalog so that no function of the same
   * name earlier on the backend's search path can stand in for it.
   */
  public static SqlNode builtin(String name, SqlNode... arguments) {
    SqlUnresolvedFunction function =
        new SqlUnresolvedFunction(
            new SqlIdentifier(List.of("pg_catalog", name), POSITION),
            null,
            null,
            null,
            null,
            SqlFunctionCategory.USER_DEFINED_FUNCTION);
    return function.createCall(POSITION, arguments);
  }

  public static SqlNode string(String value) {
    // The character set only matters to Calcite; the PostgreSQL dialect writes plain '...'.
    return SqlLiteral.createCharString(value, "UTF16", POSITION);
  }

  public static SqlNode number(BigDecimal value) {
    return SqlLiteral.createExactNumeric(value.toPlainString(), POSITION);
  }

  public static SqlNode number(long value) {
    return number(BigDecimal.valueOf(value));
  }

  public static SqlNode bool(boolean value) {
    return SqlLiteral.createBoolean(value, POSITION);
  }

  public static SqlNode nullLiteral() {
    return SqlLiteral.createNull(POSITION);
  }

  /** {@code CAST(value AS type)} with {@code type} in PostgreSQL's own spelling. */
  public static SqlNode cast(SqlNode value, String postgresType) {
    return SqlStdOperatorTable.CAST.createCall(POSITION, value, PostgresTypeNameSpec.of(postgresType));
  }

  public static SqlNode as(SqlNode value, String alias) {
    return SqlStdOperatorTable.AS.createCall(POSITION, value, identifier(alias));
  }

  public static SqlNode concat(SqlNode left, SqlNode right) {
    return SqlStdOperatorTable.CONCAT.createCall(POSITION, left, right);
  }

  public static SqlNodeList list(List<SqlNode> nodes) {
    return new SqlNodeList(nodes, POSITION);
  }

  /** The conjunction of one or more conditions. */
  public static SqlNode and(List<SqlNode> conditions) {
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException("no conditions");
    }
    SqlNode result = conditions.get(0);
    for (SqlNode condition : conditions.subList(1, conditions.size())) {
      result = SqlStdOperatorTable.AND.createCall(POSITION, result, condition);
    }
    return result;
  }

  public static SqlParserPos position() {
    return POSITION;
  }
}
