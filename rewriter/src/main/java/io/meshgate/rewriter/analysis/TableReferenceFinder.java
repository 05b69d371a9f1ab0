package io.meshgate.rewriter.analysis;

import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.tree.DistinctOnOperator;
import io.meshgate.rewriter.tree.OnlyOperator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSampleSpec;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Finds every table reference of a query wherever it stands (FROM items, join sides,
 * subqueries in any clause, CTE bodies, set-operation branches, LATERAL), tells CTE names
 * from tables with PostgreSQL's scoping, resolves tables, and records which columns of each
 * governed table the statement uses. Anything in a FROM position it does not understand is
 * refused rather than skipped, so no table can hide from the rewrite.
 *
 * <p>A finder is used once, for one parse tree.
 */
public final class TableReferenceFinder {
  private static final Set<SqlKind> QUERY_KINDS =
      Set.of(
          SqlKind.SELECT, SqlKind.ORDER_BY, SqlKind.WITH, SqlKind.UNION, SqlKind.INTERSECT,
          SqlKind.EXCEPT, SqlKind.VALUES);

  private final NameResolver resolver;
  private final List<TableReference> references = new ArrayList<>();
  private final List<VirtualReference> virtualReferences = new ArrayList<>();
  private final Map<RelationName, ColumnUsage> usage = new LinkedHashMap<>();
  private final List<SqlIdentifier> longColumnNames = new ArrayList<>();
  private final List<ColumnReference> columnReferences = new ArrayList<>();
  private final Set<SqlSelect> visitedSelects = Collections.newSetFromMap(new IdentityHashMap<>());

  private TableReferenceFinder(NameResolver resolver) {
    this.resolver = resolver;
  }

  /** Analyses a parsed query. */
  public static StatementAnalysis find(SqlNode query, NameResolver resolver) throws SqlRefusal {
    TableReferenceFinder finder = new TableReferenceFinder(resolver);
    finder.query(query, Scope.root());
    finder.checkEverySelectWasVisited(query);
    return new StatementAnalysis(
        finder.references, finder.usage, finder.longColumnNames, finder.columnReferences,
        finder.virtualReferences);
  }

  /**
   * Defence in depth: a SELECT anywhere in the tree that the scoped walk above did not reach
   * could hide a table, so the statement is refused rather than trusted.
   */
  private void checkEverySelectWasVisited(SqlNode node) throws SqlRefusal {
    if (node instanceof SqlSelect select && !visitedSelects.contains(select)) {
      throw notGoverned("a subquery in this position", null);
    }
    List<SqlNode> children = node instanceof SqlNodeList list
        ? list.getList()
        : node instanceof SqlCall call ? call.getOperandList() : List.of();
    for (SqlNode child : children) {
      if (child != null) {
        checkEverySelectWasVisited(child);
      }
    }
  }

  // ---- queries

  /** Visits a query; returns the scope its ORDER BY sees. */
  private Scope query(SqlNode node, Scope scope) throws SqlRefusal {
    SqlKind kind = node.getKind();
    if (node instanceof SqlSelect select) {
      return select(select, scope);
    }
    if (node instanceof SqlOrderBy orderBy) {
      Scope orderScope = query(orderBy.query, scope);
      expression(orderBy.orderList, orderScope);
      expression(orderBy.offset, scope);
      expression(orderBy.fetch, scope);
      return scope;
    }
    if (node instanceof SqlWith with) {
      return with(with, scope);
    }
    if (kind == SqlKind.UNION || kind == SqlKind.INTERSECT || kind == SqlKind.EXCEPT) {
      for (SqlNode branch : ((SqlCall) node).getOperandList()) {
        query(branch, scope);
      }
      return scope;
    }
    if (kind == SqlKind.VALUES) {
      expression(node, scope);
      return scope;
    }
    if (kind == SqlKind.EXPLICIT_TABLE) {
      throw notGoverned("TABLE name queries", "write SELECT * FROM name instead");
    }
    throw notGoverned(describe(kind) + " in a query", null);
  }

