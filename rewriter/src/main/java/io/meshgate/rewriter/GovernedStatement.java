package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.analysis.NameResolver;
import io.meshgate.rewriter.analysis.StatementAnalysis;
import io.meshgate.rewriter.analysis.TableReference;
import io.meshgate.rewriter.analysis.TableReferenceFinder;
import io.meshgate.rewriter.apply.DecisionApplier;
import io.meshgate.rewriter.lock.LockedTables;
import io.meshgate.rewriter.lock.LockingClause;
import io.meshgate.rewriter.parse.NormalizedText;
import io.meshgate.rewriter.parse.SqlParsing;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import io.meshgate.rewriter.virtual.VirtualTableBuilder;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;

/**
 * A query that reads governed relations or relations of the {@code meshgate} schema. Each
 * rewrite parses the normalized text again (parse trees are mutable and rewritten in place),
 * finds the same references with the names resolved during analysis, applies the decision,
 * puts the discovery rows in place of the virtual relations, and checks that no governed table
 * is left outside a derived table and no virtual relation is left at all before unparsing.
 */
final class GovernedStatement implements AnalyzedStatement {
  private final StatementKind kind;
  private final NormalizedText normalized;
  private final List<RelationAccess> relations;
  private final Set<VirtualRelation> virtualRelations;
  private final NameResolver resolver;
  private final DecisionApplier applier;
  private final List<LockingClause> lockingClauses;

  /**
   * @param kind {@code SELECT}, or {@code COPY_OUT} for the query of a COPY (which wraps the
   *     rewritten query and reports refusals with this kind)
   * @param lockingClauses the query's row locks, written back after the rewritten query; the
   *     tables they lock are in {@code relations} with access {@code update} too
   */
  GovernedStatement(
      StatementKind kind,
      NormalizedText normalized,
      List<RelationAccess> relations,
      Set<VirtualRelation> virtualRelations,
      NameResolver frozenResolver,
      DecisionApplier applier,
      List<LockingClause> lockingClauses) {
    this.kind = requireNonNull(kind, "kind is null");
    this.normalized = requireNonNull(normalized, "normalized is null");
    this.relations = List.copyOf(requireNonNull(relations, "relations is null"));
    this.virtualRelations = Set.copyOf(requireNonNull(virtualRelations, "virtualRelations is null"));
    this.resolver = requireNonNull(frozenResolver, "frozenResolver is null");
    this.applier = requireNonNull(applier, "applier is null");
    this.lockingClauses = List.copyOf(requireNonNull(lockingClauses, "lockingClauses is null"));
  }

  @Override
  public StatementKind kind() {
    return kind;
  }

  @Override
  public boolean requiresDecision() {
    return true;
  }

  @Override
  public List<RelationAccess> relations() {
    return relations;
  }

  @Override
  public Set<VirtualRelation> virtualRelations() {
    return virtualRelations;
  }

  @Override
  public String passthroughSql() {
    throw new IllegalStateException("this statement needs a decision; call rewrite(decision)");
  }

  @Override
  public String rewrite(Decision decision) throws SqlRefusal {
    if (!virtualRelations.isEmpty()) {
      throw new IllegalStateException(
          "this statement reads " + virtualRelations + "; call rewrite(decision, rows)");
    }
    return rewrite(decision, DiscoveryRows.empty());
  }

  @Override
  public String rewrite(Decision decision, DiscoveryRows rows) throws SqlRefusal {
    requireNonNull(decision, "decision is null");
    requireNonNull(rows, "rows is null");
    try {
      SqlNode root = SqlParsing.parseStatement(normalized);
      StatementAnalysis analysis = TableReferenceFinder.find(root, resolver);
      Set<SqlIdentifier> derivedBases;
      if (lockingClauses.isEmpty()) {
        derivedBases = applier.apply(root, analysis, decision);
      } else {
        Set<TableReference> locked = Collections.newSetFromMap(new IdentityHashMap<>());
        locked.addAll(LockedTables.find(root, analysis, lockingClauses));
        derivedBases = applier.applyLocking(
            root, analysis, decision, LockedTables.outermostSelect(root), locked::contains);
      }
      VirtualTableBuilder.replace(analysis.virtualReferences(), analysis.longColumnNames(), rows);
      verify(root, derivedBases);
      // the derived tables keep each reference's exposed name, so OF names the same items
      return PostgresUnparser.unparse(root, normalized.parameterNumbers())
          + LockingClause.sql(lockingClauses);
    } catch (SqlRefusal refusal) {
      throw refusal.withStatementKind(kind);
    } catch (StackOverflowError e) {
      throw StatementAnalyzer.tooDeep(kind);
    }
  }

  /** Fails closed if any governed table is still reachable other than through a derived table. */
  private void verify(SqlNode root, Set<SqlIdentifier> derivedBases) throws SqlRefusal {
    StatementAnalysis rewritten = TableReferenceFinder.find(root, resolver);
    if (!rewritten.virtualReferences().isEmpty()) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "Meshgate could not answer every reference to the meshgate schema; the statement was"
              + " not forwarded",
          kind);
    }
    for (TableReference reference : rewritten.references()) {
      if (!derivedBases.contains(reference.name())) {
        throw new SqlRefusal(
            Reason.NOT_GOVERNED,
            "Meshgate could not apply the policy to every reference of "
                + reference.relation().schema() + "." + reference.relation().table()
                + "; the statement was not forwarded",
            kind);
      }
    }
  }

  @Override
  public String toString() {
    return "GovernedStatement[" + normalized.text() + "]";
  }
}
