package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshgate.policy.Decision;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Literals and common PostgreSQL constructs come out as valid PostgreSQL with the same
 * meaning (the expected texts were run against PostgreSQL 15 with
 * standard_conforming_strings on while writing these tests).
 */
class RoundTripTest {
  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private String passthrough(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).passthroughSql();
  }

  static Stream<Arguments> literals() {
    return Stream.of(
        arguments("select 'it''s'", "SELECT 'it''s'"),
        arguments("select 'back\\slash'", "SELECT 'back\\slash'"),
        arguments("select 'héllo wörld'", "SELECT 'héllo wörld'"),
        arguments("select '😀 emoji'", "SELECT '😀 emoji'"),
        arguments("select E'a\\nb'", "SELECT 'a\nb'"),
        arguments("select e'tab\\there \\\\ \\' ok'", "SELECT 'tab\there \\ '' ok'"),
        arguments("select E'\\u00e9\\U0001F600\\x41\\101\\z'", "SELECT 'é😀AAz'"),
        arguments("select E'\\xC3\\xA9'", "SELECT 'é'"),
        arguments("select E'\\uD83D\\uDE00'", "SELECT '😀'"),
        arguments("select U&'d\\0061t\\+000061'", "SELECT 'data'"),
        arguments("select U&'d!0061t!!' UESCAPE '!'", "SELECT 'dat!'"),
        arguments("select $$it's $ \\ fine$$", "SELECT 'it''s $ \\ fine'"),
        arguments("select $tag$a$$b$tag$", "SELECT 'a$$b'"),
        arguments("select 'con'\n  -- comment\n  'tinued'", "SELECT 'continued'"),
        arguments("select E'a'\n'\\n'", "SELECT 'a\n'"),
        arguments("select N'national'", "SELECT CAST('national' AS \"bpchar\")"),
        arguments("select B'1010'", "SELECT B'1010'"),
        arguments("select ''", "SELECT ''"),
        arguments("select 'a' || 'b'", "SELECT ('a' || 'b')"),
        arguments("select '1 day'::interval", "SELECT CAST('1 day' AS \"interval\")"));
  }

  @ParameterizedTest
  @MethodSource
  void literals(String sql, String expected) throws SqlRefusal {
    assertEquals(expected, passthrough(sql));
  }

  static Stream<Arguments> constructs() {
    return Stream.of(
        arguments("select x::text, x::int, '2024-01-01'::date, x::numeric(10,2)"
                + " from generate_series(1, 2) as g(x)",
            "SELECT CAST(\"x\" AS \"text\"), CAST(\"x\" AS INTEGER), CAST('2024-01-01' AS DATE),"
                + " CAST(\"x\" AS DECIMAL(10, 2)) FROM generate_series(1, 2) AS \"g\" (\"x\")"),
        arguments("select (1 + 2)::text, 'a' || 2::text, -1::int, 1::int::text, '{1}'::int[]",
            "SELECT CAST((1 + 2) AS \"text\"), ('a' || CAST(2 AS \"text\")), (- CAST(1 AS INTEGER)),"
                + " CAST(CAST(1 AS INTEGER) AS \"text\"), CAST('{1}' AS INTEGER ARRAY)"),
        arguments("select 1::double precision, now()::timestamp with time zone,"
                + " 'x'::character varying(5)",
            "SELECT CAST(1 AS double precision), CAST(now() AS TIMESTAMP WITH TIME ZONE),"
                + " CAST('x' AS VARCHAR(5))"),
        arguments("select relname from pg_class where relname ilike 'pg%' limit 10 offset 5",
            "SELECT \"relname\" FROM \"pg_catalog\".\"pg_class\" WHERE (\"relname\" ILIKE 'pg%') LIMIT 10 OFFSET 5"),
        arguments("select count(*), count(distinct relname) from pg_class",
            "SELECT count(*), count(DISTINCT \"relname\") FROM \"pg_catalog\".\"pg_class\""),
        arguments("select date_trunc('month', now()), extract(year from now()), now(), current_date",
            "SELECT (DATE_TRUNC('month', now())), EXTRACT(YEAR FROM now()), now(), CURRENT_DATE"),
        arguments("select interval '1 day', now() - interval '7 days', interval '2' hour",
            "SELECT CAST('1 day' AS \"interval\"), (now() - CAST('7 days' AS \"interval\")),"
                + " INTERVAL '2' HOUR"),
        arguments("select case when 1 > 0 then 'a' else 'b' end, coalesce(null, 1), 1 in (1, 2),"
                + " 2 between 1 and 3",
            "SELECT (CASE WHEN (1 > 0) THEN 'a' ELSE 'b' END), coalesce(NULL, 1), (1 IN (1, 2)),"
                + " (2 BETWEEN ASYMMETRIC 1 AND 3)"),
        arguments("select relname, row_number() over (partition by relnamespace order by relname"
                + " desc) from pg_class",
            "SELECT \"relname\", (row_number() OVER (PARTITION BY \"relnamespace\" ORDER BY"
                + " \"relname\" DESC)) FROM \"pg_catalog\".\"pg_class\""),
        arguments("select relnamespace, count(*) from pg_class group by 1 order by 2 desc nulls last",
            "SELECT \"relnamespace\", count(*) FROM \"pg_catalog\".\"pg_class\" GROUP BY 1 ORDER BY 2 DESC NULLS LAST"),
        arguments("select greatest(1, 2), least(1, 2), left('abc', 1), right('abc', 1), nullif(1, 2)",
            "SELECT greatest(1, 2), least(1, 2), left('abc', 1), right('abc', 1), nullif(1, 2)"),
        arguments("select 'n=' || 1 + 2, 'x' || 2 * 3, (1 + 2) * 3, 2 ^ 3 * 2, 'a' ~ ('^' || 'b')",
            "SELECT ('n=' || (1 + 2)), ('x' || (2 * 3)), ((1 + 2) * 3), ((2 ^ 3) * 2),"
                + " ('a' ~ ('^' || 'b'))"),
        arguments("select $1::int, $2, $1", "SELECT CAST($1 AS INTEGER), $2, $1"),
        arguments("select (current_schemas(false))[1], (array[1, 2])[2]",
            "SELECT (current_schemas(FALSE))[1], ((ARRAY[1, 2]))[2]"),
        arguments("select timestamp(3) '2020-01-01 10:00:00.12345', date '2020-01-01'",
            "SELECT CAST('2020-01-01 10:00:00.12345' AS TIMESTAMP(3)), DATE '2020-01-01'"),
        arguments("select 1 as \"MixedCase\", 2 as Ünïcode, 3 as ABC",
            "SELECT 1 AS \"MixedCase\", 2 AS \"Ünïcode\", 3 AS \"abc\""));
  }

  @ParameterizedTest
  @MethodSource
  void constructs(String sql, String expected) throws SqlRefusal {
    assertEquals(expected, passthrough(sql));
  }

  static Stream<Arguments> clientCatalogConstructs() {
    return Stream.of(
        // OPERATOR(pg_catalog.op) is the plain operator; POSIX regular expressions survive
        arguments("select relname from pg_class where relname OPERATOR(pg_catalog.~) '^a'"
                + " and relname operator ( \"pg_catalog\" . !~* ) 'b' or relname OPERATOR(~*) 'c'"
                + " or relname operator(pg_catalog.!~) 'd'",
            "SELECT \"relname\" FROM \"pg_catalog\".\"pg_class\" WHERE ((((\"relname\" ~ '^a')"
                + " AND (\"relname\" !~* 'b')) OR (\"relname\" ~* 'c')) OR (\"relname\" !~ 'd'))"),
        // COLLATE keeps its collation and binds to the operand just before it
        arguments("select 1 from pg_class c where c.relname OPERATOR(pg_catalog.~) '^(x)$'"
                + " COLLATE pg_catalog.default",
            "SELECT 1 FROM \"pg_catalog\".\"pg_class\" AS \"c\" WHERE (\"c\".\"relname\" ~"
                + " ('^(x)$' COLLATE \"pg_catalog\".\"default\"))"),
        arguments("select 'a' collate \"C\" || 'b', x::text collate \"C\"::text, 'é' COLLATE \"fr_FR\""
                + " from generate_series(1, 2) x",
            "SELECT (('a' COLLATE \"C\") || 'b'), CAST((CAST(\"x\" AS \"text\") COLLATE \"C\") AS"
                + " \"text\"), ('é' COLLATE \"fr_FR\") FROM generate_series(1, 2) AS \"x\""),
        // a function in FROM WITH ORDINALITY, and unnest's own
        arguments("select a.depth from pg_catalog.pg_partition_ancestors(1) WITH ORDINALITY AS"
                + " a(relid, depth), unnest(array[1]) with ordinality as u(v, n)",
            "SELECT \"a\".\"depth\" FROM pg_catalog.pg_partition_ancestors(1) WITH ORDINALITY AS"
                + " \"a\" (\"relid\", \"depth\"), UNNEST((ARRAY[1])) WITH ORDINALITY AS \"u\" (\"v\","
                + " \"n\")"),
        // a keyword after a dot is a name: pg_catalog.unnest, pgjdbc's (f(x)).n
        arguments("select x from pg_catalog.unnest(array['a']) x",
            "SELECT \"x\" FROM pg_catalog.unnest((ARRAY['a'])) AS \"x\""),
        arguments("select (information_schema._pg_expandarray(array[3])).n",
            "SELECT ((information_schema._pg_expandarray((ARRAY[3]))).\"n\")"),
        // a subquery with LIMIT inside CASE or a function call keeps its parentheses
        arguments("select case when true then (select relname from pg_class order by 1 limit 1) end,"
                + " coalesce((select 1 from pg_class limit 1), 0)",
            "SELECT (CASE WHEN TRUE THEN (SELECT \"relname\" FROM \"pg_catalog\".\"pg_class\" ORDER"
                + " BY 1 LIMIT 1) ELSE NULL END), coalesce((SELECT 1 FROM \"pg_catalog\".\"pg_class\""
                + " LIMIT 1), 0)"),
        // OPERATOR(pg_catalog.=) and its kin keep their spelling and the "any other" level (psqlODBC)
        arguments("select 1 OPERATOR(pg_catalog.+) 2 * 3, 1 + 2 OPERATOR(pg_catalog.*) 3,"
                + " 1 OPERATOR(pg_catalog.<) 2 = true, 'a' like 'b' operator(pg_catalog.=) 'c'",
            "SELECT (1 OPERATOR(PG_CATALOG.+) (2 * 3)), ((1 + 2) OPERATOR(PG_CATALOG.*) 3),"
                + " ((1 OPERATOR(PG_CATALOG.<) 2) = TRUE), ('a' LIKE ('b' OPERATOR(PG_CATALOG.=) 'c'))"),
        // DBeaver's quoted "substring"(...) stays a quoted call; the keyword form stays Calcite's
        arguments("select \"substring\"(relname, 7), substring(relname, 7) from pg_class",
            "SELECT \"substring\"(\"relname\", 7), SUBSTRING(\"relname\", 7) FROM"
                + " \"pg_catalog\".\"pg_class\""),
        // Grafana's FROM generate_series(array_lower(...), ...) and Metabase's AS table
        arguments("select i as table from generate_series(array_lower(array[1], 1), 2) as i",
            "SELECT \"i\" AS \"table\" FROM generate_series(array_lower((ARRAY[1]), 1), 2) AS \"i\""));
  }

  @ParameterizedTest
  @MethodSource
  void clientCatalogConstructs(String sql, String expected) throws SqlRefusal {
    String forwarded = passthrough(sql);
    assertEquals(expected, forwarded);
    assertEquals(forwarded, passthrough(forwarded), "the output must analyse to itself");
  }

  @Test
  void aColumnCalledDayStaysAColumn() throws SqlRefusal {
    // Calcite would read day as its DAY time unit inside date_trunc
    String rewritten = analyzer.analyze(
            "select date_trunc('day', day), extract(day from day), day from weather.daily_temperatures",
            DemoCatalog.SEARCH_PATH)
        .rewrite(Decisions.allow().build());
    String expected =
        "SELECT (DATE_TRUNC('day', \"day\")), EXTRACT(DAY FROM \"day\"), \"day\" FROM (SELECT";
    assertEquals(expected, rewritten.substring(0, expected.length()));
  }

  @Test
  void rewrittenSqlAnalysesToTheSameSqlAgain() throws SqlRefusal {
    Decision decision = Decisions.allow().build();
    String once = analyzer.analyze(
        "select 'it''s' || E'\\n' || zip_code, day::text, interval '1 day'"
            + " from sales.stores s join weather.daily_temperatures w using (zip_code)",
        DemoCatalog.SEARCH_PATH).rewrite(decision);
    String twice = analyzer.analyze(once, DemoCatalog.SEARCH_PATH).rewrite(decision);
    // the second pass wraps the base tables of the derived tables again; nothing else changes
    assertEquals(
        once.replace("FROM \"sales\".\"stores\")", "FROM (SELECT \"store_id\", \"zip_code\","
                + " \"region\" FROM \"sales\".\"stores\") AS \"stores\")")
            .replace("FROM \"weather\".\"daily_temperatures\")", "FROM (SELECT \"zip_code\","
                + " \"day\", \"min_temp\", \"max_temp\", \"avg_temp\" FROM"
                + " \"weather\".\"daily_temperatures\") AS \"daily_temperatures\")"),
        twice);
  }
}
