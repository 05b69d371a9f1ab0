package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for statements with json and containment
 * operators returns what the client's own text returns: the operators were written back with
 * the grouping PostgreSQL gives the client's text.
 */
class JsonOperatorsIT {
  private static final String SCHEMA = """
      CREATE SCHEMA docs;
      CREATE TABLE docs.items (id integer, a jsonb, b json, arr integer[], note text);
      INSERT INTO docs.items VALUES
        (1, '{"k": "x", "j": {"m": 2}, "n": [10, 20], "0": "zero"}', '{"k": "x"}', ARRAY[1, 2], 'p'),
        (2, '{"k": "y", "j": {"m": 3}, "n": [30]}', '{"k": "y", "j": {"m": 3}}', ARRAY[2, 3], 'q'),
        (3, '[5, 6, {"k": "z"}]', '[5, 6]', ARRAY[]::integer[], 'p'),
        (4, NULL, NULL, NULL, NULL);
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
      "SELECT id, coalesce(a->>'k', note) FROM docs.items WHERE a OPERATOR(pg_catalog.?) 'k' IS NOT TRUE ORDER BY id"})
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
    String rewritten = database.analyzer().analyze(sql, List.of("public")).rewrite(Decisions.allow().build());
    SQLException client = assertThrows(SQLException.class, () -> database.run(sql));
    SQLException forwarded = assertThrows(SQLException.class, () -> database.run(rewritten));
    assertEquals(client.getSQLState(), forwarded.getSQLState());
    assertEquals(firstLine(client.getMessage()), firstLine(forwarded.getMessage()));
  }

  private static String firstLine(String message) {
    return message.strip().lines().findFirst().orElse("");
  }

  @Test
  void parametersKeepTheirNumbers() throws Exception {
    String sql = "SELECT id, a ->> $1 FROM docs.items WHERE a #>> $2 = $3 ORDER BY id";
    String rewritten =
        database.analyzer().analyze(sql, List.of("public")).rewrite(Decisions.allow().build());
    String values = "('k', '{j,m}', '3')";
    assertEquals(database.run("PREPARE client AS " + sql, "EXECUTE client " + values),
        database.run("PREPARE forwarded AS " + rewritten, "EXECUTE forwarded " + values));
  }

  @Test
  void theOperatorsReadTheMaskedValue() throws Exception {
    Decision masked = Decisions.allow()
        .mask("mesh.docs.items", "a", new ColumnMask.Constant("{\"k\": \"masked\"}"))
        .build();
    String rewritten = database.analyzer().analyze(
            "SELECT a->>'k', a @> '{\"k\": \"x\"}' FROM docs.items ORDER BY id", List.of("public"))
        .rewrite(masked);
    List<List<String>> rows = database.run(rewritten);
    assertEquals(List.of("masked", "f"), rows.get(1));
    assertEquals(List.of("masked", "f"), rows.get(4));
  }
}
