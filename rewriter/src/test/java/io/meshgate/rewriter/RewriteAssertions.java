package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshgate.rewriter.lexer.StatementSplitter;
import io.meshgate.rewriter.parse.PostgresTextNormalizer;
import io.meshgate.rewriter.parse.SqlParsing;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWithItem;

/**
 * Checks rewritten SQL independently of the rewriter's own reference finder: it parses the
 * output again and requires every table name in a FROM position to be either a CTE of the
 * statement, a catalog relation, or the only FROM item of a derived table (a SELECT wrapped
 * in AS) whose WHERE is exactly the expected policy filter.
 */
public final class RewriteAssertions {
  private static final Set<String> GOVERNED =
      Set.of("sales.stores", "sales.store_transactions", "customers.customers",
          "weather.daily_temperatures");

  private RewriteAssertions() {}

  /**
   * @param expectedFilters per governed relation ("schema.table") the expected WHERE of its
   *     derived table as unparsed SQL, or null for none; relations not listed must have none
   * @return how many derived tables were found
   */
  public static int assertGovernedOnlyThroughDerivedTables(
      String sql, Map<String, String> expectedFilters) {
    SqlNode root;
    try {
      var statement = StatementSplitter.split(sql).get(0);
      root = SqlParsing.parseStatement(PostgresTextNormalizer.normalize(statement));
    } catch (Exception e) {
      throw new AssertionError("rewritten SQL does not parse: " + sql, e);
    }
    Set<String> cteNames = new HashSet<>();
    collectCteNames(root, cteNames);
    int[] derived = {0};
    visit(root, new java.util.ArrayDeque<>(), cteNames, expectedFilters, derived, sql);
    return derived[0];
  }

  private static void collectCteNames(SqlNode node, Set<String> names) {
    if (node instanceof SqlWithItem item) {
      names.add(item.name.getSimple());
    }
    for (SqlNode child : children(node)) {
      collectCteNames(child, names);
    }
  }

  private static void visit(SqlNode node, java.util.Deque<SqlNode> ancestors,
      Set<String> cteNames, Map<String, String> expectedFilters, int[] derived, String sql) {
    if (node instanceof SqlSelect select && select.getFrom() != null) {
      for (SqlIdentifier table : fromTables(select.getFrom())) {
        checkTable(table, select, ancestors, cteNames, expectedFilters, derived, sql);
      }
    }
    ancestors.push(node);
    for (SqlNode child : children(node)) {
      visit(child, ancestors, cteNames, expectedFilters, derived, sql);
    }
    ancestors.pop();
  }

  private static void checkTable(SqlIdentifier table, SqlSelect select,
      java.util.Deque<SqlNode> ancestors, Set<String> cteNames,
      Map<String, String> expectedFilters, int[] derived, String sql) {
    List<String> names = table.names;
    if (names.size() == 1) {
      if (!cteNames.contains(names.get(0)) && !names.get(0).startsWith("pg_")) {
        fail("raw table reference " + names.get(0) + " outside a derived table in: " + sql);
      }
      return;
    }
    String key = names.get(names.size() - 2) + "." + names.get(names.size() - 1);
    if (!GOVERNED.contains(key)) {
      return;
    }
    assertSame(table, unwrapped(select.getFrom()),
        "a derived table must read only its base table: " + key + " in " + sql);
    // the derived table is (SELECT ... [OFFSET 0]) AS name; Calcite parses OFFSET as a wrapper
    java.util.Iterator<SqlNode> up = ancestors.iterator();
    SqlNode query = select;
    SqlNode parent = up.hasNext() ? up.next() : null;
    SqlNode fence = null;
    if (parent instanceof org.apache.calcite.sql.SqlOrderBy orderBy) {
      assertTrue(orderBy.orderList.isEmpty() && orderBy.fetch == null,
          "derived table of " + key + " orders or limits rows: " + sql);
      fence = orderBy.offset;
      query = orderBy;
      parent = up.hasNext() ? up.next() : null;
    }
    assertNotNull(parent, "base table " + key + " at top level in " + sql);
    assertTrue(parent.getKind() == SqlKind.AS && ((SqlCall) parent).operand(0) == query,
        "the SELECT reading " + key + " is not a derived table in " + sql);
    for (SqlNode item : select.getSelectList()) {
      assertTrue(item instanceof SqlIdentifier || item.getKind() == SqlKind.AS,
          "derived table of " + key + " selects something other than columns: " + item);
    }
    String expected = expectedFilters.get(key);
    if (expected == null) {
      assertNull(select.getWhere(), "unexpected filter on " + key + " in " + sql);
      assertNull(fence, "unexpected fence on " + key + " in " + sql);
    } else {
      assertNotNull(select.getWhere(), "missing filter on " + key + " in " + sql);
      assertEquals(expected, PostgresUnparser.unparse(select.getWhere(), List.of()),
          "filter on " + key);
      assertNotNull(fence, "missing OFFSET 0 fence on " + key + " in " + sql);
      assertEquals("0", fence.toString(), "fence on " + key);
    }
    derived[0]++;
  }

  /** The table names of a FROM clause (not descending into subqueries). */
  private static List<SqlIdentifier> fromTables(SqlNode from) {
    if (from instanceof SqlIdentifier identifier) {
      return List.of(identifier);
    }
    if (from instanceof SqlJoin join) {
      List<SqlIdentifier> left = fromTables(join.getLeft());
      List<SqlIdentifier> right = fromTables(join.getRight());
      return java.util.stream.Stream.concat(left.stream(), right.stream()).toList();
    }
    if (from.getKind() == SqlKind.AS) {
      return fromTables(((SqlCall) from).operand(0));
    }
    SqlNode unwrapped = unwrapped(from);
    return unwrapped == from ? List.of() : fromTables(unwrapped);
  }

  /** The table under {@code ONLY} and {@code TABLESAMPLE}, which read it too; else the node itself. */
  private static SqlNode unwrapped(SqlNode from) {
    if (from.getKind() == SqlKind.TABLESAMPLE) {
      return unwrapped(((SqlCall) from).operand(0));
    }
    if (from.getKind() == SqlKind.COLLECTION_TABLE) {
      SqlIdentifier only = io.meshgate.rewriter.tree.OnlyOperator.tableOf(((SqlCall) from).operand(0));
      return only == null ? from : only;
    }
    SqlIdentifier only = io.meshgate.rewriter.tree.OnlyOperator.tableOf(from);
    return only == null ? from : only;
  }

  private static List<SqlNode> children(SqlNode node) {
    if (node instanceof SqlNodeList list) {
      return list.getList().stream().filter(java.util.Objects::nonNull).toList();
    }
    if (node instanceof SqlCall call) {
      return call.getOperandList().stream().filter(java.util.Objects::nonNull).toList();
    }
    return List.of();
  }

  /** Shorthand for a map with nullable values. */
  public static Map<String, String> filters(String... keysAndFilters) {
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < keysAndFilters.length; i += 2) {
      map.put(keysAndFilters[i], keysAndFilters[i + 1]);
    }
    return map;
  }
}
