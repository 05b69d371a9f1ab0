package io.meshgate.rewriter.ddl;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.apply.ExpressionValidator;
import io.meshgate.rewriter.parse.NormalizedText;
import io.meshgate.rewriter.parse.PostgresTextNormalizer;
import io.meshgate.rewriter.parse.SqlParsing;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/**
 * The expressions a table definition stores (DEFAULT, CHECK, GENERATED ... AS): they run later,
 * on every write, as Meshgate's backend role, so they get the rules of a query's expressions and
 * more: functions on the allowlist only, no subquery, aggregate, window function or parameter,
 * and no name but a bare column. What is forwarded is the parsed expression written back, so what
 * runs is what was checked.
 */
final class DdlExpressions {
  private DdlExpressions() {}

  /**
   * @param text the expression as the client wrote it
   * @param context where it stands, for messages ("DEFAULT of column amount")
   * @return the expression to forward, in parentheses
   */
  static String checked(String text, FunctionAllowlist functions, String context) throws SqlRefusal {
    NormalizedText normalized;
    SqlNode node;
    try {
      normalized = PostgresTextNormalizer.normalizeExpression(text);
      node = SqlParsing.parseExpression(normalized);
    } catch (SqlRefusal refusal) {
      throw new SqlRefusal(refusal.reason(), "in the " + context + ": " + refusal.getMessage(), StatementKind.DDL);
    }
    if (!normalized.parameterNumbers().isEmpty()) {
      throw refused(context, "parameters are not allowed in a table definition");
    }
    check(node, functions, context);
    return "(" + PostgresUnparser.unparse(node, List.of()) + ")";
  }

  private static void check(SqlNode node, FunctionAllowlist functions, String context) throws SqlRefusal {
    switch (node) {
      case null -> {
        // an absent operand (e.g. the ELSE of a CASE without one)
      }
      case SqlIdentifier identifier -> {
        if (identifier.isStar() || !identifier.isSimple()) {
          throw refused(context, "only a column of the table itself may be named, not " + identifier);
        }
      }
      case SqlDynamicParam parameter -> throw refused(context, "parameters are not allowed in a table definition");
      case SqlNodeList list -> {
        for (SqlNode element : list) {
          check(element, functions, context);
        }
      }
      case SqlCall call -> {
        // a subquery would read other tables on every write, outside any policy
        Optional<String> problem = ExpressionValidator.perRowProblem(call);
        if (problem.isPresent()) {
          throw refused(context, problem.get());
        }
        List<String> function = FunctionAllowlist.functionName(call);
        if (!function.isEmpty() && !functions.allows(function)) {
          SqlRefusal refusal = FunctionAllowlist.refusal(String.join(".", function));
          throw new SqlRefusal(refusal.reason(), "in the " + context + ": " + refusal.getMessage(), StatementKind.DDL);
        }
        for (SqlNode operand : call.getOperandList()) {
          check(operand, functions, context);
        }
      }
      default -> {
        // literals, type names and interval qualifiers
      }
    }
  }

  private static SqlRefusal refused(String context, String problem) {
    return new SqlRefusal(Reason.PERMISSION_DENIED,
        "permission denied: in the " + context + ": " + problem + "; the statement was not forwarded",
        StatementKind.DDL);
  }
}
