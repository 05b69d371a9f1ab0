package io.meshgate.proxy.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.DataProductRow;
import io.meshgate.rewriter.DiscoveryRows;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class StatementCacheTest {
  private static final List<String> SEARCH_PATH = List.of("$user", "public");
  private static final RelationName CUSTOMERS = new RelationName("mesh", "crm", "customers");
  private static final String SQL = "SELECT * FROM crm.customers WHERE id = $1";

  /** A catalog whose tables a test changes, as DDL would, and that counts its lookups. */
  private static final class ChangingCatalog implements SchemaCatalog {
    final Map<String, TableSchema> tables = new ConcurrentHashMap<>();
    final List<String> lookups = new ArrayList<>();
    final List<String> invalidated = new ArrayList<>();

    void define(String schema, String table, String... columns) {
      List<ColumnSchema> schemaColumns = new ArrayList<>();
      for (String column : columns) {
        schemaColumns.add(new ColumnSchema(column, "text"));
      }
      tables.put(schema + "." + table,
          new TableSchema(new RelationName("mesh", schema, table), schemaColumns));
    }

    @Override
    public synchronized Optional<TableSchema> table(String schema, String table) {
      lookups.add(schema + "." + table);
      return Optional.ofNullable(tables.get(schema + "." + table));
    }

    @Override
    public synchronized void invalidate(String schema, String table) {
      invalidated.add(schema + "." + table);
    }
  }

  private static Decision allow(RelationPolicy policy) {
    return new Decision(true, List.of(), Map.of(CUSTOMERS.key(), policy), List.of("test"));
  }

  private static final Decision UNRESTRICTED = allow(RelationPolicy.UNRESTRICTED);

  @Test
  void servesTheSameAnalysisAndRewriteAgain() throws SqlRefusal {
    ChangingCatalog catalog = new ChangingCatalog();
    catalog.define("crm", "customers", "id", "name");
    StatementCache cache = StatementCache.over(catalog, "mesh", StatementCache.DEFAULT_MAXIMUM_BYTES);
    AnalyzedStatement first = cache.analyze(SQL, SEARCH_PATH, "alice");
    String rewritten = cache.rewrite(first, UNRESTRICTED, "r1").sql();
    assertSame(first, cache.analyze(SQL, SEARCH_PATH, "alice"));
    assertSame(rewritten, cache.rewrite(first, UNRESTRICTED, "r1").sql());
    StatementCache.Statistics statistics = cache.statistics();
    assertEquals(1, statistics.analysisHits());
    assertEquals(1, statistics.rewriteHits());
    // Another search path or user is another entry.
    assertNotEquals(first, cache.analyze(SQL, List.of("crm"), "alice"));
    assertNotEquals(first, cache.analyze(SQL, SEARCH_PATH, "bob"));
  }

  /**
   * A DDL analysis is never served again: it is cheap to redo, and it depends on answers (which
   * schemas and indexes exist) that the recorded table lookups would not re-check.
   */
  @Test
  void ddlIsAnalysedAfreshEveryTimeAndInvalidatesItsTargets() throws SqlRefusal {
    ChangingCatalog catalog = new ChangingCatalog();
    catalog.define("crm", "customers", "id", "name");
    StatementCache cache = StatementCache.over(catalog, "mesh", StatementCache.DEFAULT_MAXIMUM_BYTES);
    String ddl = "ALTER TABLE crm.customers ADD COLUMN email text";
    AnalyzedStatement first = cache.analyze(ddl, SEARCH_PATH, "alice");
    AnalyzedStatement second = cache.analyze(ddl, SEARCH_PATH, "alice");
    assertNotSame(first, second);
    assertEquals(0, cache.statistics().analysisHits());
    assertEquals(StatementKind.DDL, second.kind());

    cache.schemaChanged(CUSTOMERS);
    assertEquals(List.of("crm.customers"), catalog.invalidated);
  }

  @Test
  void aChangedTableIsNeverServedFromTheCache() throws SqlRefusal {
    ChangingCatalog catalog = new ChangingCatalog();
    catalog.define("crm", "customers", "id", "name");
    StatementCache cache = StatementCache.over(catalog, "mesh", StatementCache.DEFAULT_MAXIMUM_BYTES);
    AnalyzedStatement before = cache.analyze(SQL, SEARCH_PATH, "alice");
    assertFalse(cache.rewrite(before, UNRESTRICTED, "r1").sql().contains("email"));

    // DDL: ALTER TABLE crm.customers ADD COLUMN email, seen by the schema catalog.
    catalog.define("crm", "customers", "id", "name", "email");
    AnalyzedStatement after = cache.analyze(SQL, SEARCH_PATH, "alice");
    assertNotEquals(before, after);
    String rewritten = cache.rewrite(after, allow(new RelationPolicy(List.of(),
        Map.of("email", new ColumnMask.Redact()), Set.of())), "r1").sql();
    assertTrue(rewritten.contains("\"email\""), rewritten);

    // DROP TABLE: the cached analysis must not outlive it.
    catalog.tables.clear();
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> cache.analyze(SQL, SEARCH_PATH, "alice"));
    assertEquals("42P01", refusal.sqlState());
  }

  @Test
  void aTableThatAppearsEarlierInTheSearchPathIsSeen() throws SqlRefusal {
    ChangingCatalog catalog = new ChangingCatalog();
    catalog.define("crm", "customers", "id", "name");
    StatementCache cache = StatementCache.over(catalog, "mesh", StatementCache.DEFAULT_MAXIMUM_BYTES);
    List<String> path = List.of("sales", "crm");
    String unqualified = "SELECT name FROM customers";
    AnalyzedStatement before = cache.analyze(unqualified, path, "alice");
    assertEquals("crm", before.relations().get(0).relation().schema());
    // CREATE TABLE sales.customers: the same text now means another table.
    catalog.define("sales", "customers", "id", "name");
    AnalyzedStatement after = cache.analyze(unqualified, path, "alice");
    assertEquals("sales", after.relations().get(0).relation().schema());
  }

  @Test
  void aChangedPolicyIsNeverServedAnOldRewrite() throws SqlRefusal {
    ChangingCatalog catalog = new ChangingCatalog();
    catalog.define("crm", "customers", "id", "name", "region");
    StatementCache cache = StatementCache.over(catalog, "mesh", StatementCache.DEFAULT_MAXIMUM_BYTES);
    AnalyzedStatement analyzed = cache.analyze(SQL, SEARCH_PATH, "alice");
    Decision euOnly = allow(new RelationPolicy(List.of(new RowFilter.Expression("region = 'EU'")), Map.of(),
        Set.of()));
    String first = cache.rewrite(analyzed, euOnly, "r1").sql();
    assertTrue(first.contains("'EU'"), first);
    // A new policy revision with another filter: another decision, another rewrite.
    Decision usOnly = allow(new RelationPolicy(List.of(new RowFilter.Expression("region = 'US'")), Map.of(),
        Set.of()));
    String second = cache.rewrite(analyzed, usOnly, "r2").sql();
    assertTrue(second.contains("'US'") && !second.contains("'EU'"), second);
    // The same decision under a new revision is rewritten again, not looked up under the old one.
    long missesBefore = cache.statistics().rewriteMisses();
    assertEquals(first, cache.rewrite(analyzed, euOnly, "r3").sql());
    assertEquals(missesBefore + 1, cache.statistics().rewriteMisses());
    // A mask added to the same relation changes the rewrite too.
    Decision masked = allow(new RelationPolicy(List.of(new RowFilter.Expression("region = 'EU'")),
        Map.of("name", new ColumnMask.Redact()), Set.of()));
    assertNotEquals(first, cache.rewrite(analyzed, masked, "r3").sql());
    // The key is the decision's value, not the object: an equal decision made anew is a hit,
    // and one differing only deep inside (a mask's kind on one column) is not.
    Decision maskedAgain = allow(new RelationPolicy(List.of(new RowFilter.Expression("region = 'EU'")),
        Map.of("name", new ColumnMask.Redact()), Set.of()));
    long hitsBefore = cache.statistics().rewriteHits();
    assertSame(cache.rewrite(analyzed, masked, "r3").sql(), cache.rewrite(analyzed, maskedAgain, "r3").sql());
    assertEquals(hitsBefore + 2, cache.statistics().rewriteHits());
    Decision hashed = allow(new RelationPolicy(List.of(new RowFilter.Expression("region = 'EU'")),
        Map.of("name", new ColumnMask.Null()), Set.of()));
    assertNotEquals(cache.rewrite(analyzed, masked, "r3").sql(), cache.rewrite(analyzed, hashed, "r3").sql());
  }

  /**
   * The meshgate schema's rows are computed per user and context; a rewrite that holds them is
   * served again only for the very same rows, so one user's (or one group membership's) listing
   * is never another's, even though the statement's own decision (no relations) is the same.
   */
  @Test
  void aRewriteHoldingDiscoveryRowsIsKeyedByThem() throws SqlRefusal {
    StatementCache cache = StatementCache.over(new ChangingCatalog(), "mesh", StatementCache.DEFAULT_MAXIMUM_BYTES);
    AnalyzedStatement analyzed = cache.analyze("SELECT product FROM meshgate.data_products", SEARCH_PATH, "alice");
    Decision noRelations = new Decision(true, List.of(), Map.of(), List.of());
    DiscoveryRows sales = new DiscoveryRows(List.of(new DataProductRow("sales", "stores", Optional.empty(),
        List.of("sales_team"), Optional.empty(), false)), List.of());
    DiscoveryRows weather = new DiscoveryRows(List.of(new DataProductRow("weather", "daily_temperatures",
        Optional.empty(), List.of("weather_team"), Optional.empty(), false)), List.of());
    String salesSql = cache.rewrite(analyzed, noRelations, sales, "r1").sql();
    assertTrue(salesSql.contains("'stores'"), salesSql);
    String weatherSql = cache.rewrite(analyzed, noRelations, weather, "r1").sql();
    assertTrue(weatherSql.contains("'daily_temperatures'") && !weatherSql.contains("'stores'"), weatherSql);
    assertSame(salesSql, cache.rewrite(analyzed, noRelations, sales, "r1").sql());
    assertThrows(IllegalStateException.class, () -> cache.rewrite(analyzed, noRelations, "r1"),
        "a statement reading the meshgate schema is never rewritten without its rows");
  }

  @Test
  void refusalsAreNotCached() {
    ChangingCatalog catalog = new ChangingCatalog();
    StatementCache cache = StatementCache.over(catalog, "mesh", StatementCache.DEFAULT_MAXIMUM_BYTES);
    assertThrows(SqlRefusal.class, () -> cache.analyze(SQL, SEARCH_PATH, "alice"));
    catalog.define("crm", "customers", "id", "name");
    assertEquals(1, assertDoesNotThrowAnalysis(cache).relations().size());
  }

  /**
   * Many distinct large statements (each under the size that is never cached) fill the cache up
   * to its bound in bytes and no further: with a count bound, all 200 would be held.
   */
  @Test
  void manyLargeDistinctStatementsStayWithinTheBoundInBytes() throws SqlRefusal {
    ChangingCatalog catalog = new ChangingCatalog();
    catalog.define("crm", "customers", "id", "name");
    long bound = 4L << 20;
    StatementCache cache = StatementCache.over(catalog, "mesh", bound);
    int statements = 200;
    for (int i = 0; i < statements; i++) {
      AnalyzedStatement analyzed = cache.analyze(large(i), SEARCH_PATH, "alice");
      cache.rewrite(analyzed, UNRESTRICTED, "r1");
      long retained = cache.retainedBytes();
      assertTrue(retained <= bound, "after " + (i + 1) + " statements the cache keeps " + retained + " bytes");
    }
    long held = cache.statistics().cachedStatements();
    assertTrue(held > 0, "the large statements that fit are cached");
    // 2 MiB for analyses of about 660 KiB each (30,000 characters): a handful, not 200.
    assertTrue(held <= (bound / 2) / StatementCacheWeights.analysis(large(0)), "held " + held);
  }

  /**
   * Small statements sent again and again stay cached while a flood of large statements sent
   * once goes through: Caffeine admits a newcomer only over a less frequent victim.
   */
  @Test
  void smallHotStatementsStayCachedThroughAFloodOfLargeOnes() throws SqlRefusal {
    ChangingCatalog catalog = new ChangingCatalog();
    catalog.define("crm", "customers", "id", "name");
    StatementCache cache = StatementCache.over(catalog, "mesh", 4L << 20);
    List<String> hot = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      hot.add("SELECT name FROM crm.customers WHERE id = " + i);
    }
    // The ordinary traffic goes on while one client floods the cache.
    for (int i = 0; i < 100; i++) {
      cache.analyze(large(i), SEARCH_PATH, "alice");
      for (String sql : hot) {
        cache.analyze(sql, SEARCH_PATH, "alice");
      }
    }
    long hitsBefore = cache.statistics().analysisHits();
    for (String sql : hot) {
      cache.analyze(sql, SEARCH_PATH, "alice");
    }
    assertEquals(hot.size(), cache.statistics().analysisHits() - hitsBefore, "every hot statement was still held");
  }

  /** A statement of the cap's length or more is analysed afresh every time, and never held. */
  @Test
  void statementsOfTheCachedSizeOrLongerAreNotCached() throws SqlRefusal {
    ChangingCatalog catalog = new ChangingCatalog();
    catalog.define("crm", "customers", "id", "name");
    StatementCache cache = StatementCache.over(catalog, "mesh", StatementCache.DEFAULT_MAXIMUM_BYTES);
    String longest = padded("SELECT name FROM crm.customers WHERE id = 1", StatementCache.MAXIMUM_CACHED_CHARACTERS);
    AnalyzedStatement first = cache.analyze(longest, SEARCH_PATH, "alice");
    assertNotSame(first, cache.analyze(longest, SEARCH_PATH, "alice"));
    assertEquals(0, cache.statistics().analysisHits());
    assertEquals(0, cache.statistics().cachedStatements());
    assertTrue(cache.shape(longest).isEmpty(), "not shaped either: its sentinel statement would be as long");

    String shorter = padded("SELECT name FROM crm.customers WHERE id = 1", StatementCache.MAXIMUM_CACHED_CHARACTERS - 1);
    assertSame(cache.analyze(shorter, SEARCH_PATH, "alice"), cache.analyze(shorter, SEARCH_PATH, "alice"));
  }

  /** A distinct statement of 30,000 characters, mostly comment (cheap to parse, weighed in full). */
  private static String large(int number) {
    return padded("SELECT name FROM crm.customers WHERE id = " + number, 30_000);
  }

  private static String padded(String sql, int length) {
    String head = sql + " -- ";
    return head + "x".repeat(length - head.length());
  }

  private static AnalyzedStatement assertDoesNotThrowAnalysis(StatementCache cache) {
    try {
      return cache.analyze(SQL, SEARCH_PATH, "alice");
    } catch (SqlRefusal refusal) {
      throw new AssertionError("refused after the table was created: " + refusal.getMessage(), refusal);
    }
  }
}
