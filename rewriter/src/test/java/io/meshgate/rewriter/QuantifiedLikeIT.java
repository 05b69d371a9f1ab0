package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.policy.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for {@code x [NOT] LIKE|ILIKE ANY|SOME|ALL
 * (array)} returns what the client's own text returns, and under a decision the match sees the
 * masked values of the filtered rows.
 */
class QuantifiedLikeIT {
  private static final String SCHEMA = """
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id integer, region text, email text, patterns text[]);
      INSERT INTO shop.orders VALUES
        (1, 'EU', 'ann@example.org', ARRAY['%.org', 'x%']),
        (2, 'US', 'bob@example.com', ARRAY['B%']),
        (3, 'EU', 'cy@example.net', ARRAY[]::text[]),
        (4, 'EU', 'Dee@Example.ORG', ARRAY['%example%']),
        (5, 'EU', NULL, NULL);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id, email LIKE ANY (ARRAY['%.org', '%.net']) FROM shop.orders ORDER BY 1",
      "SELECT id, email like some ('{%.org,%.com}') FROM shop.orders ORDER BY 1",
      "SELECT id, email ILIKE ANY (ARRAY['%.org']) FROM shop.orders ORDER BY 1",
      "SELECT id, email LIKE ALL (ARRAY['%@%', '%e%']) FROM shop.orders ORDER BY 1",
      "SELECT id, email NOT LIKE ALL (ARRAY['a%', 'b%']) FROM shop.orders ORDER BY 1",
      "SELECT id, email NOT ILIKE ANY (ARRAY['a%', 'd%']) FROM shop.orders ORDER BY 1",
      // the patterns from a column, an empty array (ANY false, ALL true) and NULL
      "SELECT id, email LIKE ANY (patterns), email LIKE ALL (patterns) FROM shop.orders ORDER BY 1",
      "SELECT id FROM shop.orders WHERE email || '!' LIKE ANY (ARRAY[region || '%', '%g!', '%t!']) AND id > 0 ORDER BY 1",
      "SELECT id, (email LIKE ANY (ARRAY['%.org'])) IS NOT TRUE FROM shop.orders ORDER BY 1"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  /** The pattern matches the masked email of the rows the filter lets through, nothing else. */
  @Test
  void theMatchSeesTheMaskedValueOfTheFilteredRows() throws Exception {
    Decision decision = Decisions.allow().euRowsMasking("mesh.shop.orders", "email", "hidden@masked.invalid").build();
    String rewritten = database.analyzer().analyze(
            "SELECT id, email LIKE ANY (ARRAY['%.org', '%.invalid']) AS matched FROM shop.orders ORDER BY 1",
            List.of("public"))
        .rewrite(decision);
    assertEquals(List.of(
            List.of("id", "matched"),
            List.of("1", "t"), List.of("3", "t"), List.of("4", "t"), List.of("5", "t")),
        database.run(rewritten), "forwarded: " + rewritten);
  }
}
