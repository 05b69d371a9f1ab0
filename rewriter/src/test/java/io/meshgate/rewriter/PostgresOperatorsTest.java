package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RowFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL operators Calcite does not read (json {@code -> ->> #> #>> #-}, containment and
 * overlap {@code @> <@ &&}, ranges {@code -|- &< &> >>}, full-text {@code @@}, and the others
 * {@code tree.PostgresOperator} lists) are parsed with PostgreSQL's grouping, written back as
 * themselves, and governed like any expression over a column. {@code PostgresOperatorsIT} runs these texts on PostgreSQL.
 */
class PostgresOperatorsTest {
  private static final String ITEMS = "mesh.docs.items";
  private static final String FROM_VALUES =
      " from (values ('{\"k\":\"x\"}'::jsonb, '{\"k\":\"y\"}'::jsonb, array[1], 'n')) as t(a, b, arr, note)";

  private final StatementAnalyzer analyzer = new StatementAnalyzer(
      new DemoCatalog().add("docs", "items", "id", "integer", "a", "jsonb", "b", "jsonb",
          "arr", "integer[]", "note", "text"),
      DemoCatalog.DATABASE);

  private String passthrough(String expression) throws SqlRefusal {
    return new ForwardedSelectList(analyzer, FROM_VALUES, " FROM (VALUES (CAST('{\"k\":\"x\"}' AS"
        + " \"jsonb\"), CAST('{\"k\":\"y\"}' AS \"jsonb\"), (ARRAY[1]), 'n')) AS \"t\" (\"a\","
        + " \"b\", \"arr\", \"note\")").of(expression);
  }

  private String rewrite(String sql, Decision decision) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(decision);
  }

  static Stream<Arguments> roundTrips() {
    return Stream.of(
        arguments("a->>'k' = 'x'", "((\"a\" ->> 'k') = 'x')"),
        arguments("a->'k'->>'j'", "((\"a\" -> 'k') ->> 'j')"),
        arguments("a #> '{k,j}'", "(\"a\" #> '{k,j}')"),
        arguments("a #>> '{k,j}'", "(\"a\" #>> '{k,j}')"),
        arguments("a @> '{\"k\":1}'", "(\"a\" @> '{\"k\":1}')"),
        arguments("'{\"k\":1}' <@ a", "('{\"k\":1}' <@ \"a\")"),
        arguments("arr <@ ARRAY[1,2]", "(\"arr\" <@ (ARRAY[1, 2]))"),
        arguments("arr @> array[1] and a @> b", "((\"arr\" @> (ARRAY[1])) AND (\"a\" @> \"b\"))"),
        // the same level as ||, left associative
        arguments("a->>'k' || 'x'", "((\"a\" ->> 'k') || 'x')"),
        arguments("'x' || a->>'k'", "(('x' || \"a\") ->> 'k')"),
        arguments("a ->> 'k' = b ->> 'k'", "((\"a\" ->> 'k') = (\"b\" ->> 'k'))"),
        arguments("(a->'k')::text", "CAST((\"a\" -> 'k') AS \"text\")"),
        arguments("a->'k'::text", "(\"a\" -> CAST('k' AS \"text\"))"),
        arguments("a->>0", "(\"a\" ->> 0)"),
        arguments("a->>-1", "(\"a\" ->> -1)"),
        arguments("arr[1]->-1", "((\"arr\")[1] -> -1)"),
        // + - * / bind tighter, comparisons, IS, LIKE, IN, BETWEEN looser
        arguments("a->>1 + 1", "(\"a\" ->> (1 + 1))"),
        arguments("a -> 2 * 3 - 1 ->> 0", "((\"a\" -> ((2 * 3) - 1)) ->> 0)"),
        arguments("a->>'k' is null", "((\"a\" ->> 'k') IS NULL)"),
        arguments("a->>'k' like 'x%'", "((\"a\" ->> 'k') LIKE 'x%')"),
        arguments("a->>'k' in ('x', 'y')", "((\"a\" ->> 'k') IN ('x', 'y'))"),
        arguments("a->>'k' between 'a' and 'z'", "((\"a\" ->> 'k') BETWEEN ASYMMETRIC 'a' AND 'z')"),
        arguments("not a @> b", "(NOT (\"a\" @> \"b\"))"),
        arguments("(a->'k')->>'j'", "((\"a\" -> 'k') ->> 'j')"),
        arguments("a->('k')", "(\"a\" -> 'k')"),
        arguments("a OPERATOR(pg_catalog.->>) 'k'", "(\"a\" ->> 'k')"),
        arguments("coalesce(a->>'k', 'none')", "coalesce((\"a\" ->> 'k'), 'none')"),
        arguments("a\n->>\t'k'", "(\"a\" ->> 'k')"),
        arguments("a\r\n  ->>\r\n'k' || 'x'", "((\"a\" ->> 'k') || 'x')"),
        // operands of every shape
        arguments("a -> -arr[1]", "(\"a\" -> (- (\"arr\")[1]))"),
        arguments("a -> (select 'k') ->> 0", "((\"a\" -> (SELECT 'k')) ->> 0)"),
        arguments("a -> case when true then 'k' end", "(\"a\" -> (CASE WHEN TRUE THEN 'k' ELSE NULL END))"),
        arguments("(select a) ->> 'k'", "((SELECT \"a\") ->> 'k')"),
        arguments("a #>> array['k', 'j']", "(\"a\" #>> (ARRAY['k', 'j']))"),
        arguments("arr <@ array(select 1)", "(\"arr\" <@ (ARRAY ((SELECT 1))))"),
        arguments("a -> 'k' collate \"C\"", "(\"a\" -> ('k' COLLATE \"C\"))"),
        // a || the client wrote stays ||, wherever it stands among carriers
        arguments("'a' || 'b'", "('a' || 'b')"),
        arguments("a->>'k' || b->>'k'", "(((\"a\" ->> 'k') || \"b\") ->> 'k')"),
        arguments("(a->>'k') || (b->>'k')", "((\"a\" ->> 'k') || (\"b\" ->> 'k'))"),
        arguments("'||' || (a->>'k')", "('||' || (\"a\" ->> 'k'))"),
        // overlap, adjacency, full-text match, jsonb path deletion
        arguments("arr && array[1]", "(\"arr\" && (ARRAY[1]))"),
        arguments("arr&&arr", "(\"arr\" && \"arr\")"),
        arguments("a -|- b", "(\"a\" -|- \"b\")"),
        arguments("a-|-b", "(\"a\" -|- \"b\")"),
        arguments("to_tsvector(note) @@ to_tsquery('x')",
            "(to_tsvector(\"note\") @@ to_tsquery('x'))"),
        arguments("note@@'x'", "(\"note\" @@ 'x')"),
        arguments("a #- '{k}'", "(\"a\" #- '{k}')"),
        arguments("a #-'{k,0}' #- '{j}'", "((\"a\" #- '{k,0}') #- '{j}')"),
        // ranges, geometry, networks, text, bits
        arguments("a &< b", "(\"a\" &< \"b\")"),
        arguments("a &> b", "(\"a\" &> \"b\")"),
        arguments("a >> b", "(\"a\" >> \"b\")"),
        arguments("a <<| b", "(\"a\" <<| \"b\")"),
        arguments("a |>> b", "(\"a\" |>> \"b\")"),
        arguments("a &<| b", "(\"a\" &<| \"b\")"),
        arguments("a |&> b", "(\"a\" |&> \"b\")"),
        arguments("a <<= b", "(\"a\" <<= \"b\")"),
        arguments("a >>= b", "(\"a\" >>= \"b\")"),
        arguments("a <-> b", "(\"a\" <-> \"b\")"),
        arguments("note ^@ 'x'", "(\"note\" ^@ 'x')"),
        arguments("1 | 2", "(1 | 2)"),
        arguments("1 # 2", "(1 # 2)"),
        arguments("arr OPERATOR(pg_catalog.&&) arr", "(\"arr\" && \"arr\")"),
        // the same level as || and each other, left associative; comparisons looser, + - tighter
        arguments("arr && arr = true", "((\"arr\" && \"arr\") = TRUE)"),
        arguments("true = arr && arr", "(TRUE = (\"arr\" && \"arr\"))"),
        arguments("note @@ 'x' is true", "((\"note\" @@ 'x') IS TRUE)"),
        arguments("not a -|- b and arr && arr",
            "((NOT (\"a\" -|- \"b\")) AND (\"arr\" && \"arr\"))"),
        arguments("note || 'x' @@ 'y'", "((\"note\" || 'x') @@ 'y')"),
        arguments("note @@ 'y' || 'x'", "((\"note\" @@ 'y') || 'x')"),
        arguments("a #- '{k}' ->> 'j'", "((\"a\" #- '{k}') ->> 'j')"),
        arguments("a -> 'k' #- '{j}' @> b", "(((\"a\" -> 'k') #- '{j}') @> \"b\")"),
        arguments("1 | 2 # 3 & 4 >> 1", "((((1 | 2) # 3) & 4) >> 1)"),
        arguments("1 << 2 >> 3", "((1 << 2) >> 3)"),
        arguments("1 | 2 + 3 * 4", "(1 | (2 + (3 * 4)))"),
        arguments("1 + 2 # 3", "((1 + 2) # 3)"),
        arguments("2 ^ 3 | 1", "((2 ^ 3) | 1)"),
        arguments("arr && arr in (true)", "((\"arr\" && \"arr\") IN (TRUE))"),
        arguments("note @@ 'x' like 't%'", "((\"note\" @@ 'x') LIKE 't%')"),
        arguments("a <-> b between 1 and 2", "((\"a\" <-> \"b\") BETWEEN ASYMMETRIC 1 AND 2)"),
        arguments("(a -|- b) || (arr && arr)", "((\"a\" -|- \"b\") || (\"arr\" && \"arr\"))"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void roundTrips(String expression, String expected) throws SqlRefusal {
    assertEquals(expected, passthrough(expression));
  }

  @Test
  void parametersStayNumbered() throws SqlRefusal {
    assertEquals("SELECT \"id\" FROM (SELECT \"id\", \"a\", \"b\", \"arr\", \"note\" FROM"
            + " \"docs\".\"items\") AS \"items\" WHERE ((\"a\" ->> $2) = $1)",
        rewrite("select id from docs.items where a ->> $2 = $1", Decisions.allow().build()));
  }

  @Test
  void theColumnsBeneathTheOperatorsAreReferenced() throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(
        "select i.a->>'k' from docs.items i join docs.items j on i.b @> j.b"
            + " where j.arr <@ array[1] group by i.a->>'k' order by 1",
        DemoCatalog.SEARCH_PATH);
    RelationAccess items = statement.relations().getFirst();
    assertEquals(Set.of("a", "b", "arr"), Set.copyOf(items.referencedColumns()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select a ->> 'k' from docs.items",
      "select id from docs.items where a @> '{\"k\":1}'",
      "select id from docs.items order by a #>> '{k}'",
      "select count(*) from docs.items group by a -> 'k'",
      "select 1 from docs.items i join sales.stores s on i.a ->> 'k' = s.zip_code",
      "select id from docs.items where '{}' <@ a",
      "select id from docs.items where a #- '{k}' = '{}'",
      "select id from docs.items where to_tsvector(note) @@ to_tsquery('x')",
      "select id from docs.items where arr && array[1] and note @@ 'x'"})
  void aDeniedColumnIsStillRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> rewrite(sql, Decisions.allow().deny(ITEMS, "a", "note").build()), sql);
    assertEquals("42501", refusal.sqlState());
  }

  @Test
  void theOperatorSeesTheMaskedAndFilteredValue() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .relation(ITEMS,
            List.of(new RowFilter.Comparison("id", FilterOperator.EQUAL, List.of("1"))),
            Map.of("a", new ColumnMask.Null(), "note", new ColumnMask.Null()), Set.of())
        .build();
    assertEquals("SELECT (\"i\".\"a\" ->> 'k') FROM (SELECT \"id\", CAST(NULL AS jsonb) AS \"a\","
            + " \"b\", \"arr\", CAST(NULL AS text) AS \"note\" FROM \"docs\".\"items\""
            + " WHERE (\"id\" = '1') OFFSET 0) AS \"i\" WHERE (((\"i\".\"a\" @> '{\"k\":1}')"
            + " AND (to_tsvector('english', \"i\".\"note\") @@ plainto_tsquery('x')))"
            + " AND (\"i\".\"arr\" && (ARRAY[1])))",
        rewrite("select i.a ->> 'k' from docs.items i where i.a @> '{\"k\":1}'"
            + " and to_tsvector('english', i.note) @@ plainto_tsquery('x') and i.arr && array[1]",
            decision));
  }

  @Test
  void policyExpressionsMayUseTheOperators() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .filter(ITEMS, new RowFilter.Expression(
            "a ->> 'region' = 'EU' and arr @> array[1] and not arr && array[7]"))
        .build();
    assertEquals("SELECT \"id\" FROM (SELECT \"id\", \"a\", \"b\", \"arr\", \"note\" FROM"
            + " \"docs\".\"items\" WHERE ((((\"a\" ->> 'region') = 'EU') AND (\"arr\" @> (ARRAY[1])))"
            + " AND (NOT (\"arr\" && (ARRAY[7])))) OFFSET 0) AS \"items\"",
        rewrite("select id from docs.items", decision));
  }

  @ParameterizedTest
  @ValueSource(strings = {"select a ? 'k' from docs.items", "select a ?| array['k'] from docs.items",
      "select a ?& array['k'] from docs.items"})
  void theQuestionMarkOperatorsStayRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH));
    assertEquals("0A000", refusal.sqlState());
  }

  /** PostgreSQL reads {@code @@ box}, {@code # path} as prefix operators; Meshgate does not. */
  @ParameterizedTest
  @ValueSource(strings = {"select @@ a from docs.items", "select id, # a from docs.items",
      "select id from docs.items where || a", "select |/ id from docs.items"})
  void prefixUsesAreRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH));
    assertEquals("42601", refusal.sqlState());
  }
}
