package io.meshgate.rewriter.analysis;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The uses of {@code set_config} Meshgate lets through: a setting named by a literal that the
 * {@link SettingAllowlist} allows with any value, as SET may change it. Clients do this: asyncpg
 * turns JIT compilation off around its type introspection with {@code SELECT
 * current_setting('jit') AS cur, set_config('jit', 'off', false) AS new} and restores it with
 * {@code set_config('jit', $1, false)} (refusing that would make every query on a column of a
 * type asyncpg does not know fail); pgAdmin sets {@code bytea_output}. The search path and
 * application_name stay SET-only (the session follows the one and rewrites the other from SET
 * statements), and the settings whose values Meshgate checks would need the value read from
 * the call, which no client needs: {@code set_config} of those, of a name computed at run time,
 * or of a setting not on the list is refused.
 */
final class SetConfigCalls {
  private SetConfigCalls() {}

  /**
   * Whether {@code call} (invoking {@code name}) is {@code [pg_catalog.]set_config('setting',
   * value, is_local)} of a setting {@code settings} allows with any value, with a literal or
   * parameter value and a literal boolean {@code is_local}.
   */
  static boolean isAllowed(SqlCall call, List<String> name, SettingAllowlist settings) {
    boolean setConfig = name.equals(List.of("set_config")) || name.equals(List.of("pg_catalog", "set_config"));
    if (!setConfig || call.operandCount() != 3) {
      return false;
    }
    SqlNode setting = call.operand(0);
    SqlNode value = call.operand(1);
    SqlNode local = call.operand(2);
    return setting instanceof SqlCharStringLiteral literal
        && settings.allowsAnyValue(literal.getValueAs(String.class))
        && (value instanceof SqlCharStringLiteral || value instanceof SqlDynamicParam)
        && local instanceof SqlLiteral flag
        && flag.getTypeName() == SqlTypeName.BOOLEAN;
  }
}
