package io.meshgate.rewriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for {@code ROW(…)} constructors returns what
 * the client's own text returns, in the select list, in comparisons, with {@code IS NULL} (which
 * is true of a row only when every value is null) and against a subquery.
 */
class RowConstructorsIT {
  private static final String SCHEMA = """
      CREATE SCHEMA docs;
      CREATE TABLE docs.items (id integer, a integer, b text);
      INSERT INTO docs.items VALUES (1, 1, 'x'), (2, 2, NULL), (3, NULL, NULL), (4, 1, 'y');
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id, ROW(a, b), row(a), ROW(), ROW(a, ROW(b, 1)) FROM docs.items ORDER BY id",
      "SELECT id, ROW(a, b) IS NULL, row(a, b) IS NOT NULL, ROW(b) IS NULL, (a, b) IS NULL FROM docs.items ORDER BY id",
      "SELECT id FROM docs.items WHERE ROW(a, b) = ROW(1, 'x') OR row(a, b) > (1, 'x') ORDER BY id",
      "SELECT id FROM docs.items WHERE ROW(a, b) IN (SELECT a, b FROM docs.items WHERE id = 4) OR id = 3 ORDER BY id",
      "SELECT id, ROW(a, b)::text, row(a + 1, upper(b)) FROM docs.items ORDER BY id"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  /** Rows of different lengths cannot be compared: the same error either way. */
  @Test
  void aMismatchedComparisonFailsTheSame() throws Exception {
    database.assertForwardedFailsTheSame("SELECT id FROM docs.items WHERE ROW(a, b) = ROW(1)");
  }
}
