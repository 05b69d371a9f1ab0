package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for {@code FETCH FIRST n ROWS WITH TIES}
 * returns what the client's own text returns (ties included), and under a decision the ties are
 * those of the masked values of the filtered rows.
 */
class FetchWithTiesIT {
  private static final String SCHEMA = """
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id integer, region text, email text, amount integer);
      INSERT INTO shop.orders VALUES
        (1, 'EU', 'ann@example.org', 10), (2, 'US', 'bob@example.com', 10),
        (3, 'EU', 'cy@example.net', 20), (4, 'EU', 'dee@example.org', 20),
        (5, 'US', 'eve@example.com', 20), (6, 'EU', 'fay@example.org', 30);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  /** The ties make the row count differ from n; the outer ORDER BY makes the rows comparable. */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM (SELECT id, amount FROM shop.orders ORDER BY amount FETCH FIRST 1 ROWS WITH TIES) x ORDER BY id",
      "SELECT * FROM (SELECT id, amount FROM shop.orders ORDER BY amount FETCH FIRST 3 ROW WITH TIES) x ORDER BY id",
      "SELECT * FROM (SELECT id, amount FROM shop.orders ORDER BY amount OFFSET 2 FETCH NEXT ROW WITH TIES) x ORDER BY id",
      "WITH t AS (SELECT id, amount FROM shop.orders ORDER BY amount DESC FETCH FIRST 2 ROWS WITH TIES)"
          + " SELECT * FROM t ORDER BY id",
      "SELECT id FROM (SELECT id, region FROM shop.orders ORDER BY region FETCH FIRST 1 ROWS WITH TIES) x ORDER BY id"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  /** All EU rows share the masked email, so one row with ties is every EU row, never a US one. */
  @Test
  void theTiesAreThoseOfTheMaskedValuesOfTheFilteredRows() throws Exception {
    String rewritten = database.analyzer().analyze(
            "SELECT id FROM shop.orders ORDER BY email FETCH FIRST 1 ROWS WITH TIES", List.of("public"))
        .rewrite(Decisions.allow().euRowsMasking("mesh.shop.orders", "email", "hidden@masked.invalid").build());
    List<List<String>> rows = database.run(rewritten);
    List<List<String>> sorted = new ArrayList<>(rows.subList(1, rows.size()));
    sorted.sort(Comparator.comparing(row -> Integer.parseInt(row.get(0))));
    assertEquals(List.of(List.of("1"), List.of("3"), List.of("4"), List.of("6")), sorted, "forwarded: " + rewritten);
  }
}
