package io.meshgate.rewriter.apply;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.List;
import org.apache.calcite.sql.SqlNode;

/**
 * The refusals of one policy expression that would depend on session settings: policy errors
 * naming the expression's context, each ending alike so an operator sees which rule refused.
 */
final class SessionRefusals {
  private final String context;

  SessionRefusals(String context) {
    this.context = requireNonNull(context, "context is null");
  }

  SqlRefusal refusal(String problem) {
    return ExpressionValidator.policyError(context,
        problem + " (policy expressions must not depend on session settings)");
  }

  SqlRefusal cannotTell(String what, ValueType type) {
    return refusal("cannot tell whether " + what + " over " + type.describe() + " depends on"
        + " the client's session settings (time zone, DateStyle, IntervalStyle,"
        + " extra_float_digits); convert the value explicitly first, e.g. x AT TIME ZONE"
        + " 'UTC' or x::numeric");
  }

  /** The node as PostgreSQL would read it, for messages. */
  static String text(SqlNode node) {
    try {
      return PostgresUnparser.unparse(node, List.of());
    } catch (RuntimeException e) {
      return node.toString();
    }
  }
}