  /** Visits a WITH query; returns the scope its body's ORDER BY sees. */
  private Scope with(SqlWith with, Scope scope) throws SqlRefusal {
    Scope cteScope = Scope.ctes(scope);
    List<SqlWithItem> items = new ArrayList<>();
    boolean recursive = false;
    for (SqlNode item : with.withList) {
      SqlWithItem withItem = (SqlWithItem) item;
      items.add(withItem);
      recursive |= withItem.recursive != null && withItem.recursive.booleanValue();
    }
    if (recursive) {
      // WITH RECURSIVE: every CTE of the list is visible in every body, itself included
      for (SqlWithItem item : items) {
        cteScope.cteNames.add(item.name.getSimple());
      }
      for (SqlWithItem item : items) {
        query(item.query, cteScope);
      }
    } else {
      // plain WITH: a body sees only the CTEs before it; its own name is still the table
      for (SqlWithItem item : items) {
        query(item.query, cteScope);
        cteScope.cteNames.add(item.name.getSimple());
      }
    }
    return query(with.body, cteScope);
  }

  private Scope select(SqlSelect select, Scope parent) throws SqlRefusal {
    visitedSelects.add(select);
    Scope block = Scope.block(parent);
    List<Deferred> deferred = new ArrayList<>();
    if (select.getFrom() != null) {
      fromItem(select.getFrom(), block, select::setFrom, deferred);
    }
    // ON conditions and LATERAL subqueries see every item of the FROM clause
    for (Deferred action : deferred) {
      action.run();
    }
    // DISTINCT ON expressions see what ORDER BY sees: this level's FROM items (masked values)
    for (SqlNode expression : DistinctOnOperator.expressionsOf(select)) {
      expression(expression, block);
    }
    for (SqlNode item : select.getSelectList()) {
      if (item instanceof SqlIdentifier identifier && identifier.isStar()) {
        star(identifier, block);
      } else {
        expression(item, block);
      }
    }
    expression(select.getWhere(), block);
    expression(select.getGroup(), block);
    expression(select.getHaving(), block);
    expression(select.getWindowList(), block);
    expression(select.getQualify(), block);
    expression(select.getOrderList(), block);
    expression(select.getOffset(), block);
    expression(select.getFetch(), block);
    return block;
  }

  // ---- FROM items

  private void fromItem(
      SqlNode node, Scope block, Consumer<SqlNode> replacer, List<Deferred> deferred)
      throws SqlRefusal {
    if (node instanceof SqlIdentifier identifier) {
      tableName(identifier, block, replacer, null, TableModifiers.NONE);
      return;
    }
    SqlIdentifier onlyTable = onlyTable(node);
    if (onlyTable != null) {
      tableName(onlyTable, block, replacer, null, TableModifiers.ONLY);
      return;
    }
    if (node instanceof SqlJoin join) {
      fromItem(join.getLeft(), block, join::setLeft, deferred);
      fromItem(join.getRight(), block, join::setRight, deferred);
      SqlNode condition = join.getCondition();
      if (condition instanceof SqlNodeList usingColumns) {
        deferred.add(() -> {
          for (SqlNode column : usingColumns) {
            unqualifiedColumn(((SqlIdentifier) column).getSimple(), block, null);
          }
        });
      } else if (condition != null) {
        deferred.add(() -> expression(condition, block));
      }
      return;
    }
    SqlKind kind = node.getKind();
    if (kind == SqlKind.AS) {
      aliased((SqlCall) node, block, deferred);
      return;
    }
    if (kind == SqlKind.TABLESAMPLE) {
      sampled((SqlCall) node, block, replacer, deferred);
      return;
    }
    unaliasedItem(node, block, deferred, null);
  }

  private void aliased(SqlCall as, Scope block, List<Deferred> deferred) throws SqlRefusal {
    SqlNode target = as.operand(0);
    String alias = ((SqlIdentifier) as.operand(1)).getSimple();
    if (target instanceof SqlIdentifier identifier) {
      tableName(identifier, block, replacement -> as.setOperand(0, replacement), as, TableModifiers.NONE);
      return;
    }
    SqlIdentifier onlyTable = onlyTable(target);
    if (onlyTable != null) {
      tableName(onlyTable, block, replacement -> as.setOperand(0, replacement), as, TableModifiers.ONLY);
      return;
    }
    unaliasedItem(target, block, deferred, alias);
  }

