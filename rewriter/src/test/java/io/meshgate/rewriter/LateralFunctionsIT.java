package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.policy.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for set-returning functions joined LATERALly
 * (and JOINed without LATERAL, which PostgreSQL reads the same) returns what the client's own
 * text returns, and under a decision the functions read the masked values of the filtered rows.
 */
class LateralFunctionsIT {
  private static final String SCHEMA = """
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id integer, region text, email text, items jsonb, tags text[], n integer);
      INSERT INTO shop.orders VALUES
        (1, 'EU', 'ann@example.org', '[{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]', ARRAY['x', 'y'], 2),
        (2, 'US', 'bob@example.com', '[{"sku": "c", "qty": 5}]', ARRAY['z'], 3),
        (3, 'EU', 'cy@example.net', '[]', ARRAY[]::text[], 0),
        (4, 'EU', NULL, NULL, NULL, NULL);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT o.id, g FROM shop.orders o CROSS JOIN LATERAL generate_series(1, o.n) g ORDER BY 1, 2",
      "SELECT o.id, g.x FROM shop.orders o, LATERAL generate_series(1, o.n) AS g(x) ORDER BY 1, 2",
      "SELECT o.id, e FROM shop.orders o LEFT JOIN LATERAL jsonb_array_elements(o.items) e ON true ORDER BY 1, 2",
      "SELECT o.id, e.value ->> 'sku', e.n FROM shop.orders o LEFT JOIN LATERAL jsonb_array_elements(o.items)"
          + " WITH ORDINALITY AS e(value, n) ON true ORDER BY 1, 3",
      "SELECT o.id, e.key, e.value FROM shop.orders o CROSS JOIN LATERAL jsonb_array_elements(o.items) i"
          + " CROSS JOIN LATERAL jsonb_each(i) e ORDER BY 1, 2, 3",
      "SELECT o.id, p.piece, p.n FROM shop.orders o CROSS JOIN LATERAL"
          + " unnest(string_to_array(o.email, '@')) WITH ORDINALITY AS p(piece, n) ORDER BY 1, 3",
      "SELECT o.id, t FROM shop.orders o LEFT JOIN LATERAL unnest(o.tags) t ON t <> 'y' ORDER BY 1, 2",
      "SELECT o.id, m FROM shop.orders o CROSS JOIN LATERAL regexp_matches(o.email, '([a-z]+)\\.([a-z]+)$') m ORDER BY 1",
      "SELECT o.id, s FROM shop.orders o JOIN LATERAL string_to_table(o.email, '@') s ON s LIKE '%.%' ORDER BY 1, 2",
      "SELECT o.id, e FROM shop.orders o CROSS JOIN LATERAL"
          + " jsonb_array_elements(jsonb_build_array(o.id, o.region)) WITH ORDINALITY e ORDER BY 1, 2",
      // JOIN without LATERAL: a FROM function sees the items before it in PostgreSQL anyway
      "SELECT o.id, g FROM shop.orders o JOIN generate_series(1, o.n) g ON g > 1 ORDER BY 1, 2",
      "SELECT o.id, s FROM shop.orders o LEFT JOIN jsonb_array_elements_text(jsonb_path_query_array(o.items, '$[*].sku')) s"
          + " ON true ORDER BY 1, 2",
      "SELECT o.id, x.k FROM shop.orders o CROSS JOIN LATERAL (SELECT o.n + 1 AS k) x"
          + " CROSS JOIN LATERAL generate_series(x.k, 4) g ORDER BY 1, 2",
      // IS DISTINCT FROM before a call is an operand, no FROM item
      "SELECT o.id, o.region IS DISTINCT FROM upper(lower(o.region)), o.n FROM shop.orders o ORDER BY 1",
      "SELECT o.id FROM shop.orders o WHERE o.email IS NOT DISTINCT FROM lower(upper(o.email)) ORDER BY 1"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  /** The function reads the masked email of the rows the filter lets through, nothing else. */
  @Test
  void theFunctionReadsTheMaskedValueOfTheFilteredRows() throws Exception {
    Decision decision = Decisions.allow().euRowsMasking("mesh.shop.orders", "email", "hidden@masked.invalid").build();
    String rewritten = database.analyzer().analyze(
            "SELECT o.id, o.region, p.piece, p.n FROM shop.orders o CROSS JOIN LATERAL"
                + " unnest(string_to_array(o.email, '@')) WITH ORDINALITY AS p(piece, n) ORDER BY 1, 4",
            List.of("public"))
        .rewrite(decision);
    List<List<String>> rows = database.run(rewritten);
    assertEquals(List.of(
            List.of("id", "region", "piece", "n"),
            List.of("1", "EU", "hidden", "1"), List.of("1", "EU", "masked.invalid", "2"),
            List.of("3", "EU", "hidden", "1"), List.of("3", "EU", "masked.invalid", "2"),
            List.of("4", "EU", "hidden", "1"), List.of("4", "EU", "masked.invalid", "2")),
        rows, "forwarded: " + rewritten);
  }
}
