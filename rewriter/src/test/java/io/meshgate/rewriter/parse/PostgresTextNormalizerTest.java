package io.meshgate.rewriter.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.StatementSplitter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PostgresTextNormalizerTest {
  private static NormalizedText normalize(String sql) throws SqlRefusal, LexicalException {
    return PostgresTextNormalizer.normalize(StatementSplitter.split(sql).get(0));
  }

  static Stream<Arguments> casts() {
    return Stream.of(
        arguments("a::int", "CAST(a AS int)"),
        arguments("a.b::text", "CAST(a.\"b\" AS text)"),
        arguments("(a + b)::text", "CAST((a + b) AS text)"),
        arguments("f(x, y)::text", "CAST(f(x, y) AS text)"),
        arguments("pg_catalog.f(x)::text", "CAST(pg_catalog.\"f\"(x) AS text)"),
        arguments("x::int::text", "CAST(CAST(x AS int) AS text)"),
        arguments("'a'::regclass", "CAST('a' AS regclass)"),
        arguments("$1::int", "CAST(? AS int)"),
        arguments("-x::int", "-CAST(x AS int)"),
        arguments("a || b::text", "a || CAST(b AS text)"),
        arguments("x = y::int and z", "x = CAST(y AS int) and z"),
        arguments("arr[1]::int", "CAST(arr[1] AS int)"),
        arguments("array[1]::int[]", "CAST(array[1] AS int ARRAY)"),
        arguments("case when a then 1 end::text", "CAST(case when a then 1 end AS text)"),
        arguments("count(*) filter (where a)::int", "CAST(count(*) filter (where a) AS int)"),
        arguments("sum(a) over (order by b)::int", "CAST(sum(a) over (order by b) AS int)"),
        arguments("date '2020-01-01'::text", "CAST(date '2020-01-01' AS text)"),
        arguments("x::double precision", "CAST(x AS double precision)"),
        arguments("x::character varying(10)", "CAST(x AS character varying(10))"),
        arguments("x::timestamp(3) with time zone", "CAST(x AS timestamp(3) with time zone)"),
        arguments("x::numeric(12, 2)", "CAST(x AS numeric(12,2))"),
        arguments("x::\"Type\"", "CAST(x AS \"Type\")"),
        arguments("x::interval", "CAST(x AS \"interval\")"),
        arguments("x :: int", "CAST(x  AS  int)"),
        arguments("(select 1)::text", "CAST((select 1) AS text)"),
        arguments("cast(x as int[])", "cast(x as int ARRAY)"),
        arguments("cast(x as interval)", "cast(x as \"interval\")"));
  }

  @ParameterizedTest
  @MethodSource
  void casts(String expression, String expected) throws Exception {
    assertEquals("select " + expected, normalize("select " + expression).text());
  }

  /**
   * Clients that bind parameters into the text (pgx's simple protocol) quote counts: PostgreSQL
   * reads {@code LIMIT '20'} as a bigint, Calcite only a number.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "limit '20'|limit 20",
      "limit  '20'  offset '5'|limit  20  offset 5",
      "LIMIT ' 7\t' OFFSET '+0'|LIMIT 7 OFFSET 0",
      "limit E'3'|limit 3",
      "limit $$4$$|limit 4",
      "offset '007'|offset 7",
      // PostgreSQL refuses these itself, or reads them otherwise: they stay strings.
      "limit '-1'|limit '-1'",
      "limit '2e1'|limit '2e1'",
      "limit '1 1'|limit '1 1'",
      "limit '99999999999999999999'|limit '99999999999999999999'",
      "limit '20'::int|limit CAST('20' AS int)",
      "limit ''|limit ''"})
  void quotedRowCountsBecomeNumbers(String clause, String expected) throws Exception {
    assertEquals("select a from t where b = '20' " + expected,
        normalize("select a from t where b = '20' " + clause).text());
  }

  @Test
  void intervals() throws Exception {
    assertEquals("select CAST( '1 day' AS \"interval\"), interval '1' day, interval '1' year to month,"
            + " \"interval\"",
        normalize("select interval '1 day', interval '1' day, interval '1' year to month,"
            + " interval").text());
  }

  @Test
  void timeUnitAndDatetimeWordsUsedAsNamesAreQuoted() throws Exception {
    assertEquals("select \"day\", extract(day from \"day\"), date_trunc('day', \"day\"),"
            + " \"date\", date '2020-01-01', \"timestamp\", CAST('2020-01-01' AS timestamp(3)),"
            + " \"time\"",
        normalize("select day, extract(day from day), date_trunc('day', day), date,"
            + " date '2020-01-01', timestamp, timestamp(3) '2020-01-01', time")
            .text());
  }

  @Test
  void parametersKeepTheirNumbersInOrder() throws Exception {
    NormalizedText text = normalize("select $2, '$1', $1, $2 -- $3");
    assertEquals("select ?, '$1', ?, ?  ", text.text());
    assertEquals(List.of(2, 1, 2), text.parameterNumbers());
  }

  @Test
  void commentsAndNonAsciiIdentifiers() throws Exception {
    assertEquals("select \"Ünï\", \"ABC\"  ,   x",
        normalize("select Ünï, \"ABC\" /* c /* d */ */, -- e\n x").text().replace("\n", ""));
  }

  @Test
  void longIdentifiersAreTruncated() throws Exception {
    assertEquals("select \"" + "a".repeat(63) + "\"",
        normalize("select " + "A".repeat(70)).text());
  }

  @Test
  void questionMarkOperatorsAreNotSupported() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> normalize("select j ? 'k', j ?| array['a']"));
    assertEquals("0A000", refusal.sqlState());
  }

  static Stream<Arguments> clientCatalogConstructs() {
    return Stream.of(
        arguments("a OPERATOR(pg_catalog.~) b", "a ~ b"),
        arguments("a operator ( \"pg_catalog\" . !~* ) b", "a !~* b"),
        arguments("a OPERATOR(~~) b", "a ~~ b"),
        arguments("a COLLATE pg_catalog.default", "meshgate$collate(a , 'pg_catalog', 'default')"),
        arguments("'x' collate \"C\"", "meshgate$collate('x' , 'C')"),
        arguments("f(x)::text COLLATE \"C\"", "meshgate$collate(CAST(f(x) AS text) , 'C')"),
        arguments("* from pg_catalog.f(x) with ordinality as a(b, c)",
            "* from TABLE(meshgate$with_ordinality(pg_catalog.\"f\"(x) )) as a(b, c)"),
        arguments("* from unnest(x) with ordinality", "* from unnest(x) with ordinality"),
        // LATERAL before a function is PostgreSQL's noise word; JOIN f(...) is a FROM function too
        arguments("* from t cross join lateral f(g(t.x)) e", "* from t cross join TABLE( f(g(t.\"x\"))) e"),
        arguments("* from t left join lateral f(1) with ordinality e on true",
            "* from t left join TABLE( meshgate$with_ordinality(f(1) )) e on true"),
        arguments("* from t, lateral unnest(t.a) u", "* from t, unnest(t.\"a\") u"),
        arguments("* from t join s.f(1) e on true", "* from t join TABLE(s.\"f\"(1)) e on true"),
        arguments("* from t join lateral (select 1) e on true", "* from t join lateral (select 1) e on true"),
        arguments("* from t join u on true", "* from t join u on true"),
        arguments("c.relname, pg_catalog.unnest(x), t.select", "c.\"relname\", pg_catalog.\"unnest\"(x), t.\"select\""),
        arguments("operator from t", "operator from t"));
  }

  @ParameterizedTest
  @MethodSource
  void clientCatalogConstructs(String expression, String expected) throws Exception {
    // whitespace is kept from the client's text where tokens are dropped; only the tokens matter
    assertEquals("select " + expected,
        normalize("select " + expression).text().replaceAll("\\s+", " "));
  }

  /** Calcite reads UNNEST only as a FROM item: elsewhere the name is quoted, so it is read as a call. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      select unnest(a), b from t                          | select "unnest"(a), b from t
      select b, unnest(a) from t                          | select b, "unnest"(a) from t
      select f(b, unnest(a)) from t                       | select f(b, "unnest"(a)) from t
      select distinct on (b) b, unnest(a) from t          | select distinct meshgate$distinct_on (b), b, "unnest"(a) from t
      update t set a = 1, b = unnest(c)                   | update t set a = 1, b = "unnest"(c)
      select * from unnest(a) u                           | select * from unnest(a) u
      select * from t, unnest(t.a) u                      | select * from t, unnest(t."a") u
      select * from t as x(a, b), unnest(x.a) u           | select * from t as x(a, b), unnest(x."a") u
      select * from t join s on t.a = s.a, unnest(t.a) u  | select * from t join s on t."a" = s."a", unnest(t."a") u
      delete from t using unnest(a) u where t.b = u       | delete from t using unnest(a) u where t."b" = u
      select unnest                                      | select unnest
      """)
  void unnestIsACallWhereNoFromItemStarts(String sql, String expected) throws Exception {
    assertEquals(expected, normalize(sql).text().replaceAll("\\s+", " "));
  }

  /**
   * A function item of a query's FROM list is read as TABLE(f(...)), as after JOIN, since Calcite
   * refuses a bare call whose first argument is a call; FROM inside a call's parentheses is not
   * a FROM list.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      select * from f(g(1)) a                       | select * from TABLE(f(g(1))) a
      select * from t, s.f(g(t.a)) a                | select * from t, TABLE(s."f"(g(t."a"))) a
      select (select x from f(g(1)) x)              | select (select x from TABLE(f(g(1))) x)
      select * from f(1) as a(b int)                | select * from TABLE(f(1)) as a("b" )
      select * from t join f(g(1)) a on true        | select * from t join TABLE(f(g(1))) a on true
      select extract(year from f(d)) from t         | select extract(year from f(d)) from t
      select substring(a from f(b)) from t          | select substring(a from f(b)) from t
      select * from unnest(f(a)) u                  | select * from unnest(f(a)) u
      update t set a = 1 from f(g(1)) x             | update t set a = 1 from f(g(1)) x
      select a is distinct from f(g(b)) from t      | select a is distinct from f(g(b)) from t
      select * from t where a is not distinct from f(g(1)) | select * from t where a is not distinct from f(g(1))
      select a is distinct from b, f(g(1)) from t   | select a is distinct from b, f(g(1)) from t
      select * from t, f(g(t.a is distinct from 1)) | select * from t, TABLE(f(g(t."a" is distinct from 1)))
      """)
  void functionItemsOfAFromListAreTableCalls(String sql, String expected) throws Exception {
    assertEquals(expected, normalize(sql).text().replaceAll("\\s+", " "));
  }

  /** After a select list item's AS, PostgreSQL takes any keyword as the name; Calcite does not. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      select a as table, b as select from t         | select a as "table", b as "select" from t
      select (select 1 as update) as delete         | select (select 1 as "update") as "delete"
      select 1 as from from t                       | select 1 as "from" from t
      select cast(a as table) from t                | select cast(a as table) from t
      select * from t as table                      | select * from t as table
      with table as (select 1) select 1             | with table as (select 1) select 1
      select a as table b from t                    | select a as table b from t
      """)
  void keywordsNamingSelectListItemsAreQuoted(String sql, String expected) throws Exception {
    assertEquals(expected, normalize(sql).text().replaceAll("\\s+", " "));
  }

  @Test
  void markerNamesAreReservedForTheNormalizer() {
    for (String sql : List.of("select meshgate$collate(1, 'C')", "select \"meshgate$with_ordinality\"(f(1))")) {
      assertEquals("42601", assertThrows(SqlRefusal.class, () -> normalize(sql)).sqlState());
    }
  }

  @Test
  void positionsMapBackToTheClientsText() throws Exception {
    NormalizedText text = normalize("select E'\\n', x::int,\n  interval '1 day' bad");
    int normalizedOffset = text.text().indexOf("bad");
    assertEquals("line 2, column 20", text.describeOriginalPosition(normalizedOffset));
  }

  @Test
  void operatorsCalciteLacksBecomeCarriersRememberedByOffset() throws Exception {
    NormalizedText text =
        normalize("select a->>'k' || '||', x::jsonb #> '{k}', b @> c, d <@ e, f -> 0, g #>> h");
    assertEquals("select a||'k' || '||', CAST(x AS jsonb) || '{k}', b || c, d || e, f || 0, g || h",
        text.text());
    // the carriers, by offset; the client's || and the one inside a string are not among them
    assertEquals(Map.of(8, "->>", 40, "#>", 52, "@>", 60, "<@", 68, "->", 76, "#>>"),
        text.carriedOperators());
    NormalizedText more = normalize("select a&&b, c-|-d, e @@ f, g#-h, i | j # k, l >>= m, n<->o");
    assertEquals("select a||b, c||d, e || f, g||h, i || j || k, l || m, n||o", more.text());
    assertEquals(Map.of(8, "&&", 14, "-|-", 21, "@@", 28, "#-", 35, "|", 40, "#", 48, ">>=",
        55, "<->"), more.carriedOperators());
  }

  @Test
  void atTimeZoneIsCarriedAndAtLocalRefused() throws Exception {
    NormalizedText text = normalize("select at at time /* c */ zone 'UTC', t.at AT TIME ZONE z");
    assertEquals("select at ||       'UTC', t.\"at\" ||     z", text.text());
    assertEquals(Map.of(10, "AT TIME ZONE", 33, "AT TIME ZONE"), text.carriedOperators());
    SqlRefusal refusal =
        assertThrows(SqlRefusal.class, () -> normalize("select x at local"));
    assertEquals("0A000", refusal.sqlState());
  }

  @Test
  void theQuestionMarkOperatorsAreNotCarried() {
    for (String operator : List.of("?", "?|", "?&", "@?", "?#", "?-|")) {
      SqlRefusal refusal =
          assertThrows(SqlRefusal.class, () -> normalize("select a " + operator + " b"), operator);
      assertEquals("0A000", refusal.sqlState(), operator);
    }
  }
}
