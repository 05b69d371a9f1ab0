package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for statements with operators Calcite does not
 * read (json, containment, overlap, ranges, full-text match, networks, geometry, bits) returns
 * what the client's own text returns: the operators were written back with the grouping
 * PostgreSQL gives the client's text.
 */
class PostgresOperatorsIT {
  private static final String SCHEMA = """
      CREATE SCHEMA docs;
      CREATE TABLE docs.items (id integer, a jsonb, b json, arr integer[], note text);
      INSERT INTO docs.items VALUES
        (1, '{"k": "x", "j": {"m": 2}, "n": [10, 20], "0": "zero"}', '{"k": "x"}', ARRAY[1, 2], 'p'),
        (2, '{"k": "y", "j": {"m": 3}, "n": [30]}', '{"k": "y", "j": {"m": 3}}', ARRAY[2, 3], 'q'),
        (3, '[5, 6, {"k": "z"}]', '[5, 6]', ARRAY[]::integer[], 'p'),
        (4, NULL, NULL, NULL, NULL);
      CREATE TABLE docs.spans (id integer, r int4range, s int4range, body text, tags text[],
        net inet, area box, flags integer);
      INSERT INTO docs.spans VALUES
        (1, '[1,5)', '[5,9)', 'The quick brown fox jumps', ARRAY['a', 'b'], '10.0.0.1',
         '((0,0),(1,1))', 5),
        (2, '[2,4)', '[3,8)', 'A lazy dog sleeps', ARRAY['c'], '192.168.1.7', '((2,2),(3,3))', 12),
        (3, '[10,20)', '[1,3)', 'Foxes and dogs', ARRAY['a'], '10.1.2.3', '((-1,-3),(0.5,-2))', 3),
        (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id, a->>'k' = 'x' AS is_x FROM docs.items ORDER BY id",
      "SELECT id, a->'j'->>'m', a #> '{j,m}', a #>> '{n,0}', b->'j'->'m', b #>> '{k}' FROM docs.items ORDER BY id",
      "SELECT id FROM docs.items WHERE a @> '{\"k\": \"x\"}' ORDER BY id",
      "SELECT id FROM docs.items WHERE '{\"k\": \"y\"}' <@ a OR arr <@ ARRAY[1,2] ORDER BY id",
      "SELECT id, arr @> ARRAY[2], ARRAY[3] <@ arr FROM docs.items ORDER BY id",
      "SELECT id, a->>'k' || 'x', (a->>'k') || (a->>'k') FROM docs.items ORDER BY id",
      "SELECT i.id FROM docs.items i JOIN docs.items j ON i.a ->> 'k' = j.b ->> 'k' ORDER BY 1",
      "SELECT id, (a->'j')::text, a->'j'::text, a->>0, a->0->>0, a->>2 - 1, a -> 1 + 1 ->> 'k', a->'n'->>-1, a->-1 FROM docs.items ORDER BY id",
      "SELECT a->>'k' AS k, count(*) FROM docs.items GROUP BY a->>'k' ORDER BY a->>'k' NULLS FIRST",
      "SELECT id FROM docs.items WHERE a->>'k' LIKE 'x%' OR a->>'k' IN ('y') OR a->>'k' IS NULL ORDER BY id",
      "SELECT id FROM docs.items WHERE NOT a @> '{\"k\": \"x\"}' AND a->'j'->>'m' BETWEEN '1' AND '9' ORDER BY id",
      "SELECT id, coalesce(a->>'k', note) FROM docs.items WHERE a OPERATOR(pg_catalog.?) 'k' IS NOT TRUE ORDER BY id",
      // jsonb path deletion
      "SELECT id, a #- '{k}', a #- '{j,m}' -> 'j', a #- '{n,0}' #>> '{n}', a #-'{k}' = a FROM docs.items WHERE id <> 3 ORDER BY id",
      // overlap, adjacency and position of ranges, overlap of arrays
      "SELECT id, r && s, r -|- s, r &< s, r &> s, r >> s, r << s, r-|-s FROM docs.spans ORDER BY id",
      "SELECT id FROM docs.spans WHERE tags && ARRAY['a'] OR r OPERATOR(pg_catalog.&&) '[15,16)' ORDER BY id",
      "SELECT id FROM docs.spans WHERE r -|- s AND NOT r && s OR r @> 3 ORDER BY id",
      // full-text match
      "SELECT id FROM docs.spans WHERE to_tsvector('english', body) @@ to_tsquery('english', 'fox') ORDER BY id",
      "SELECT id, body @@ 'dog', to_tsvector('simple', body) @@ plainto_tsquery('simple', 'lazy dog'),"
          + " to_tsvector(body) @@ websearch_to_tsquery('fox or dog') FROM docs.spans ORDER BY id",
      // networks, geometry, text, bits
      "SELECT id, net << '10.0.0.0/8', net <<= '10.0.0.0/8', '10.0.0.0/8'::inet >>= net, '10.0.0.0/8' >> net FROM docs.spans ORDER BY id",
      "SELECT id, area <<| '((0,5),(1,6))'::box, area |>> '((0,-9),(1,-8))'::box, area &<| '((0,5),(1,6))'::box,"
          + " area |&> '((0,0),(1,1))'::box, area <-> '((0,0),(0,0))'::box, area && '((0,0),(2,2))' FROM docs.spans ORDER BY id",
      "SELECT id, body ^@ 'The', flags | 2, flags # 3, flags >> 1, '1010'::varbit # '0110'::varbit FROM docs.spans ORDER BY id",
      // the same level as || and each other, left associative; + - * / bind tighter, comparisons looser
      "SELECT id, tags && ARRAY['a'] || 'x'::text, 'x'::text || tags && ARRAY['x'], body || 'x' @@ 'x' FROM docs.spans ORDER BY id",
      "SELECT id, flags | 2 + 1, flags # 3 & 6, flags >> 1 << 2, 1 | flags # 2, flags * 2 # 1, flags - 1 | 1 FROM docs.spans ORDER BY id",
      "SELECT id, r && s = true, true = r && s, r && s IS TRUE, flags | 1 IN (5, 13), flags # 1 BETWEEN 3 AND 5,"
          + " body @@ 'fox' IS NOT FALSE FROM docs.spans ORDER BY id",
      // OPERATOR(pg_catalog.op) gives = < - * ^ the "any other operator" level (psqlODBC)
      "SELECT id, flags OPERATOR(pg_catalog.-) 1 OPERATOR(pg_catalog.*) 2, flags OPERATOR(pg_catalog.+) 2 * 3,"
          + " 2 OPERATOR(pg_catalog.^) 3 OPERATOR(pg_catalog.^) 2, flags OPERATOR(pg_catalog.<) 3 = true,"
          + " flags OPERATOR(pg_catalog.<>) 1 + 1, flags + 1 OPERATOR(pg_catalog.>=) 2 IS TRUE FROM docs.spans"
          + " WHERE flags OPERATOR(pg_catalog.>) 0 AND id OPERATOR(pg_catalog.=) id ORDER BY id"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    String rewritten;
    try {
      rewritten = database.analyzer().analyze(sql, List.of("public")).rewrite(Decisions.allow().build());
    } catch (SqlRefusal refusal) {
      if (sql.contains("?")) {
        assertEquals("0A000", refusal.sqlState()); // the ? family stays refused
        return;
      }
      throw refusal;
    }
    List<List<String>> expected = database.run(sql);
    assertTrue(expected.size() > 1, "the statement should find rows: " + expected);
    assertEquals(expected, database.run(rewritten), "forwarded: " + rewritten);
  }

  /**
   * PostgreSQL groups these as {@code ('x' || a) ->> 'k'} and {@code ((a ->> 'k') || a) ->>
   * 'k'}, which it rejects; the forwarded text must be rejected the same way, not "repaired".
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 'x' || a->>'k' FROM docs.items",
      "SELECT a->>'k' || a->>'k' FROM docs.items"})
  void theGroupingIsPostgresqlsEvenWhereItFails(String sql) throws Exception {
    database.assertForwardedFailsTheSame(sql);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      SELECT id, a ->> $1 FROM docs.items WHERE a #>> $2 = $3 ORDER BY id | ('k', '{j,m}', '3')
      SELECT id FROM docs.spans WHERE tags && $1::text[] OR to_tsvector('english', body) @@ to_tsquery('english', $2) ORDER BY id | ('{c}', 'fox')
      """)
  void parametersKeepTheirNumbers(String sql, String values) throws Exception {
    String rewritten =
        database.analyzer().analyze(sql, List.of("public")).rewrite(Decisions.allow().build());
    List<List<String>> client =
        database.run("DEALLOCATE ALL", "PREPARE client AS " + sql, "EXECUTE client " + values);
    assertTrue(client.size() > 1, "the statement should find rows: " + client);
    assertEquals(client, database.run("PREPARE forwarded AS " + rewritten, "EXECUTE forwarded " + values));
  }

  /** A masked jsonb column reaches the json operators masked, a masked text column {@code @@}. */
  @Test
  void theOperatorsReadTheMaskedValue() throws Exception {
    Decision masked = Decisions.allow()
        .mask("mesh.docs.items", "a", new ColumnMask.Constant("{\"k\": \"masked\"}"))
        .mask("mesh.docs.spans", "body", new ColumnMask.Constant("hidden text"))
        .build();
    List<List<String>> items = database.run(database.analyzer().analyze(
            "SELECT a->>'k', a @> '{\"k\": \"x\"}' FROM docs.items ORDER BY id", List.of("public"))
        .rewrite(masked));
    assertEquals(List.of("masked", "f"), items.get(1));
    assertEquals(List.of("masked", "f"), items.get(4));
    List<List<String>> spans = database.run(database.analyzer().analyze(
            "SELECT id, body @@ 'fox', to_tsvector('english', body) @@ to_tsquery('hidden'),"
                + " body ^@ 'The' FROM docs.spans ORDER BY id", List.of("public"))
        .rewrite(masked));
    assertEquals(List.of("1", "f", "t", "f"), spans.get(1));
    assertEquals(List.of("3", "f", "t", "f"), spans.get(3));
  }
}
