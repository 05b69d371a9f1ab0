package io.meshgate.rewriter.analysis;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Functions a statement must never call through Meshgate, because they run SQL text of
 * their own (out of reach of the rewriter), read files or large objects past the policy, or
 * change the backend's identity or settings. Matching ignores case and schema
 * qualification, which fails closed. This is a denylist for now; a later change will turn
 * it into an allowlist.
 */
public final class ForbiddenFunctions {
  /** Forbidden function names. */
  public static final Set<String> NAMES =
      Set.of(
          // run a query given as text
          "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema",
          "cursor_to_xml", "cursor_to_xmlschema",
          "table_to_xml", "table_to_xml_and_xmlschema", "table_to_xmlschema",
          "ts_stat", "ts_rewrite",
          // change settings, including the role
          "set_config",
          // read server files
          "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file",
          // large objects
          "lo_import", "lo_export", "lo_get", "lo_open",
          // act on other sessions or the server
          "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf");

  /** Forbidden name prefixes: every function of these families. */
  public static final List<String> PREFIXES = List.of("schema_to_xml", "database_to_xml", "dblink");

  private ForbiddenFunctions() {}

  public static boolean isForbidden(String functionName) {
    String name = functionName.toLowerCase(Locale.ROOT);
    return NAMES.contains(name) || PREFIXES.stream().anyMatch(name::startsWith);
  }

  /** Refuses the statement if any call anywhere in it is to a forbidden function. */
  public static void check(SqlNode node) throws SqlRefusal {
    String forbidden = node.accept(new Finder());
    if (forbidden != null) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "function " + forbidden + " is not allowed through Meshgate");
    }
  }

  /** The simple name of the function a call invokes, or null when it is not a function call. */
  public static String functionName(SqlCall call) {
    SqlOperator operator = call.getOperator();
    if (operator instanceof SqlFunction function) {
      SqlIdentifier identifier = function.getSqlIdentifier();
      if (identifier != null && !identifier.names.isEmpty()) {
        return identifier.names.get(identifier.names.size() - 1);
      }
      return function.getName();
    }
    return null;
  }

  /** Returns the first forbidden function name found, or null. */
  private static final class Finder extends SqlBasicVisitor<String> {
    @Override
    public String visit(SqlCall call) {
      String name = functionName(call);
      if (name != null && isForbidden(name)) {
        return name.toLowerCase(Locale.ROOT);
      }
      for (SqlNode operand : call.getOperandList()) {
        if (operand != null) {
          String found = operand.accept(this);
          if (found != null) {
            return found;
          }
        }
      }
      return null;
    }

    @Override
    public String visit(SqlNodeList nodeList) {
      for (SqlNode node : nodeList) {
        if (node != null) {
          String found = node.accept(this);
          if (found != null) {
            return found;
          }
        }
      }
      return null;
    }
  }
}
