package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RowFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's {@code WITH name AS [NOT] MATERIALIZED (query)}: the hint is taken out before
 * Calcite parses, put back on the WITH item it belongs to, and forwarded as written; the CTE is
 * governed and scoped exactly like one without a hint.
 */
class MaterializedCtesTest {
  private static final String STORES = "mesh.sales.stores";
  private static final String STORES_DERIVED = "(SELECT \"store_id\", \"zip_code\", \"region\""
      + " FROM \"sales\".\"stores\" WHERE (\"region\" = 'EU') OFFSET 0) AS \"stores\"";
  private static final Decision EU_STORES = Decisions.allow()
      .filter(STORES, new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
      .build();

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private String rewrite(String sql) throws SqlRefusal {
    return analyze(sql).rewrite(EU_STORES);
  }

  @Test
  void bothHintsAreForwardedAroundTheFilteredDerivedTable() throws SqlRefusal {
    assertEquals("WITH \"s\" AS MATERIALIZED (SELECT * FROM " + STORES_DERIVED + ") SELECT * FROM \"s\"",
        rewrite("with s as materialized (select * from sales.stores) select * from s"));
    assertEquals("WITH \"s\" AS NOT MATERIALIZED (SELECT * FROM " + STORES_DERIVED + ") SELECT * FROM \"s\"",
        rewrite("WITH s As Not /* inline it */ Materialized(SELECT * FROM sales.stores) SELECT * FROM s"));
  }

  @Test
  void severalCtesKeepTheirOwnHints() throws SqlRefusal {
    assertEquals("WITH \"a\" (\"id\", \"r\") AS NOT MATERIALIZED (SELECT \"store_id\", \"region\" FROM "
            + STORES_DERIVED + "), \"b\" AS (SELECT 1 AS \"x\"), \"C\" AS MATERIALIZED (VALUES (2)),"
            + " \"d\" AS MATERIALIZED (SELECT \"id\" FROM \"a\")"
            + " SELECT * FROM \"a\", \"b\", \"C\", \"d\"",
        rewrite("with a (id, r) as not materialized (select store_id, region from stores),"
            + " b as (select 1 as x), \"C\" as materialized (values (2)),"
            + " d as materialized ((select id from a)) select * from a, b, \"C\", d"));
  }

  @Test
  void nestedWithListsKeepTheirHints() throws SqlRefusal {
    assertEquals("SELECT * FROM (WITH \"x\" AS MATERIALIZED (WITH \"y\" AS NOT MATERIALIZED (SELECT * FROM "
            + STORES_DERIVED + ") SELECT * FROM \"y\") SELECT * FROM \"x\") AS \"z\" WHERE (\"z\".\"store_id\" IN"
            + " (WITH \"w\" AS MATERIALIZED (SELECT 1 AS \"v\") SELECT \"v\" FROM \"w\"))",
        rewrite("select * from (with x as materialized (with y as not materialized (select * from stores)"
            + " select * from y) select * from x) z where z.store_id in"
            + " (with w as materialized (select 1 as v) select v from w)"));
  }

  @Test
  void recursiveCteWithAHint() throws SqlRefusal {
    assertEquals("WITH RECURSIVE \"r\" (\"n\") AS MATERIALIZED (SELECT \"store_id\" FROM " + STORES_DERIVED
            + " UNION ALL SELECT (\"n\" + 1) FROM \"r\" WHERE (\"n\" < 3)) SELECT * FROM \"r\"",
        rewrite("with recursive r(n) as materialized (select store_id from stores union all"
            + " select n + 1 from r where n < 3) select * from r"));
  }

  @Test
  void aCteNamedLikeAGovernedTableStillShadowsIt() throws SqlRefusal {
    AnalyzedStatement shadowing = analyze(
        "with stores as materialized (select 1 as store_id) select * from stores");
    assertFalse(shadowing.requiresDecision(), "the CTE, not sales.stores, is read");
    assertEquals("WITH \"stores\" AS MATERIALIZED (SELECT 1 AS \"store_id\") SELECT * FROM \"stores\"",
        shadowing.passthroughSql());
    // inside its own body the name is still the table (plain WITH), which is governed
    AnalyzedStatement reading = analyze(
        "with stores as not materialized (select * from stores) select * from stores");
    assertEquals(List.of(STORES), reading.relations().stream().map(access -> access.relation().key()).toList());
    assertEquals("WITH \"stores\" AS NOT MATERIALIZED (SELECT * FROM " + STORES_DERIVED
        + ") SELECT * FROM \"stores\"", reading.rewrite(EU_STORES));
  }

  @Test
  void materializedIsStillANameElsewhere() throws SqlRefusal {
    // a table alias with column aliases: no query can follow the parenthesis
    assertEquals("SELECT * FROM " + STORES_DERIVED.replace("AS \"stores\"", "AS \"materialized\" (\"a\", \"b\", \"c\")"),
        rewrite("select * from sales.stores as materialized (a, b, c)"));
    assertEquals("WITH \"materialized\" AS (SELECT 1 AS \"materialized\") SELECT \"materialized\" FROM \"materialized\"",
        analyze("with materialized as (select 1 as materialized) select materialized from materialized")
            .passthroughSql());
  }

  @Test
  void theHintTravelsThroughCopyAndExplain() throws SqlRefusal {
    assertTrue(rewrite("copy (with s as materialized (select * from stores) select * from s) to stdout")
        .startsWith("COPY (WITH \"s\" AS MATERIALIZED (SELECT * FROM " + STORES_DERIVED + ")"));
    // EXPLAIN only without a row filter (ExplainStatement)
    assertTrue(analyze("explain (costs off) with s as not materialized (select * from stores) select * from s")
        .rewrite(Decisions.allow().build())
        .contains("WITH \"s\" AS NOT MATERIALIZED (SELECT * FROM (SELECT \"store_id\", \"zip_code\", \"region\""
            + " FROM \"sales\".\"stores\") AS \"stores\")"));
  }

  @Test
  void aHintWithoutAQueryIsRefused() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyze("with s as materialized materialized (select 1) select * from s"));
    assertEquals("42601", refusal.sqlState());
    refusal = assertThrows(SqlRefusal.class,
        () -> analyze("select 1 as materialized (select 1)"));
    assertEquals("42601", refusal.sqlState());
  }
}
