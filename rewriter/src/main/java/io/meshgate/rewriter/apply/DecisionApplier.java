package io.meshgate.rewriter.apply;

import static io.meshgate.rewriter.tree.SqlNodes.as;
import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.analysis.ColumnUsage;
import io.meshgate.rewriter.analysis.StatementAnalysis;
import io.meshgate.rewriter.analysis.TableReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Applies a decision to an analysed parse tree, in place: refuses named denied columns,
 * validates each relation's filters and masks, replaces every governed table reference by
 * its derived table, and shortens {@code schema.table.column} names that would no longer
 * resolve. Decision entries for relations the statement does not read are ignored.
 */
public final class DecisionApplier {
  private final DerivedTableBuilder builder;

  public DecisionApplier(DerivedTableBuilder builder) {
    this.builder = requireNonNull(builder, "builder is null");
  }

  /**
   * Like {@link #apply(SqlNode, StatementAnalysis, Decision)}, without copying the client's
   * comparisons into the derived tables.
   */
  public Set<SqlIdentifier> apply(StatementAnalysis analysis, Decision decision)
      throws SqlRefusal {
    return apply(null, analysis, decision, reference -> false);
  }

  /**
   * Like {@link #apply(SqlNode, StatementAnalysis, Decision, Predicate)} with every reference
   * replaced.
   */
  public Set<SqlIdentifier> apply(SqlNode root, StatementAnalysis analysis, Decision decision)
      throws SqlRefusal {
    return apply(root, analysis, decision, reference -> false);
  }

  /**
   * Like {@link #apply(SqlNode, StatementAnalysis, Decision, Predicate)} without copying the
   * client's comparisons, and with the references for which {@code kept} holds left in place: a
   * write's target, which the caller governs itself.
   */
  public Set<SqlIdentifier> apply(
      StatementAnalysis analysis, Decision decision, Predicate<TableReference> kept)
      throws SqlRefusal {
    return apply(null, analysis, decision, kept);
  }

  /**
   * @param root the parse tree {@code analysis} was made of; the client's comparisons that are
   *     safe to evaluate on filtered-out rows are copied into the derived tables from it (see
   *     {@link PredicatePushdown}); null copies none
   * @param kept references left in place (a write's target, governed by its caller)
   * @return the base-table name nodes of the derived tables that were put in, by identity
   */
  public Set<SqlIdentifier> apply(
      SqlNode root, StatementAnalysis analysis, Decision decision, Predicate<TableReference> kept)
      throws SqlRefusal {
    return apply(root, analysis, decision, kept, null, reference -> false);
  }

  /**
   * Like {@link #apply(SqlNode, StatementAnalysis, Decision)} for a query with row locks
   * ({@code SELECT ... FOR UPDATE}). A locked table the decision filters gets a derived table
   * without {@code OFFSET 0}, so that PostgreSQL merges it and locks only the rows the query
   * returns: behind the fence PostgreSQL would lock every row the filters let through, selected
   * or not. The fence is what keeps the client's conditions from running on rows the filters
   * exclude, so this is done only when the table is the only FROM item of {@code lockingSelect}
   * and all of its WHERE is comparisons PostgreSQL may evaluate on any row (see {@link
   * PredicatePushdown}); any other locked, filtered table refuses the statement (0A000).
   *
   * @param lockingSelect the outermost SELECT, which the locking clauses belong to
   * @param locked the references the locking clauses lock
   */
  public Set<SqlIdentifier> applyLocking(
      SqlNode root, StatementAnalysis analysis, Decision decision, SqlSelect lockingSelect,
      Predicate<TableReference> locked) throws SqlRefusal {
    return apply(root, analysis, decision, reference -> false,
        requireNonNull(lockingSelect, "lockingSelect is null"), locked);
  }

