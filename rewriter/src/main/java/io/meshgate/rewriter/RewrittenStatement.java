package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The SQL to forward under a decision, and the checks it raises on purpose (see {@link
 * RowFilterCheck}); reads have none.
 */
public record RewrittenStatement(String sql, List<RowFilterCheck> rowFilterChecks) {
  public RewrittenStatement {
    requireNonNull(sql, "sql is null");
    rowFilterChecks = List.copyOf(requireNonNull(rowFilterChecks, "rowFilterChecks is null"));
  }
}
