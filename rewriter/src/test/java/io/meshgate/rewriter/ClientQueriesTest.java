package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.lexer.StatementSplitter;
import io.meshgate.rewriter.lexer.StatementText;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalog query in the client fixtures is analysed as a catalog read that needs no
 * decision, and what Meshgate forwards (the unparsed tree) analyses to itself again.
 * ClientQueriesIT checks on a real PostgreSQL that it returns what the client's text returns.
 */
class ClientQueriesTest {
  private static final List<String> SEARCH_PATH = List.of("$user", "public");

  private final StatementAnalyzer analyzer =
      new StatementAnalyzer(ClientQueryFixture.catalogWithSystemRelations(), DemoCatalog.DATABASE);

  static List<ClientQueryFixture> fixtures() {
    return ClientQueryFixture.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void passesAsACatalogReadWithoutDecision(ClientQueryFixture fixture) throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(fixture.sql(), SEARCH_PATH);
    assertEquals(StatementKind.SELECT, statement.kind());
    assertFalse(statement.requiresDecision(), fixture.name());
    assertEquals(List.of(), statement.relations());
    String forwarded = statement.passthroughSql();
    assertEquals(forwarded, analyzer.analyze(forwarded, SEARCH_PATH).passthroughSql(),
        "the forwarded SQL of " + fixture.name() + " does not analyse to itself");
  }

  @Test
  void theFixturesCoverWhatClientsSend() {
    List<String> names = fixtures().stream().map(ClientQueryFixture::name).toList();
    for (String required : List.of("psql15-dt", "psql15-dt-sales", "psql15-d-sales-store-transactions-01",
        "psql15-dn", "psql15-df", "psql15-l", "psql15-du", "pgjdbc-get-tables-sales",
        "pgjdbc-get-columns-02", "pgjdbc-get-schemas", "pgjdbc-get-primary-keys",
        "dbeaver-connect-07", "dbeaver-navigator-sales-01", "dbeaver-navigator-sales-03",
        "dbeaver-navigator-sales-04", "pgadmin-tables-nodes", "pgadmin-columns-properties",
        "npgsql-load-types", "asyncpg-introspect-types-02", "metabase-describe-fields",
        "metabase-table-privileges", "grafana-tables", "grafana-columns-sales-stores",
        "psqlodbc-sqlcolumns-sales-stores", "psqlodbc-sqlprimarykeys-sales-stores")) {
      assertTrue(names.contains(required), "missing fixture " + required);
    }
    assertTrue(fixtures().stream().anyMatch(fixture -> fixture.sql().contains("OPERATOR(pg_catalog.~)")));
    assertTrue(fixtures().stream().anyMatch(fixture -> fixture.sql().contains("WITH ORDINALITY")));
    assertTrue(fixtures().stream().anyMatch(fixture -> fixture.sql().contains("operator(pg_catalog.=)")));
  }

  /**
   * Npgsql sends its type loading on connect as one simple Query, after SELECT version(), each
   * statement ending in a semicolon and some opening with a comment; the proxy splits it and
   * each part passes on its own.
   */
  @Test
  void npgsqlsConnectBatchSplitsIntoCatalogReads() throws Exception {
    StringBuilder batch = new StringBuilder("SELECT version();\n");
    for (String name : List.of("npgsql-load-types", "npgsql-load-composite-types", "npgsql-load-enum-fields")) {
      String sql = fixtures().stream().filter(fixture -> fixture.name().equals(name)).findFirst().orElseThrow().sql();
      batch.append(sql.lines().filter(line -> !line.startsWith("-- Npgsql")).collect(Collectors.joining("\n")))
          .append(";\n");
    }
    List<StatementText> parts = StatementSplitter.split(batch.toString());
    assertEquals(4, parts.size());
    for (StatementText part : parts) {
      AnalyzedStatement statement = analyzer.analyze(part.alone().query(), SEARCH_PATH);
      assertFalse(statement.requiresDecision(), part.query());
      assertEquals(List.of(), statement.relations());
    }
  }

  /** A function written TABLE(f(...)) for Calcite (Grafana's FROM list) still meets the allowlist. */
  @Test
  void functionsOfAFromListStayOnTheAllowlist() {
    for (String sql : List.of("SELECT * FROM pg_class c, pg_read_file(concat('/etc/', 'passwd')) f",
        "SELECT f AS table FROM pg_ls_dir(concat('/', 'tmp')) f")) {
      assertEquals("42501", org.junit.jupiter.api.Assertions.assertThrows(SqlRefusal.class,
          () -> analyzer.analyze(sql, SEARCH_PATH)).sqlState(), sql);
    }
  }

  @Test
  void valueExposingCatalogViewsStayRefusedInClientStyleQueries() {
    SqlRefusal refusal = org.junit.jupiter.api.Assertions.assertThrows(SqlRefusal.class,
        () -> analyzer.analyze("SELECT s.most_common_vals FROM pg_catalog.pg_stats s"
            + " WHERE s.tablename OPERATOR(pg_catalog.~) '^(stores)$' COLLATE pg_catalog.default",
            SEARCH_PATH));
    assertEquals("42501", refusal.sqlState());
    // in the shapes the new pre-processing reads: a FROM list function and a keyword label
    for (String sql : List.of(
        "SELECT s.most_common_vals AS table FROM generate_series(abs(1), 2) AS i, pg_stats s",
        "SELECT s.stavalues1 AS select FROM pg_catalog.pg_statistic s",
        "SELECT \"substring\"(q.query, 1) FROM generate_series(abs(1), 2) i, pg_stat_activity q")) {
      assertEquals("42501", org.junit.jupiter.api.Assertions.assertThrows(SqlRefusal.class,
          () -> analyzer.analyze(sql, SEARCH_PATH)).sqlState(), sql);
    }
  }
}