  /**
   * {@code item TABLESAMPLE method (percentage) [REPEATABLE (seed)]}. PostgreSQL samples only
   * tables, so on a governed table the sample moves into the derived table, beneath the row
   * filters, and the derived table takes the whole item's place; on anything else it stays.
   */
  private void sampled(SqlCall sample, Scope block, Consumer<SqlNode> replacer, List<Deferred> deferred)
      throws SqlRefusal {
    SqlNode sampled = sample.operand(0);
    SqlCall as = sampled.getKind() == SqlKind.AS ? (SqlCall) sampled : null;
    SqlNode target = as == null ? sampled : as.operand(0);
    SqlIdentifier onlyTable = onlyTable(target);
    SqlIdentifier table = target instanceof SqlIdentifier identifier ? identifier : onlyTable;
    Resolution resolution = table == null || isCte(table, block) ? null : resolver.resolve(table.names);
    if (resolution instanceof Resolution.Virtual) {
      throw notGoverned("TABLESAMPLE on the meshgate schema", null);
    }
    if (resolution instanceof Resolution.Governed) {
      TableModifiers modifiers = (onlyTable == null ? TableModifiers.NONE : TableModifiers.ONLY)
          .sampled(sampleSpecification(sample.operand(1)));
      if (as == null) {
        tableName(table, block, replacer, null, modifiers);
      } else {
        tableName(table, block, replacement -> {
          as.setOperand(0, replacement);
          replacer.accept(as);
        }, as, modifiers);
      }
      return;
    }
    fromItem(sampled, block, replacement -> sample.setOperand(0, replacement), deferred);
  }

  /** PostgreSQL's built-in methods only; Calcite also reads its own SUBSTITUTE. */
  private static SqlLiteral sampleSpecification(SqlNode node) throws SqlRefusal {
    if (node instanceof SqlLiteral literal
        && literal.getValue() instanceof SqlSampleSpec.SqlTableSampleSpec) {
      return literal;
    }
    throw notGoverned("this TABLESAMPLE method", "use BERNOULLI or SYSTEM");
  }

  /** The table of {@code ONLY table} (as parsed, or as a derived table writes it); else null. */
  private static SqlIdentifier onlyTable(SqlNode node) {
    SqlNode inner = node != null && node.getKind() == SqlKind.COLLECTION_TABLE
        ? ((SqlCall) node).operand(0)
        : node;
    return OnlyOperator.tableOf(inner);
  }

  /** A FROM item that is not a table name; {@code alias} is its name if it has one. */
  private void unaliasedItem(SqlNode node, Scope block, List<Deferred> deferred, String alias)
      throws SqlRefusal {
    SqlKind kind = node.getKind();
    if (QUERY_KINDS.contains(kind)) {
      query(node, block);
    } else if (kind == SqlKind.LATERAL) {
      SqlNode subquery = ((SqlCall) node).operand(0);
      deferred.add(() -> {
        if (QUERY_KINDS.contains(subquery.getKind())) {
          query(subquery, block);
        } else if (subquery.getKind() == SqlKind.COLLECTION_TABLE
            || subquery.getKind() == SqlKind.UNNEST) {
          expression(subquery, block);
        } else {
          throw notGoverned("LATERAL " + describe(subquery.getKind()), null);
        }
      });
    } else if (kind == SqlKind.COLLECTION_TABLE || kind == SqlKind.UNNEST) {
      // set-returning functions: their arguments are expressions
      expression(node, block);
    } else {
      throw notGoverned(describe(kind) + " in FROM", null);
    }
    block.items.add(new FromItem(alias == null ? "" : alias, null, null));
  }

