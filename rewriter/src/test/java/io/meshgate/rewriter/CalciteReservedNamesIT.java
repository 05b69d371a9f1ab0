package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, statements with names Calcite reserves (parse/CalciteReservedNames)
 * return through Meshgate what the client's own text returns: the quoting changes no name.
 */
class CalciteReservedNamesIT {
  private static final String SCHEMA = """
      CREATE SCHEMA docs;
      CREATE TABLE docs.events (id integer, pattern text, measure numeric, uuid uuid, ordinal integer);
      INSERT INTO docs.events VALUES
        (1, 'a%', 1.5, '00000000-0000-0000-0000-000000000001', 3),
        (2, 'b%', 2.5, '00000000-0000-0000-0000-000000000002', 1),
        (3, NULL, NULL, NULL, 2);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT count(*) AS new, min(id) AS rows, max(id) AS range, sum(id) AS partition FROM docs.events",
      "SELECT id AS current, id AS next, id AS over, id AS rollup, id AS cursor FROM docs.events ORDER BY 1",
      "SELECT pattern, measure, uuid, e.ordinal FROM docs.events e WHERE pattern IS NOT NULL ORDER BY ordinal",
      "SELECT id FROM docs.events AS snapshot WHERE snapshot.measure > 2",
      "SELECT sum(measure) OVER (PARTITION BY pattern IS NULL ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)"
          + " AS rows FROM docs.events ORDER BY id"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  /** A name Calcite reserves is still the masked column when the policy masks it. */
  @Test
  void aMaskedColumnNamedPatternIsReadMasked() throws Exception {
    Decision masked = Decisions.allow().mask("mesh.docs.events", "pattern", new ColumnMask.Constant("hidden")).build();
    List<List<String>> rows = database.runGoverned(
        "SELECT id, pattern AS new FROM docs.events WHERE pattern = 'hidden' ORDER BY id", masked);
    assertEquals(List.of(List.of("id", "new"), List.of("1", "hidden"), List.of("2", "hidden"), List.of("3", "hidden")),
        rows);
  }
}
