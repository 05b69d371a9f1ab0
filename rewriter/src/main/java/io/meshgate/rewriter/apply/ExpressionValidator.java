package io.meshgate.rewriter.apply;

import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.parse.NormalizedText;
import io.meshgate.rewriter.parse.PostgresTextNormalizer;
import io.meshgate.rewriter.parse.SqlParsing;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * Parses and validates a policy's SQL expression (an expression row filter or mask): it may
 * name only the table's own columns (bare, or qualified by the table name), and may not
 * contain subqueries, aggregates, window functions, parameters or forbidden functions.
 * Identifiers are returned unqualified, so inside the derived table they resolve to the base
 * table and nothing the client wrote can capture them. The backend evaluates the expression in
 * the client's session, so it must not depend on that session's settings either ({@link
 * SessionIndependence}).
 */
public final class ExpressionValidator {
  /** PostgreSQL's built-in aggregate functions. */
  private static final Set<String> AGGREGATES =
      Set.of(
          "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "bool_and", "bool_or",
          "every", "bit_and", "bit_or", "bit_xor", "json_agg", "jsonb_agg", "json_object_agg",
          "jsonb_object_agg", "xmlagg", "stddev", "stddev_pop", "stddev_samp", "variance",
          "var_pop", "var_samp", "corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy",
          "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy",
          "regr_syy", "percentile_cont", "percentile_disc", "mode", "rank", "dense_rank",
          "percent_rank", "cume_dist", "range_agg", "range_intersect_agg", "any_value",
          "row_number", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
          "grouping");

  private static final Set<SqlKind> REFUSED_KINDS =
      Set.of(SqlKind.OVER, SqlKind.FILTER, SqlKind.WITHIN_GROUP, SqlKind.WITHIN_DISTINCT,
          SqlKind.AS, SqlKind.EXPLICIT_TABLE);

  private ExpressionValidator() {}

  /**
   * @param context what the expression is, for messages, e.g. "row filter for sales.orders"
   */
  public static SqlNode validate(String expression, TableSchema table, String context)
      throws SqlRefusal {
    NormalizedText normalized;
    SqlNode node;
    try {
      normalized = PostgresTextNormalizer.normalizeExpression(expression);
      node = SqlParsing.parseExpression(normalized);
    } catch (SqlRefusal e) {
      throw policyError(context, e.getMessage());
    }
    if (!normalized.parameterNumbers().isEmpty()) {
      throw policyError(context, "parameters are not allowed");
    }
    check(node, table, context);
    SessionIndependence.check(node, table, context);
    return node;
  }

  /**
   * Validates an {@code expression} mask of {@code column}: as {@link #validate}, and its result
   * must convert to the column's type (the mask is cast back to it) in every session alike.
   */
  public static SqlNode validateMask(String expression, TableSchema table, ColumnSchema column,
      String context) throws SqlRefusal {
    SqlNode node = validate(expression, table, context);
    SessionIndependence.checkMask(node, table, column, context);
    return node;
  }

  private static void check(SqlNode node, TableSchema table, String context) throws SqlRefusal {
    if (node == null) {
      return;
    }
    if (node instanceof SqlIdentifier identifier) {
      column(identifier, table, context);
    } else if (node instanceof SqlDynamicParam) {
      throw policyError(context, "parameters are not allowed");
    } else if (node instanceof SqlNodeList list) {
      for (SqlNode element : list) {
        check(element, table, context);
      }
    } else if (node instanceof SqlCall call) {
      call(call, table, context);
    }
    // literals, type names and interval qualifiers need no check
  }

  private static void call(SqlCall call, TableSchema table, String context) throws SqlRefusal {
    Optional<String> problem = perRowProblem(call);
    if (problem.isPresent()) {
      throw policyError(context, problem.get());
    }
    List<String> function = FunctionAllowlist.functionName(call);
    if (!function.isEmpty()) {
      // policy expressions get the built-in allowlist, not the operator's extra functions
      if (!FunctionAllowlist.builtIn().allows(function)) {
        throw policyError(context, "function " + String.join(".", function) + " is not allowed");
      }
      if (AGGREGATES.contains(function.get(function.size() - 1).toLowerCase(Locale.ROOT))) {
        throw policyError(context, "aggregate and window functions are not allowed");
      }
    }
    for (SqlNode operand : call.getOperandList()) {
      check(operand, table, context);
    }
  }

  /**
   * Why {@code call} cannot stand in an expression evaluated on one row at a time (a filter, a
   * mask, a column's DEFAULT or CHECK): a subquery, an aggregate or a window function; empty if
   * it can.
   */
  public static Optional<String> perRowProblem(SqlCall call) {
    SqlKind kind = call.getKind();
    if (call instanceof SqlSelect || kind.belongsTo(SqlKind.QUERY) || kind == SqlKind.ORDER_BY
        || kind == SqlKind.WITH || kind == SqlKind.VALUES) {
      return Optional.of("subqueries are not allowed");
    }
    if (REFUSED_KINDS.contains(kind) || call.getOperator().isAggregator()) {
      return Optional.of("aggregate and window functions are not allowed");
    }
    return Optional.empty();
  }

  private static void column(SqlIdentifier identifier, TableSchema table, String context)
      throws SqlRefusal {
    if (identifier.isStar()) {
      throw policyError(context, "* is not allowed");
    }
    if (isNiladicFunction(identifier)) {
      return; // CURRENT_DATE, CURRENT_USER and the like parse as identifiers
    }
    List<String> names = identifier.names;
    String column;
    if (names.size() == 1) {
      column = names.get(0);
    } else if (names.size() == 2 && names.get(0).equals(table.name().table())) {
      column = names.get(1);
    } else {
      throw policyError(context, "only the table's own columns may be named, not "
          + String.join(".", names));
    }
    if (table.column(column).isEmpty()) {
      throw policyError(context, "column " + column + " does not exist");
    }
    identifier.setNames(List.of(column), null);
  }

  /** An unquoted name that SQL calls as a function without parentheses, e.g. CURRENT_DATE. */
  public static boolean isNiladicFunction(SqlIdentifier identifier) {
    if (!identifier.isSimple() || identifier.getParserPosition().isQuoted()) {
      return false;
    }
    SqlOperator function = SqlValidatorUtil.lookupSqlFunctionByID(
        SqlStdOperatorTable.instance(), identifier, null);
    return function != null
        && (function.getSyntax() == SqlSyntax.FUNCTION_ID
            || function.getSyntax() == SqlSyntax.FUNCTION_ID_CONSTANT);
  }

  static SqlRefusal policyError(String context, String problem) {
    return new SqlRefusal(Reason.POLICY_ERROR, "policy error in " + context + ": " + problem);
  }
}
