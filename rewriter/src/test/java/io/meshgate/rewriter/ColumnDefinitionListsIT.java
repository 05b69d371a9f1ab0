package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for a function with a column definition list
 * ({@code jsonb_to_recordset(...) AS r(a int, b text)}) returns what the client's own text
 * returns, and under a decision the function reads the masked values of the filtered rows.
 */
class ColumnDefinitionListsIT {
  private static final String SCHEMA = """
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id integer, region text, email text, items jsonb);
      INSERT INTO shop.orders VALUES
        (1, 'EU', 'ann@example.org', '[{"sku": "a", "qty": 1, "at": "2024-01-02T03:04:05Z"}, {"sku": "b", "qty": 2.5}]'),
        (2, 'US', 'bob@example.com', '[{"sku": "c", "qty": 5, "tags": ["x", "y"]}]'),
        (3, 'EU', 'cy@example.net', '[]'),
        (4, 'EU', NULL, NULL);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT o.id, r.* FROM shop.orders o CROSS JOIN LATERAL jsonb_to_recordset(o.items)"
          + " AS r(sku text, qty numeric(5, 1), at timestamp with time zone, tags text[]) ORDER BY 1, 2",
      "SELECT o.id, r.sku, r.qty FROM shop.orders o LEFT JOIN LATERAL jsonb_to_recordset(o.items)"
          + " r(sku varchar(10), qty double precision) ON true ORDER BY 1, 2",
      "SELECT o.id, r.e, r.n FROM shop.orders o, LATERAL jsonb_to_record(jsonb_build_object('e', o.email, 'n', o.id))"
          + " AS r(e text, \"n\" int4) ORDER BY 1",
      "SELECT o.id, r.x FROM shop.orders o, jsonb_to_recordset('[{\"x\": 1}, {\"x\": 2}]'::jsonb) AS r(x int) ORDER BY 1, 2"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  /** The function reads the masked email of the rows the filter lets through, nothing else. */
  @Test
  void theFunctionReadsTheMaskedValueOfTheFilteredRows() throws Exception {
    String rewritten = database.analyzer().analyze(
            "SELECT o.id, r.e FROM shop.orders o CROSS JOIN LATERAL"
                + " jsonb_to_record(jsonb_build_object('e', o.email)) AS r(e text) ORDER BY 1",
            List.of("public"))
        .rewrite(Decisions.allow().euRowsMasking("mesh.shop.orders", "email", "hidden@masked.invalid").build());
    assertEquals(List.of(List.of("id", "e"), List.of("1", "hidden@masked.invalid"),
            List.of("3", "hidden@masked.invalid"), List.of("4", "hidden@masked.invalid")),
        database.run(rewritten), "forwarded: " + rewritten);
  }
}
