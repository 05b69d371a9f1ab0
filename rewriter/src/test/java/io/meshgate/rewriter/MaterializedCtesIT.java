package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for WITH queries with a materialization hint
 * and for generic typed literals returns what the client's own text returns, and the hint
 * reaches PostgreSQL's planner.
 */
class MaterializedCtesIT {
  private static final String SCHEMA = """
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id integer, region text, amount numeric(8,2), placed date, tags jsonb);
      INSERT INTO shop.orders VALUES
        (1, 'EU', 10.50, '2024-01-02', '{"a": 1}'),
        (2, 'US', 20.00, '2024-02-03', '{"b": 2}'),
        (3, 'EU', 7.25, '2024-03-04', '{}'),
        (4, NULL, NULL, NULL, NULL);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "WITH e AS MATERIALIZED (SELECT * FROM shop.orders WHERE region = 'EU') SELECT id, amount FROM e ORDER BY id",
      "WITH e AS NOT MATERIALIZED (SELECT * FROM shop.orders) SELECT id FROM e WHERE amount > 8 ORDER BY id",
      "WITH a (i, r) AS NOT MATERIALIZED (SELECT id, region FROM shop.orders), b AS (SELECT 1 AS one),"
          + " c AS MATERIALIZED (SELECT i FROM a WHERE r IS NOT NULL) SELECT i, one FROM c, b ORDER BY i",
      "SELECT * FROM (WITH x AS MATERIALIZED (WITH y AS NOT MATERIALIZED (SELECT id FROM shop.orders)"
          + " SELECT id FROM y) SELECT id FROM x) z WHERE id IN (WITH w AS MATERIALIZED (SELECT 2 AS v) SELECT v FROM w)"
          + " OR id = 3 ORDER BY id",
      "WITH RECURSIVE r (n) AS MATERIALIZED (SELECT id FROM shop.orders WHERE id = 1 UNION ALL"
          + " SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r ORDER BY n",
      "WITH orders AS MATERIALIZED (SELECT 42 AS id) SELECT id FROM orders UNION ALL SELECT id FROM shop.orders ORDER BY 1",
      "SELECT id, text 'x' || region, int4 '2' * id, numeric(5,1) '1.25' + amount, varchar(2) 'abc',"
          + " double precision '0.5' * id, placed - date '2024-01-01', boolean 't' AND id > 1 FROM shop.orders ORDER BY id",
      "SELECT id FROM shop.orders WHERE region = text 'EU' AND amount < numeric '10' OR tags @> jsonb '{\"b\": 2}' ORDER BY id",
      "SELECT id, pg_catalog.text 'a', \"text\" 'b', character varying(1) 'cd', bigint '9000000000' FROM shop.orders ORDER BY id"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    String rewritten = database.analyzer().analyze(sql, List.of("public")).rewrite(Decisions.allow().build());
    List<List<String>> expected = database.run(sql);
    assertTrue(expected.size() > 1, "the statement should find rows: " + expected);
    assertEquals(expected, database.run(rewritten), "forwarded: " + rewritten);
  }

  /** PostgreSQL inlines a CTE read once unless told MATERIALIZED; the plan shows which. */
  @Test
  void theHintReachesThePlanner() throws Exception {
    String body = " (SELECT * FROM shop.orders) SELECT id FROM e WHERE id = 1";
    String materialized = database.analyzer().analyze("WITH e AS MATERIALIZED" + body, List.of("public"))
        .rewrite(Decisions.allow().build());
    String inlined = database.analyzer().analyze("WITH e AS NOT MATERIALIZED" + body, List.of("public"))
        .rewrite(Decisions.allow().build());
    assertTrue(plan(materialized).contains("CTE Scan on e"), plan(materialized));
    assertFalse(plan(inlined).contains("CTE"), plan(inlined));
  }

  private static String plan(String sql) throws SQLException {
    return String.join("\n", database.run("EXPLAIN (COSTS OFF) " + sql).stream().map(row -> row.get(0)).toList());
  }
}
