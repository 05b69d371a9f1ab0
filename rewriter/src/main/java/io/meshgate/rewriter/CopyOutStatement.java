package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal.Reason;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code COPY (query) TO STDOUT}: the query is governed exactly like a SELECT, and what is
 * forwarded is {@code COPY (<the query as rewritten>) TO STDOUT <the client's options>}.
 * {@code COPY table [(columns)] TO STDOUT} arrives here as the query {@code SELECT columns |
 * * FROM table}, so denied columns are refused when named and left out of {@code *}; its
 * FORCE_QUOTE columns name the table's columns and are refused when denied too.
 */
final class CopyOutStatement implements AnalyzedStatement {
  private final AnalyzedStatement query;
  private final String options;
  private final Optional<RelationName> copiedTable;
  private final List<String> forceQuoteColumns;

  /**
   * @param query the analysed query, of kind COPY_OUT
   * @param options the validated option clause as the client wrote it, or empty
   * @param copiedTable for {@code COPY table TO}, the governed table (its FORCE_QUOTE columns
   *     are its columns); empty for {@code COPY (query) TO} and catalog relations
   */
  CopyOutStatement(
      AnalyzedStatement query,
      String options,
      Optional<RelationName> copiedTable,
      List<String> forceQuoteColumns) {
    this.query = requireNonNull(query, "query is null");
    this.options = requireNonNull(options, "options is null");
    this.copiedTable = requireNonNull(copiedTable, "copiedTable is null");
    this.forceQuoteColumns = List.copyOf(requireNonNull(forceQuoteColumns, "forceQuoteColumns is null"));
    if (query.kind() != StatementKind.COPY_OUT) {
      throw new IllegalArgumentException("the query of a COPY must be analysed as COPY_OUT");
    }
  }

  @Override
  public StatementKind kind() {
    return StatementKind.COPY_OUT;
  }

  @Override
  public boolean requiresDecision() {
    return query.requiresDecision();
  }

  @Override
  public List<RelationAccess> relations() {
    return query.relations();
  }

  @Override
  public Set<VirtualRelation> virtualRelations() {
    return query.virtualRelations();
  }

  @Override
  public String passthroughSql() {
    return copy(query.passthroughSql());
  }

  @Override
  public String rewrite(Decision decision) throws SqlRefusal {
    return checkedCopy(decision, query.rewrite(decision));
  }

  @Override
  public String rewrite(Decision decision, DiscoveryRows rows) throws SqlRefusal {
    return checkedCopy(decision, query.rewrite(decision, rows));
  }

  /** {@code COPY (rewritten) TO STDOUT}, refused if a FORCE_QUOTE column is denied. */
  private String checkedCopy(Decision decision, String rewritten) throws SqlRefusal {
    if (copiedTable.isPresent()) {
      Set<String> denied = decision.policyFor(copiedTable.get()).deniedColumns();
      List<String> named = forceQuoteColumns.stream().filter(denied::contains).distinct().toList();
      if (!named.isEmpty()) {
        throw new SqlRefusal(
            Reason.PERMISSION_DENIED,
            "permission denied for " + (named.size() == 1 ? "column " : "columns ")
                + String.join(", ", named) + " of relation " + copiedTable.get().schema() + "."
                + copiedTable.get().table(),
            StatementKind.COPY_OUT);
      }
    }
    return copy(rewritten);
  }

  private String copy(String querySql) {
    return "COPY (" + querySql + ") TO STDOUT" + (options.isEmpty() ? "" : " " + options);
  }

  @Override
  public String toString() {
    return "CopyOutStatement[" + query + (options.isEmpty() ? "" : " " + options) + "]";
  }
}
