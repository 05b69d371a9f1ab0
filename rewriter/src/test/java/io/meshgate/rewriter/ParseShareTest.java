package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How much real SQL the rewriter understands: every statement of the client matrix, of the
 * client-queries fixtures (psql and pgjdbc catalog queries) and of TPC-H goes through the
 * analyzer and, when governed, a rewrite; the shares are written to
 * {@code target/parse-share.md} and are what rewriter/README.md reports ("What SQL Meshgate
 * understands"). The per-construct decisions of that section are pinned below.
 */
class ParseShareTest {
  private static final List<String> SEARCH_PATH = List.of("$user", "public");

  /** One statement's fate. */
  record Outcome(String corpus, String name, String result) {
    Outcome {
      Objects.requireNonNull(corpus, "corpus is null");
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(result, "result is null");
    }

    boolean understood() {
      return result.equals(GOVERNED) || result.equals(PASSES);
    }
  }

  static final String GOVERNED = "governed";
  static final String PASSES = "passes without a decision";

  private static DemoCatalog meshCatalog() {
    return TpchWorkload.catalog().add("weather", "stations_raw", "station_id", "text", "zip_code", "text",
        "observed_at", "timestamp without time zone", "temperature_c", "double precision", "humidity",
        "double precision", "raw_payload", "text")
        .add("weather", "hourly_temperatures", "zip_code", "text", "hour", "timestamp without time zone",
            "min_temp", "double precision", "max_temp", "double precision", "avg_temp", "double precision");
  }

  /** What the analyzer makes of {@code sql}: governed (and rewritten), passed as is, or refused with a SQLSTATE. */
  static String outcome(StatementAnalyzer analyzer, String sql, List<String> searchPath) {
    try {
      AnalyzedStatement statement = analyzer.analyze(sql, searchPath);
      if (!statement.requiresDecision()) {
        statement.passthroughSql();
        return PASSES;
      }
      statement.rewrite(Decisions.allow().build());
      return GOVERNED;
    } catch (SqlRefusal refusal) {
      return "refused " + refusal.sqlState();
    }
  }

  @Test
  void writesTheParseShareOfTheClientMatrixBiToolsTheClientQueriesAndTpch() throws IOException {
    StatementAnalyzer mesh = new StatementAnalyzer(meshCatalog(), DemoCatalog.DATABASE);
    StatementAnalyzer clientQueries =
        new StatementAnalyzer(ClientQueryFixture.catalogWithSystemRelations(), DemoCatalog.DATABASE);
    List<Outcome> outcomes = new ArrayList<>();
    List<String> matrix = statements("client-matrix.sql");
    for (int i = 0; i < matrix.size(); i++) {
      outcomes.add(new Outcome("client matrix", "statement " + (i + 1), outcome(mesh, matrix.get(i), SEARCH_PATH)));
    }
    List<String> biTools = statements("bi-tools.sql");
    for (int i = 0; i < biTools.size(); i++) {
      outcomes.add(new Outcome("BI tools", "statement " + (i + 1), outcome(mesh, biTools.get(i), SEARCH_PATH)));
    }
    for (ClientQueryFixture fixture : ClientQueryFixture.all()) {
      outcomes.add(new Outcome("client catalog queries (9 clients)", fixture.name(),
          outcome(clientQueries, fixture.sql(), SEARCH_PATH)));
    }
    for (TpchWorkload.Query query : TpchWorkload.queries()) {
      outcomes.add(new Outcome("TPC-H", query.name(), outcome(mesh, query.sql(), TpchWorkload.SEARCH_PATH)));
    }
    String report = report(outcomes);
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("parse-share.md"), report, StandardCharsets.UTF_8);
    System.out.print(report);

    assertEquals(List.of(), outcomes.stream().filter(outcome -> !outcome.understood()).toList());
    assertEquals(matrix.size() + biTools.size() + ClientQueryFixture.all().size() + TpchWorkload.QUERY_COUNT,
        outcomes.size());
    assertTrue(matrix.size() >= 52, "the client matrix list lost statements: " + matrix.size());
    assertTrue(biTools.size() >= 48, "the BI tools list lost statements: " + biTools.size());
  }

  /**
   * The decision for each construct Calcite's Babel parser lacks, as rewriter/README.md states
   * it: pre-processed (understood), or refused with the SQLSTATE shown. A change here must
   * change that table.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      $n parameters              | SELECT store_id FROM sales.stores WHERE store_id = $1 AND zip_code <> $1::text | governed
      dollar-quoted string       | SELECT $$it's$$ AS a, $tag$x$tag$ AS b FROM sales.stores                        | governed
      OPERATOR(pg_catalog.~)     | SELECT store_id FROM sales.stores WHERE zip_code OPERATOR(pg_catalog.~) '^1'    | governed
      OPERATOR(pg_catalog.+)     | SELECT store_id OPERATOR(pg_catalog.+) 1 FROM sales.stores WHERE store_id OPERATOR(pg_catalog.=) 1 | governed
      OPERATOR(=)                | SELECT store_id FROM sales.stores WHERE store_id OPERATOR(=) 1                  | refused 0A000
      COLLATE                    | SELECT zip_code FROM sales.stores ORDER BY zip_code COLLATE "C"                 | governed
      :: casts                   | SELECT store_id::text, '1'::int FROM sales.stores                               | governed
      E'' strings                | SELECT E'a\\nb' AS s FROM sales.stores                                          | governed
      B'' bit strings, N'' strings | SELECT B'101' AS b, N'x' AS n FROM sales.stores WHERE b'1' = B'1'            | governed
      ILIKE                      | SELECT store_id FROM sales.stores WHERE zip_code ILIKE '1%'                     | governed
      = ANY(ARRAY[...])          | SELECT store_id FROM sales.stores WHERE store_id = ANY(ARRAY[1, 2])             | governed
      LIKE ANY / SOME / ALL      | SELECT store_id FROM sales.stores WHERE zip_code LIKE ANY (ARRAY['1%', '2%']) AND zip_code NOT ILIKE ALL ('{a%}') AND region LIKE SOME (ARRAY['E%']) | governed
      LIKE ANY (SELECT ...)      | SELECT store_id FROM sales.stores WHERE zip_code LIKE ANY (SELECT zip_code FROM sales.stores) | refused 42601
      SIMILAR TO ANY             | SELECT store_id FROM sales.stores WHERE zip_code SIMILAR TO ANY (ARRAY['1%'])   | refused 42601
      DISTINCT ON                | SELECT DISTINCT ON (region) region, store_id FROM sales.stores ORDER BY region   | governed
      ->> on jsonb               | SELECT '{"a": 1}'::jsonb ->> 'a' AS a FROM sales.stores                          | governed
      -> #> #>> @> <@            | SELECT j -> 'a', j #> '{a}', j #>> '{a}' FROM (SELECT '{}'::jsonb AS j FROM sales.stores) s WHERE j @> '{}' AND ARRAY[1] <@ ARRAY[1, 2] | governed
      && @@ #-                   | SELECT ARRAY[1] && ARRAY[2], to_tsvector(zip_code) @@ to_tsquery('a'), '{}'::jsonb #- '{a}' FROM sales.stores | governed
      "-|- &< &> >> <<| |>> <<= >>=" | "SELECT r -|- r, r &< r, r &> r, r >> r, b <<| b, b |>> b, n <<= n, n >>= n FROM (SELECT int4range(1, 2) AS r, '((0,0),(1,1))'::box AS b, '10.0.0.1'::inet AS n FROM sales.stores) s" | governed
      "<-> ^@ | #"               | "SELECT b <-> b, zip_code ^@ '1', store_id | 1, store_id # 1 FROM (SELECT '((0,0),(1,1))'::box AS b, * FROM sales.stores) s" | governed
      @@ as a prefix operator    | SELECT @@ '((0,0),(1,1))'::box FROM sales.stores                               | refused 42601
      jsonb ? key                | SELECT '{"a": 1}'::jsonb ? 'a' AS a FROM sales.stores                            | refused 0A000
      RETURNING                  | DELETE FROM sales.stores WHERE store_id = 1 RETURNING store_id                  | governed
      INSERT ... ON CONFLICT     | INSERT INTO sales.stores VALUES (1, '1', 'EU') ON CONFLICT DO NOTHING            | governed
      ON CONFLICT DO UPDATE      | INSERT INTO sales.stores VALUES (1, '1', 'EU') ON CONFLICT (store_id) DO UPDATE SET zip_code = EXCLUDED.zip_code WHERE stores.zip_code <> '2' | governed
      DO UPDATE SET (a, b) = ... | INSERT INTO sales.stores VALUES (1, '1', 'EU') ON CONFLICT (store_id) DO UPDATE SET (zip_code, region) = ('2', 'EU') | refused 0A000
      DO UPDATE SET a = (SELECT) | INSERT INTO sales.stores VALUES (1, '1', 'EU') ON CONFLICT (store_id) DO UPDATE SET zip_code = (SELECT max(zip_code) FROM sales.stores) | refused 0A000
      TABLE t                    | TABLE sales.stores                                                              | governed
      ONLY t                     | SELECT * FROM ONLY sales.stores                                                 | governed
      TABLESAMPLE                | SELECT * FROM sales.stores TABLESAMPLE BERNOULLI (10) REPEATABLE (1)            | governed
      CROSS JOIN LATERAL f(...)  | SELECT * FROM sales.stores s CROSS JOIN LATERAL generate_series(1, s.store_id) g | governed
      LEFT JOIN LATERAL f() ON    | SELECT * FROM sales.stores s LEFT JOIN LATERAL jsonb_array_elements(jsonb_build_array(s.zip_code)) WITH ORDINALITY AS e(v, n) ON true | governed
      ", LATERAL f(...)"         | "SELECT g FROM sales.stores s, LATERAL generate_series(1, s.store_id) g"       | governed
      JOIN f(...) ON true        | SELECT * FROM sales.stores s JOIN regexp_matches(s.zip_code, '(.)') m ON true   | governed
      "FROM f(g(...)), f(g(...))" | "SELECT g FROM sales.stores s, generate_series(abs(1), s.store_id) g"        | governed
      AS table (keyword label)   | SELECT store_id AS table, zip_code AS select FROM sales.stores                  | governed
      quoted "substring"(...)    | SELECT "substring"(zip_code, 2) FROM sales.stores                               | governed
      ROWS FROM (...)            | SELECT * FROM sales.stores s, LATERAL ROWS FROM (generate_series(1, 2)) r      | refused 0A000
      column definition list     | SELECT * FROM sales.stores s, jsonb_to_recordset('[]') AS r(a int)            | governed
      FETCH ... WITH TIES        | SELECT * FROM sales.stores ORDER BY region FETCH FIRST 2 ROWS WITH TIES         | governed
      WITH TIES, count an expression | SELECT * FROM sales.stores ORDER BY region FETCH FIRST (1 + 1) ROWS WITH TIES | refused 0A000
      FOR UPDATE                 | SELECT store_id FROM sales.stores FOR UPDATE                                    | governed
      FOR UPDATE in a subquery   | SELECT * FROM (SELECT * FROM sales.stores FOR UPDATE) s                          | refused 0A000
      WITH ... AS MATERIALIZED   | WITH s AS MATERIALIZED (SELECT * FROM sales.stores) SELECT * FROM s             | governed
      AS NOT MATERIALIZED        | WITH s AS NOT MATERIALIZED (SELECT * FROM sales.stores) SELECT * FROM s         | governed
      typed literal text 'x'     | SELECT text 'x' AS t, numeric(5,2) '1.5' AS n FROM sales.stores WHERE zip_code > varchar '1' | governed
      typed literal of an array  | SELECT int[] '{1}' AS a FROM sales.stores                                       | refused 42601
      AT TIME ZONE               | SELECT observed_at AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Tokyo', now() AT TIME ZONE 'UTC' FROM weather.stations_raw | governed
      AT LOCAL                   | SELECT observed_at AT LOCAL FROM weather.stations_raw                           | refused 0A000
      CURRENT_TIMESTAMP(0)       | SELECT current_timestamp(0), localtimestamp(3), current_time(2), localtime(0) FROM sales.stores | governed
      OVERLAPS                   | SELECT (observed_at, observed_at + interval '1 day') OVERLAPS (DATE '2020-01-15', DATE '2020-03-01') FROM weather.stations_raw | governed
      array slices               | SELECT (ARRAY[store_id, 2])[1:2], (ARRAY[1])[2:], (ARRAY[1])[:1][1] FROM sales.stores | governed
      ROW(...)                   | SELECT ROW(store_id, zip_code), ROW(region) IS NULL FROM sales.stores WHERE ROW(store_id, region) = ROW(1, 'EU') | governed
      names Calcite reserves     | SELECT count(*) AS new, min(zip_code) AS pattern FROM sales.stores s, generate_series(1, 2) AS uuid | governed
      a reserved name before (   | SELECT 1 FROM sales.stores AS uuid(a, b, c)                                     | refused 42601
      set_config of jit          | SELECT current_setting('jit') AS cur, set_config('jit', 'off', false) AS new   | passes without a decision
      set_config of another setting | SELECT set_config('search_path', 'sales', false)                            | refused 42501
      GROUPING() of ROLLUP       | SELECT region, grouping(region) FROM sales.stores GROUP BY ROLLUP (region)      | governed
      SELECT INTO                | SELECT store_id INTO copied FROM sales.stores                                   | refused 42601
      data-modifying CTE         | WITH d AS (DELETE FROM sales.stores RETURNING *) SELECT * FROM d                 | refused 0A000
      several statements         | SELECT 1; SELECT 2                                                              | refused 42601
      """)
  void constructDecisionsHold(String construct, String sql, String expected) {
    StatementAnalyzer analyzer = new StatementAnalyzer(meshCatalog(), DemoCatalog.DATABASE);
    assertEquals(expected, outcome(analyzer, sql, SEARCH_PATH), construct);
  }

  private static String report(List<Outcome> outcomes) {
    Map<String, Map<String, Integer>> byCorpus = new LinkedHashMap<>();
    for (Outcome outcome : outcomes) {
      byCorpus.computeIfAbsent(outcome.corpus(), corpus -> new TreeMap<>()).merge(outcome.result(), 1, Integer::sum);
    }
    StringBuilder report = new StringBuilder("| statements | count | governed | pass without a decision | refused |\n"
        + "|---|---:|---:|---:|---|\n");
    for (Map.Entry<String, Map<String, Integer>> corpus : byCorpus.entrySet()) {
      Map<String, Integer> results = new TreeMap<>(corpus.getValue());
      int total = results.values().stream().mapToInt(Integer::intValue).sum();
      int governed = results.getOrDefault(GOVERNED, 0);
      int passes = results.getOrDefault(PASSES, 0);
      results.remove(GOVERNED);
      results.remove(PASSES);
      report.append(String.format("| %s | %d | %d | %d | %s |%n", corpus.getKey(), total, governed, passes,
          results.isEmpty() ? "0" : results.toString()));
    }
    return report.toString();
  }

  /** The entries of parse-share/{@code file}: statements ended by a line that is only ';'. */
  private static List<String> statements(String file) {
    String text;
    try (InputStream in = Objects.requireNonNull(ParseShareTest.class.getResourceAsStream(
        "/parse-share/" + file), "parse-share/" + file + " is missing")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.lines().toList()) {
      if (line.equals(";")) {
        statements.add(current.toString().strip());
        current.setLength(0);
      } else if (!line.startsWith("--")) {
        current.append(line).append('\n');
      }
    }
    return List.copyOf(statements);
  }
}
