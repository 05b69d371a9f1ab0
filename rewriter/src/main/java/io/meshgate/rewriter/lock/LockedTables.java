package io.meshgate.rewriter.lock;

import io.meshgate.policy.Access;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.analysis.NameResolver;
import io.meshgate.rewriter.analysis.StatementAnalysis;
import io.meshgate.rewriter.analysis.TableReference;
import io.meshgate.rewriter.tree.OnlyOperator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;

/**
 * Which governed tables the locking clauses of a query lock, the way PostgreSQL decides it: a
 * clause without OF locks every table of the outermost FROM clause, a clause with OF the FROM
 * items it names; a table inside a subquery in FROM is locked with that item. Rows of a WITH
 * query are not locked by the outer clause (PostgreSQL's rule), so its tables are only read.
 *
 * <p>Every governed table locked needs {@code update} access besides {@code read}, as
 * PostgreSQL requires UPDATE privilege: otherwise a reader could block the table's writers.
 * When in doubt the set is larger (every table anywhere inside a locked subquery), which can
 * only ask the policy for more.
 */
public final class LockedTables {
  private LockedTables() {}

  /**
   * @param root the parsed query (after {@link io.meshgate.rewriter.analysis.TableReferenceFinder},
   *     which writes catalog relations out in full)
   * @return the governed references the clauses lock, in the analysis's order; empty without
   *     clauses
   * @throws SqlRefusal 0A000 for clauses on a set operation or VALUES, on catalog relations or
   *     the meshgate schema; 42P01 for an OF name that is no FROM item of the query
   */
  public static List<TableReference> find(
      SqlNode root, StatementAnalysis analysis, List<LockingClause> clauses) throws SqlRefusal {
    if (clauses.isEmpty()) {
      return List.of();
    }
    SqlSelect select = outermostSelect(root);
    if (!analysis.virtualReferences().isEmpty()) {
      throw notGoverned("the relations of the meshgate schema, which Meshgate answers itself, cannot be locked");
    }
    SqlNode from = select.getFrom();
    Map<String, List<SqlNode>> items = new LinkedHashMap<>();
    if (from != null) {
      namedItems(from, items);
    }
    List<SqlNode> locked = new ArrayList<>();
    for (LockingClause clause : clauses) {
      if (clause.tables().isEmpty()) {
        if (from != null) {
          locked.add(from);
        }
        continue;
      }
      for (String table : clause.tables()) {
        List<SqlNode> named = items.get(table);
        if (named == null) {
          throw new SqlRefusal(
              Reason.UNDEFINED_TABLE,
              "relation \"" + table + "\" in FOR " + clause.strength().sql()
                  + " clause not found in FROM clause; name a table or alias of the outermost"
                  + " FROM clause; the statement was not forwarded");
        }
        locked.addAll(named);
      }
    }
    Set<SqlNode> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
    for (SqlNode node : locked) {
      collect(node, nodes);
    }
    return analysis.references().stream().filter(reference -> nodes.contains(reference.name())).toList();
  }

  /**
   * The relations of the policy input: the reads, then {@code update} (with no referenced
   * columns, like a DELETE) for each relation locked, once.
   */
  public static List<RelationAccess> withUpdateAccess(
      List<RelationAccess> reads, List<TableReference> locked) {
    Map<RelationName, RelationAccess> updates = new LinkedHashMap<>();
    for (TableReference reference : locked) {
      updates.computeIfAbsent(reference.relation(), relation -> new RelationAccess(
          relation, Access.UPDATE, reference.table().columnNames(), List.of()));
    }
    List<RelationAccess> relations = new ArrayList<>(reads);
    relations.addAll(updates.values());
    return List.copyOf(relations);
  }

  /**
   * The SELECT the clauses belong to: PostgreSQL refuses them on a set operation, Meshgate on
   * VALUES too (0A000).
   */
  public static SqlSelect outermostSelect(SqlNode root) throws SqlRefusal {
    SqlNode query = root;
    while (query instanceof SqlWith || query instanceof SqlOrderBy) {
      query = query instanceof SqlWith with ? with.body : ((SqlOrderBy) query).query;
    }
    if (query instanceof SqlSelect select) {
      return select;
    }
    throw notGoverned("locking clauses are governed only on a plain SELECT, not on "
        + query.getKind().sql.replace('_', ' ') + " (PostgreSQL does not allow FOR UPDATE with"
        + " UNION, INTERSECT or EXCEPT either); lock the rows in a SELECT of their own");
  }

  /** The FROM items PostgreSQL lets OF name: tables by their exposed name, anything aliased by its alias. */
  private static void namedItems(SqlNode node, Map<String, List<SqlNode>> items) {
    if (node instanceof SqlIdentifier identifier) {
      add(items, identifier.names.get(identifier.names.size() - 1), node);
    } else if (node instanceof SqlJoin join) {
      namedItems(join.getLeft(), items);
      namedItems(join.getRight(), items);
    } else if (node.getKind() == SqlKind.AS) {
      add(items, ((SqlIdentifier) ((SqlCall) node).operand(1)).getSimple(), node);
    } else if (node.getKind() == SqlKind.TABLESAMPLE) {
      namedItems(((SqlCall) node).operand(0), items);
    } else {
      SqlIdentifier onlyTable = OnlyOperator.tableOf(
          node.getKind() == SqlKind.COLLECTION_TABLE ? ((SqlCall) node).operand(0) : node);
      if (onlyTable != null) {
        add(items, onlyTable.names.get(onlyTable.names.size() - 1), node);
      }
      // an unaliased function or subquery: nothing OF can name
    }
  }

  private static void add(Map<String, List<SqlNode>> items, String name, SqlNode node) {
    items.computeIfAbsent(name, key -> new ArrayList<>()).add(node);
  }

  /**
   * Every node of a locked FROM item, by identity; refuses when it reaches a catalog relation,
   * whose rows no client may lock through Meshgate's service identity.
   */
  private static void collect(SqlNode node, Set<SqlNode> nodes) throws SqlRefusal {
    if (node == null) {
      return;
    }
    nodes.add(node);
    if (node instanceof SqlIdentifier identifier) {
      String first = identifier.names.get(0);
      if (identifier.names.size() > 1
          && (first.equals(NameResolver.PG_CATALOG) || first.equals(NameResolver.INFORMATION_SCHEMA))) {
        throw notGoverned("rows of " + first + " relations cannot be locked through Meshgate");
      }
      return;
    }
    List<SqlNode> children = node instanceof SqlNodeList list
        ? list.getList()
        : node instanceof SqlCall call ? call.getOperandList() : List.of();
    for (SqlNode child : children) {
      collect(child, nodes);
    }
  }

  private static SqlRefusal notGoverned(String why) {
    return new SqlRefusal(Reason.NOT_GOVERNED, why + "; the statement was not forwarded");
  }
}
