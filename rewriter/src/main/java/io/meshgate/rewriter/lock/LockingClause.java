package io.meshgate.rewriter.lock;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.PgIdentifiers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One {@code FOR strength [OF name, ...] [NOWAIT | SKIP LOCKED]} clause.
 *
 * @param tables the names after OF, as PostgreSQL stores them (folded or as quoted); empty
 *     when the clause has no OF and locks every table of the query's FROM clause
 */
public record LockingClause(LockStrength strength, List<String> tables, LockWait waitPolicy) {
  public LockingClause {
    requireNonNull(strength, "strength is null");
    tables = List.copyOf(requireNonNull(tables, "tables is null"));
    requireNonNull(waitPolicy, "waitPolicy is null");
  }

  /** The clause in PostgreSQL's syntax, names quoted. */
  public String sql() {
    StringBuilder sql = new StringBuilder("FOR ").append(strength.sql());
    if (!tables.isEmpty()) {
      sql.append(" OF ")
          .append(tables.stream().map(PgIdentifiers::quote).collect(Collectors.joining(", ")));
    }
    if (waitPolicy != LockWait.WAIT) {
      sql.append(' ').append(waitPolicy.sql());
    }
    return sql.toString();
  }

  /** The clauses as they follow a query: each preceded by a space; empty for none. */
  public static String sql(List<LockingClause> clauses) {
    return clauses.stream().map(clause -> " " + clause.sql()).collect(Collectors.joining());
  }
}
