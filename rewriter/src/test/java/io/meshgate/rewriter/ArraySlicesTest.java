package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RowFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL's array slices ({@code a[1:2]}, {@code a[2:]}, {@code a[:2]}, chains), which
 * Calcite does not read, are parsed, governed like any expression over their columns, and
 * written back as one subscript chain. {@code ArraySlicesIT} runs these texts on PostgreSQL.
 */
class ArraySlicesTest {
  private static final String LISTS = "mesh.docs.lists";

  private final StatementAnalyzer analyzer = new StatementAnalyzer(
      new DemoCatalog().add("docs", "lists", "id", "integer", "arr", "integer[]",
          "grid", "integer[]", "note", "text"),
      DemoCatalog.DATABASE);

  @ParameterizedTest
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
      "(ARRAY[1,2,3])[1:2] => ((ARRAY[1, 2, 3]))[1:2]",
      "arr[2:] => (\"arr\")[2:]",
      "arr[:2] => (\"arr\")[:2]",
      "arr[ : ] => (\"arr\")[:]",
      "arr[1:2][1:1] => (\"arr\")[1:2][1:1]",
      "arr[1:2][2] => (\"arr\")[1:2][1:2]",
      "arr[2][1:2] => (\"arr\")[1:2][1:2]",
      "arr[1][2] => (\"arr\")[1][2]",
      "arr[id:id + 1] => (\"arr\")[\"id\":(\"id\" + 1)]",
      "arr[1:2]::text => CAST((\"arr\")[1:2] AS \"text\")",
      "arr[1:2] || arr[3:] => ((\"arr\")[1:2] || (\"arr\")[3:])",
      "arr[(select 1):2] => (\"arr\")[(SELECT 1):2]",
      "arr[arr[1]:arr[2]] => (\"arr\")[(\"arr\")[1]:(\"arr\")[2]]",
      "array_length(arr[1:2], 1) => array_length((\"arr\")[1:2], 1)",
      "t.arr[1:2] => (\"t\".\"arr\")[1:2]",
      "arr[$1:$2] => (\"arr\")[$1:$2]"})
  void slicesAreWrittenBackAsPostgresqlReadsThem(String expression, String forwarded)
      throws SqlRefusal {
    String sql = analyzer.analyze("select " + expression + " from docs.lists t", DemoCatalog.SEARCH_PATH)
        .rewrite(Decisions.allow().build());
    assertEquals("SELECT " + forwarded, sql.substring(0, sql.indexOf(" FROM (SELECT")));
  }

  @Test
  void theArrayAndTheBoundsAreColumnUsage() throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(
        "select arr[id:] from docs.lists where grid[:1] = arr[1:1]", DemoCatalog.SEARCH_PATH);
    RelationAccess lists = statement.relations().getFirst();
    assertEquals(List.of("id", "arr", "grid"), lists.referencedColumns());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select arr[1:2] from docs.lists",
      "select id from docs.lists where arr[2:] = '{}'",
      "select id[1:2] from (select arr as id from docs.lists) s",
      "select (array[1, 2])[id:2] from docs.lists t join docs.lists u using (id) order by arr[:1]"})
  void aDeniedColumnIsRefusedInASlice(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH)
            .rewrite(Decisions.allow().deny(LISTS, "arr").build()), sql);
    assertEquals("42501", refusal.sqlState());
  }

  @Test
  void aMaskedArrayIsSlicedMaskedBeneathTheFilter() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .relation(LISTS,
            List.of(new RowFilter.Comparison("id", FilterOperator.EQUAL, List.of("1"))),
            Map.of("arr", new ColumnMask.Null()), Set.of())
        .build();
    assertEquals("SELECT (\"arr\")[1:2] FROM (SELECT \"id\", CAST(NULL AS integer[]) AS \"arr\","
            + " \"grid\", \"note\" FROM \"docs\".\"lists\" WHERE (\"id\" = '1') OFFSET 0) AS \"lists\"",
        analyzer.analyze("select arr[1:2] from docs.lists", DemoCatalog.SEARCH_PATH).rewrite(decision));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select arr[1:2:3] from docs.lists",
      "select arr[1:2 from docs.lists",
      "select meshgate$array_slice(arr, 1, 2) from docs.lists",
      "select meshgate$omitted_bound() from docs.lists",
      "select arr[meshgate$omitted_bound():2] from docs.lists"})
  void malformedSlicesAndMarkerNamesAreRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(Decisions.allow().build()), sql);
    assertEquals("42601", refusal.sqlState(), refusal.getMessage());
  }
}
