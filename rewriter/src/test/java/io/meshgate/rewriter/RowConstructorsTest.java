package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.RelationAccess;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL's row constructor with its keyword, {@code ROW(…)}, which Calcite refuses outside
 * VALUES, is read wherever PostgreSQL allows it and written back as {@code ROW(…)}; its values
 * are column usage. {@code RowConstructorsIT} runs these texts on PostgreSQL.
 */
class RowConstructorsTest {
  private static final String ITEMS = "mesh.docs.items";

  private final StatementAnalyzer analyzer = new StatementAnalyzer(
      new DemoCatalog().add("docs", "items", "id", "integer", "a", "integer", "b", "text",
          "secret", "text"),
      DemoCatalog.DATABASE);

  private String forwarded(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(Decisions.allow().build());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
      "select ROW(a, b) from docs.items => SELECT ROW(\"a\", \"b\")",
      "select row(a) from docs.items => SELECT ROW(\"a\")",
      "select row() from docs.items => SELECT ROW()",
      "select ROW(a, b) is null from docs.items => SELECT (ROW(\"a\", \"b\") IS NULL)",
      "select row(a, 'x') is not null as r from docs.items => SELECT (ROW(\"a\", 'x') IS NOT NULL) AS \"r\"",
      "select id from docs.items where ROW(a, b) = ROW(1, 'x') => SELECT \"id\"",
      "select id from docs.items where row(a, b) < (2, 'y') => SELECT \"id\"",
      "select id from docs.items where ROW(a, b) in (select a, b from docs.items) => SELECT \"id\"",
      "select row(a, row(b, 1))::text from docs.items => SELECT CAST(ROW(\"a\", ROW(\"b\", 1)) AS \"text\")",
      "select row(a + 1, upper(b)) from docs.items => SELECT ROW((\"a\" + 1), upper(\"b\"))",
      "select (a, b) from docs.items => SELECT (\"a\", \"b\")"})
  void rowConstructorsAreWrittenBack(String sql, String forwardedSelect) throws SqlRefusal {
    String forwarded = forwarded(sql);
    assertEquals(forwardedSelect, forwarded.substring(0, forwarded.indexOf(" FROM (SELECT")), forwarded);
  }

  @Test
  void theValuesAreColumnUsage() throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(
        "select row(a) from docs.items where row(b, 1) is not null", DemoCatalog.SEARCH_PATH);
    RelationAccess items = statement.relations().getFirst();
    assertEquals(List.of("a", "b"), items.referencedColumns());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select row(id, secret) from docs.items",
      "select id from docs.items where row(id, secret) = row(1, 'x')",
      "select id from docs.items where row(secret) is null"})
  void aDeniedColumnInARowIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH)
            .rewrite(Decisions.allow().deny(ITEMS, "secret").build()), sql);
    assertEquals("42501", refusal.sqlState());
  }

  @ParameterizedTest
  @ValueSource(strings = {"select meshgate$row(1, 2)", "select row(distinct 1)"})
  void theMarkerAndMisuseAreRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH));
    assertEquals("42601", refusal.sqlState(), refusal.getMessage());
  }

  /** {@code row} not followed by a parenthesis is no constructor: {@code FETCH FIRST 1 ROW ONLY}. */
  @Test
  void rowWithoutAParenthesisIsNotAConstructor() throws SqlRefusal {
    String forwarded = forwarded("select id from docs.items order by id fetch first 1 row only");
    assertEquals(-1, forwarded.indexOf("ROW("), forwarded);
    assertEquals(-1, forwarded.indexOf("meshgate"), forwarded);
  }
}
