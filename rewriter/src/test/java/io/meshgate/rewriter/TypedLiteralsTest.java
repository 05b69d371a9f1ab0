package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL's generic typed literal {@code type 'string'} is the cast {@code CAST('string' AS
 * type)} to PostgreSQL, and forwarded as that cast, its type read as after {@code ::}.
 */
class TypedLiteralsTest {
  private static final String STORES_DERIVED = "(SELECT \"store_id\", \"zip_code\", \"region\""
      + " FROM \"sales\".\"stores\" WHERE (\"region\" = 'EU') OFFSET 0) AS \"stores\"";
  private static final Decision EU_STORES = Decisions.allow()
      .filter("mesh.sales.stores", new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
      .build();

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  /** Each typed literal is forwarded as the cast {@code x::type} would be. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "text 'x'                   | CAST('x' AS \"text\")",
      "TEXT 'it''s'               | CAST('it''s' AS \"text\")",
      "int4 '1'                   | CAST('1' AS \"int4\")",
      "integer '1'                | CAST('1' AS INTEGER)",
      "bigint '9000000000'        | CAST('9000000000' AS BIGINT)",
      "numeric '1.5'              | CAST('1.5' AS DECIMAL)",
      "numeric(5,2) '1.555'       | CAST('1.555' AS DECIMAL(5, 2))",
      "jsonb '{\"a\": 1}'         | CAST('{\"a\": 1}' AS \"jsonb\")",
      "double precision '1.5'     | CAST('1.5' AS double precision)",
      "varchar(3) 'abcdef'        | CAST('abcdef' AS VARCHAR(3))",
      "character varying 'x'      | CAST('x' AS VARCHAR)",
      "boolean 't'                | CAST('t' AS BOOLEAN)",
      "bool 'yes'                 | CAST('yes' AS \"bool\")",
      "uuid 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' | CAST('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS UUID)",
      "pg_catalog.text 'x'        | CAST('x' AS \"pg_catalog\".\"text\")",
      "\"text\" 'x'               | CAST('x' AS \"text\")",
      "text E'a\\tb'              | CAST('a\tb' AS \"text\")",
      "text $$dollar$$            | CAST('dollar' AS \"text\")",
      "timestamptz '2024-01-02 03:04:05+00' | CAST('2024-01-02 03:04:05+00' AS \"timestamptz\")"})
  void typedLiteralsBecomeCasts(String literal, String cast) throws SqlRefusal {
    assertEquals("SELECT " + cast, analyze("select " + literal).passthroughSql());
  }

  @Test
  void typedLiteralsInWhereOfAGovernedTable() throws SqlRefusal {
    assertEquals("SELECT \"store_id\", CAST('open' AS \"text\") AS \"state\" FROM " + STORES_DERIVED
            + " WHERE ((\"region\" = CAST('EU' AS \"text\")) AND (\"store_id\" > CAST('0' AS \"int4\")))",
        analyze("select store_id, text 'open' as state from stores where region = text 'EU'"
            + " and store_id > int4 '0'").rewrite(EU_STORES));
  }

  /** Words that take an expression after them stay syntax, as PostgreSQL reads them. */
  @ParameterizedTest
  @ValueSource(strings = {
      "select 'a' like 'b' escape '!', 'a' ilike 'b', 'a' similar to 'b', 'a' not like 'b'",
      "select case when true then 'a' else 'b' end, 'a' between 'a' and 'b', 'a' is distinct from 'b'",
      "select position('a' in 'b'), trim(both 'x' from 'xax'), substring('abc' from 'b'), 'a' in ('a')",
      "select region from stores group by region order by region",
      "select * from stores where region = 'EU' or not region = 'x' and region <> all (select 'y')"})
  void keywordsBeforeStringsAreNotTypes(String sql) throws SqlRefusal {
    String forwarded = analyze(sql).requiresDecision()
        ? analyze(sql).rewrite(Decisions.allow().build())
        : analyze(sql).passthroughSql();
    assertTrue(!forwarded.contains("CAST("), forwarded);
  }

  @Test
  void anArrayTypeIsRefusedWithTheFix() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze("select int[] '{1}'"));
    assertEquals("42601", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("write CAST('...' AS type[]) or '...'::type[]"),
        refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select text N'x'", // N'x' is NCHAR 'x' to PostgreSQL: two types
      "select text $1"})
  void whatPostgresqlRejectsIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql));
    assertEquals("42601", refusal.sqlState(), refusal.getMessage());
  }

  @Test
  void aTypeModifierOtherThanNumbersIsNotGoverned() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze("select mytype('a') 'x'"));
    assertEquals("0A000", refusal.sqlState(), refusal.getMessage());
    assertTrue(refusal.getMessage().startsWith("type modifiers other than numbers"), refusal.getMessage());
  }
}