  private Set<SqlIdentifier> apply(
      SqlNode root, StatementAnalysis analysis, Decision decision, Predicate<TableReference> kept,
      SqlSelect lockingSelect, Predicate<TableReference> locked)
      throws SqlRefusal {
    if (!decision.allow()) {
      throw SqlRefusal.deniedByPolicy(decision.denyReasons(), null);
    }
    refuseDeniedColumns(analysis, decision);
    Map<RelationName, DerivedTableBuilder.PreparedRelation> prepared = new LinkedHashMap<>();
    for (TableReference reference : analysis.references()) {
      if (kept.test(reference)) {
        continue;
      }
      if (!prepared.containsKey(reference.relation())) {
        prepared.put(reference.relation(),
            builder.prepare(reference.table(), decision.policyFor(reference.relation())));
      }
    }
    // Found before any reference is replaced: the replacements change the FROM clauses it reads.
    PredicatePushdown pushdown = root == null ? null : PredicatePushdown.over(root);
    Set<SqlIdentifier> bases = Collections.newSetFromMap(new IdentityHashMap<>());
    for (TableReference reference : analysis.references()) {
      if (kept.test(reference)) {
        continue;
      }
      DerivedTableBuilder.PreparedRelation relation = prepared.get(reference.relation());
      DerivedTableBuilder.DerivedTable derived;
      if (locked.test(reference) && relation.hasRowFilters()) {
        if (pushdown == null
            || !pushdown.onlyLeakproofConditions(reference, lockingSelect, relation.comparableColumns())) {
          throw lockNotGoverned(reference);
        }
        derived = relation.newMergeableDerivedTable(reference.modifiers());
      } else {
        derived = relation.newDerivedTable(pushdown == null
            ? List.of()
            : pushdown.conditionsFor(reference, relation.comparableColumns()), reference.modifiers());
      }
      bases.add(derived.base());
      reference.replaceWith(
          reference.isAliased() ? derived.select() : as(derived.select(), reference.exposedName()));
    }
    shortenLongColumnNames(analysis);
    return bases;
  }

  private static SqlRefusal lockNotGoverned(TableReference reference) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "Meshgate cannot lock exactly the selected rows of " + reference.relation().schema() + "."
            + reference.relation().table() + ", which the policy filters for you, in this query:"
            + " a locked, filtered table must be the only item of the FROM clause, and the WHERE"
            + " clause only comparisons (=, <>, <, <=, >, >= joined by AND) of its unmasked"
            + " integer, text or date columns with literals (or = with parameters); lock the rows"
            + " with such a SELECT first; the statement was not forwarded");
  }

  private static void refuseDeniedColumns(StatementAnalysis analysis, Decision decision)
      throws SqlRefusal {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<RelationName, ColumnUsage> entry : analysis.usage().entrySet()) {
      RelationPolicy policy = decision.policyFor(entry.getKey());
      List<String> denied = entry.getValue().namedColumns().stream()
          .filter(policy.deniedColumns()::contains)
          .toList();
      if (!denied.isEmpty()) {
        problems.add(
            (denied.size() == 1 ? "column " : "columns ") + String.join(", ", denied)
                + " of relation " + entry.getKey().schema() + "." + entry.getKey().table());
      }
    }
    if (!problems.isEmpty()) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED, "permission denied for " + String.join("; ", problems));
    }
  }

  /**
   * {@code sales.stores.zip_code} named the unaliased table {@code sales.stores}; the derived
   * table that replaces it is called {@code stores}, so the name becomes {@code stores.zip_code}.
   */
  private static void shortenLongColumnNames(StatementAnalysis analysis) {
    for (SqlIdentifier name : analysis.longColumnNames()) {
      List<String> parts = name.names;
      for (TableReference reference : analysis.references()) {
        if (reference.isAliased()) {
          continue;
        }
        RelationName relation = reference.relation();
        int size = parts.size();
        boolean schemaAndTable = size >= 3
            && parts.get(size - 3).equals(relation.schema())
            && parts.get(size - 2).equals(relation.table());
        boolean withCatalog = size >= 4 && parts.get(size - 4).equals(relation.catalog());
        if (schemaAndTable && (size == 3 || (size == 4 && withCatalog))) {
          SqlParserPos position = name.getParserPosition();
          name.setNames(List.of(relation.table(), parts.get(size - 1)),
              List.of(position, position));
          break;
        }
      }
    }
  }
}