  /**
   * A table name in FROM. {@code replacer} puts a derived table in place of the whole item
   * (with its ONLY and TABLESAMPLE), {@code aliasCall} is the client's {@code AS}, if any.
   */
  private void tableName(
      SqlIdentifier identifier, Scope block, Consumer<SqlNode> replacer, SqlCall aliasCall,
      TableModifiers modifiers)
      throws SqlRefusal {
    String alias = aliasCall == null ? null : ((SqlIdentifier) aliasCall.operand(1)).getSimple();
    String bareName = identifier.names.get(identifier.names.size() - 1);
    if (isCte(identifier, block)) {
      if (modifiers.only()) {
        throw notGoverned("ONLY on the name of a WITH query", null);
      }
      block.items.add(new FromItem(alias == null ? bareName : alias, null, null));
      return;
    }
    Resolution resolution = resolver.resolve(identifier.names);
    switch (resolution) {
      case Resolution.CatalogRelation catalogRelation -> {
        if (identifier.names.size() == 1) {
          // written out in full, so the backend's search path cannot send the name elsewhere
          SqlParserPos position = identifier.getParserPosition();
          identifier.setNames(List.of(catalogRelation.schema(), catalogRelation.table()),
              List.of(position, position));
        }
        block.items.add(new FromItem(alias == null ? bareName : alias, null, null));
      }
      case Resolution.Virtual virtual -> {
        if (modifiers.only()) {
          throw notGoverned("ONLY on the meshgate schema", null);
        }
        String exposedName = alias == null ? bareName : alias;
        virtualReferences.add(
            new VirtualReference(virtual.relation(), aliasCall != null, exposedName, replacer));
        block.items.add(new FromItem(exposedName, null, null));
      }
      case Resolution.Governed governed -> {
        TableReference reference = new TableReference(
            identifier, replacer, aliasCall, governed.relation(), governed.table(),
            alias == null ? bareName : alias, modifiers);
        references.add(reference);
        ColumnUsage columns = usage.computeIfAbsent(
            governed.relation(), relation -> new ColumnUsage(governed.table()));
        if (aliasCall != null) {
          // FROM t AS x(a, b) renames the first columns by position: that names them
          int aliasedColumns = aliasCall.operandCount() - 2;
          List<String> columnNames = governed.table().columnNames();
          for (int i = 0; i < aliasedColumns && i < columnNames.size(); i++) {
            columns.markNamed(columnNames.get(i));
          }
        }
        block.items.add(new FromItem(reference.exposedName(), reference, columns));
      }
    }
  }

  private static boolean isCte(SqlIdentifier identifier, Scope scope) {
    return identifier.names.size() == 1 && scope.isCte(identifier.getSimple());
  }

  // ---- expressions and column usage

  private void expression(SqlNode node, Scope scope) throws SqlRefusal {
    if (node == null) {
      return;
    }
    if (node instanceof SqlIdentifier identifier) {
      columnReference(identifier, scope);
      return;
    }
    if (node instanceof SqlNodeList list) {
      for (SqlNode element : list) {
        expression(element, scope);
      }
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return; // literals, parameters, type names, interval qualifiers
    }
    SqlKind kind = call.getKind();
    if (QUERY_KINDS.contains(kind) && kind != SqlKind.VALUES) {
      query(call, scope);
      return;
    }
    if (kind == SqlKind.EXPLICIT_TABLE) {
      throw notGoverned("TABLE name queries", "write SELECT * FROM name instead");
    }
    if (kind == SqlKind.AS) {
      // the alias names an output column; it does not refer to one
      expression(call.operand(0), scope);
      return;
    }
    if (call instanceof SqlWindow window) {
      expression(window.getPartitionList(), scope);
      expression(window.getOrderList(), scope);
      expression(window.getLowerBound(), scope);
      expression(window.getUpperBound(), scope);
      return;
    }
    for (SqlNode operand : call.getOperandList()) {
      if (!(operand instanceof SqlLiteral)) {
        expression(operand, scope);
      }
    }
  }

  private void columnReference(SqlIdentifier identifier, Scope scope) {
    List<String> names = identifier.names;
    if (identifier.isStar()) {
      if (names.size() > 1) {
        FromItem item = scope.findItem(names.get(names.size() - 2), schemaOf(names, names.size() - 2));
        if (item != null && item.columns() != null) {
          item.columns().markAll();
          remember(identifier, item, null);
        }
        rememberLongName(identifier);
      }
      return; // a bare * inside an expression is count(*)
    }
    if (names.size() == 1) {
      String name = names.get(0);
      unqualifiedColumn(name, scope, identifier);
      FromItem wholeRow = scope.findItem(name, null);
      if (wholeRow != null && wholeRow.columns() != null) {
        wholeRow.columns().markAll();
        remember(identifier, wholeRow, null);
      }
      return;
    }
    boolean qualifierFound = false;
    for (int i = 0; i < names.size() - 1; i++) {
      FromItem item = scope.findItem(names.get(i), schemaOf(names, i));
      if (item != null) {
        qualifierFound = true;
        if (item.columns() != null) {
          item.columns().markNamed(names.get(i + 1));
          remember(identifier, item, names.get(i + 1));
        }
      }
    }
    if (!qualifierFound) {
      // perhaps a composite column's field, or a name PostgreSQL will reject: count both ends
      unqualifiedColumn(names.get(0), scope, identifier);
      unqualifiedColumn(names.get(names.size() - 1), scope, identifier);
    }
    rememberLongName(identifier);
  }

