package io.meshgate.rewriter.analysis;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The one use of {@code set_config} Meshgate lets through: a setting that only changes how
 * PostgreSQL executes a plan, never what a statement reads or how Meshgate must understand the
 * session. asyncpg turns JIT compilation off around its type introspection with {@code SELECT
 * current_setting('jit') AS cur, set_config('jit', 'off', false) AS new} and restores it with
 * {@code set_config('jit', $1, false)}; refusing that would make every query on a column of a
 * type asyncpg does not know (json, arrays, enums) fail. {@code set_config} in general stays
 * refused: it would change the search path, role or string syntax behind the session's back.
 */
final class PlannerSettingCalls {
  private static final Set<String> SETTINGS = Set.of("jit");

  private PlannerSettingCalls() {}

  /**
   * Whether {@code call} (invoking {@code name}) is {@code [pg_catalog.]set_config('jit', value,
   * is_local)} with a literal or parameter value and a literal boolean {@code is_local}.
   */
  static boolean isAllowed(SqlCall call, List<String> name) {
    boolean setConfig = name.equals(List.of("set_config")) || name.equals(List.of("pg_catalog", "set_config"));
    if (!setConfig || call.operandCount() != 3) {
      return false;
    }
    SqlNode setting = call.operand(0);
    SqlNode value = call.operand(1);
    SqlNode local = call.operand(2);
    return setting instanceof SqlCharStringLiteral literal
        && SETTINGS.contains(literal.getValueAs(String.class).toLowerCase(Locale.ROOT))
        && (value instanceof SqlCharStringLiteral || value instanceof SqlDynamicParam)
        && local instanceof SqlLiteral flag
        && flag.getTypeName() == SqlTypeName.BOOLEAN;
  }
}