  private static String schemaOf(List<String> names, int qualifierIndex) {
    return qualifierIndex > 0 ? names.get(qualifierIndex - 1) : null;
  }

  /** Records what a column identifier may denote; {@code column} null for a whole row or star. */
  private void remember(SqlIdentifier identifier, FromItem item, String column) {
    if (identifier != null && item.reference() != null) {
      columnReferences.add(
          new ColumnReference(identifier, item.reference(), Optional.ofNullable(column)));
    }
  }

  private void rememberLongName(SqlIdentifier identifier) {
    if (identifier.names.size() >= 3) {
      longColumnNames.add(identifier);
    }
  }

  /**
   * An unqualified column belongs to the innermost query level that has it; every governed
   * table of that level that has a column of this name is counted.
   */
  private void unqualifiedColumn(String name, Scope scope, SqlIdentifier identifier) {
    for (Scope current = scope; current != null; current = current.parent) {
      boolean found = false;
      for (FromItem item : current.items) {
        if (item.columns() != null && item.columns().hasColumn(name)) {
          item.columns().markNamed(name);
          remember(identifier, item, name);
          found = true;
        }
      }
      if (found) {
        return;
      }
    }
  }

  private void star(SqlIdentifier star, Scope block) {
    if (star.names.size() == 1) {
      for (FromItem item : block.items) {
        if (item.columns() != null) {
          item.columns().markAll();
          remember(star, item, null);
        }
      }
      return;
    }
    columnReference(star, block);
  }

  // ---- helpers

  private static String describe(SqlKind kind) {
    return kind.sql.replace('_', ' ');
  }

  private static SqlRefusal notGoverned(String construct, String hint) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "not supported by Meshgate yet: " + construct + "; the statement was not forwarded"
            + (hint == null ? "" : " (" + hint + ")"));
  }

  /** Work that must wait until every item of a FROM clause is known. */
  @FunctionalInterface
  private interface Deferred {
    void run() throws SqlRefusal;
  }

  /**
   * An item of a FROM clause as the rest of its query level sees it: its exposed name and,
   * for a governed table, the reference and its column usage.
   */
  private record FromItem(String name, TableReference reference, ColumnUsage columns) {}

  /**
   * A level of name visibility: either a query level with its FROM items, or a WITH clause
   * with the CTE names it makes visible.
   */
  private static final class Scope {
    final Scope parent;
    final List<FromItem> items = new ArrayList<>();
    final Set<String> cteNames = new HashSet<>();

    private Scope(Scope parent) {
      this.parent = parent;
    }

    static Scope root() {
      return new Scope(null);
    }

    static Scope block(Scope parent) {
      return new Scope(parent);
    }

    static Scope ctes(Scope parent) {
      return new Scope(parent);
    }

    boolean isCte(String name) {
      for (Scope current = this; current != null; current = current.parent) {
        if (current.cteNames.contains(name)) {
          return true;
        }
      }
      return false;
    }

    /**
     * The item a qualifier denotes: the innermost level with an item of that name. With a
     * schema ({@code schema.table.column}) only unaliased governed tables of that schema match.
     */
    FromItem findItem(String name, String schema) {
      for (Scope current = this; current != null; current = current.parent) {
        for (FromItem item : current.items) {
          if (!item.name().equals(name)) {
            continue;
          }
          if (schema == null) {
            return item;
          }
          if (item.reference() != null && !item.reference().isAliased()
              && item.reference().relation().schema().equals(schema)) {
            return item;
          }
        }
      }
      return null;
    }
  }
}
