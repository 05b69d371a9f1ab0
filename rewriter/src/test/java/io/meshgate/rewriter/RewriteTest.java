package io.meshgate.rewriter;

import static io.meshgate.rewriter.RewriteAssertions.assertGovernedOnlyThroughDerivedTables;
import static io.meshgate.rewriter.RewriteAssertions.filters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every place a table can stand is rewritten, and nothing else is. */
class RewriteTest {
  private static final String TRANSACTIONS = "mesh.sales.store_transactions";
  private static final String STORES = "mesh.sales.stores";

  private static final String TRANSACTIONS_FILTER =
      "((\"region\" IN ('EU', 'UK')) AND (\"amount\" < 10000))";
  private static final String STORES_FILTER = "(\"region\" = 'EU')";

  private static final Decision DECISION =
      Decisions.allow()
          .filter(TRANSACTIONS,
              new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU", "UK")),
              new RowFilter.Expression("amount < 10000"))
          .filter(STORES, new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
          .build();

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private String rewrite(String sql) throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
    assertTrue(statement.requiresDecision(), sql);
    return statement.rewrite(DECISION);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "plain|select * from sales.store_transactions|1",
      "search path|select * from store_transactions|1",
      "with catalog|select * from mesh.sales.store_transactions|1",
      "alias|select t.amount from store_transactions t|1",
      "join|select * from sales.stores s join sales.store_transactions t on t.store_id = s.store_id|2",
      "comma join|select * from sales.stores s, sales.store_transactions t where s.store_id = t.store_id|2",
      "left join chain|select 1 from sales.stores a left join sales.stores b on a.store_id = b.store_id full join store_transactions c on true cross join weather.daily_temperatures d|4",
      "natural join|select * from sales.stores natural join sales.store_transactions|2",
      "using join|select * from sales.stores join sales.store_transactions using (store_id)|2",
      "subquery in where|select * from sales.stores where store_id in (select store_id from sales.store_transactions)|2",
      "exists|select * from sales.stores s where exists (select 1 from store_transactions t where t.store_id = s.store_id)|2",
      "not exists|select * from sales.stores s where not exists (select 1 from store_transactions t where t.store_id = s.store_id)|2",
      "scalar subquery in select|select (select max(amount) from store_transactions) as m|1",
      "subquery in having|select region from sales.stores group by region having count(*) > (select count(*) from store_transactions)|2",
      "subquery in on|select 1 from sales.stores a join weather.daily_temperatures w on w.zip_code in (select zip_code from sales.stores)|3",
      "subquery in order by|select * from sales.stores order by (select max(amount) from store_transactions)|2",
      "subquery in case|select case when exists (select 1 from store_transactions) then 1 end|1",
      "subquery in function|select coalesce((select max(zip_code) from sales.stores), 'none')|1",
      "any subquery|select 1 from weather.daily_temperatures where zip_code = any (select zip_code from sales.stores)|2",
      "cte body|with t as (select * from store_transactions) select count(*) from t|1",
      "two ctes|with a as (select * from sales.stores), b as (select * from a where store_id > 1) select * from b|1",
      "cte named like the table|with store_transactions as (select * from sales.store_transactions where amount > 5) select * from store_transactions|1",
      "cte reading the table it shadows|with stores as (select * from stores) select * from stores|1",
      "nested with|with a as (with b as (select * from sales.stores) select * from b) select * from a|1",
      "union branch|select zip_code from sales.stores union select zip_code from weather.daily_temperatures|2",
      "union all with order|(select store_id from sales.stores) union all (select store_id from store_transactions) order by 1 limit 3|2",
      "intersect and except|select store_id from sales.stores intersect select store_id from store_transactions except select 1|2",
      "lateral|select * from sales.stores s, lateral (select * from store_transactions t where t.store_id = s.store_id limit 1) x|2",
      "join lateral|select * from sales.stores s left join lateral (select * from store_transactions t where t.store_id = s.store_id) x on true|2",
      "nested derived table|select * from (select * from (select * from sales.stores) a) b|1",
      "derived table with column aliases|select x.a from (select store_id from store_transactions) as x(a)|1",
      "values with subquery|select * from (values ((select count(*) from sales.stores))) v(n)|1",
      "union inside cte|with u as (select store_id from sales.stores union all select store_id from store_transactions) select * from u|2",
      "subquery in window|select row_number() over (order by (select 1 from sales.stores limit 1)) from store_transactions|2",
      "table function join|select * from generate_series(1, 3) as g(x) join sales.stores s on s.store_id = g.x|1",
      "self join|select * from sales.stores a join sales.stores b on a.region = b.region|2",
      "table statement|table sales.stores|1",
      "table with order and limit|table store_transactions order by 1 limit 3|1",
      "table in set operation|table sales.stores union all table sales.stores|2",
      "table in cte and body|with c as (table sales.stores) table c|1",
      "table in subquery|select * from sales.stores where store_id in (table store_transactions)|2",
      "table as derived table|select * from (table sales.stores) x join store_transactions t using (store_id)|2",
      "only|select * from only sales.stores|1",
      "only parenthesized with alias|select s.region from only (stores) s|1",
      "only in join and comma list|select 1 from only sales.stores a join only store_transactions b using (store_id), only sales.stores c|3",
      "tablesample|select * from sales.stores tablesample bernoulli (50) repeatable (7)|1",
      "tablesample with alias list|select a from store_transactions as t(a, b) tablesample system (10)|1",
      "only and tablesample|select * from only sales.stores s tablesample system (10) join store_transactions t using (store_id)|2",
      "in list of subqueries|select * from sales.stores where region in ('EU', (select region from store_transactions limit 1))|2",
      "deeply nested|select * from sales.stores where store_id in (select store_id from store_transactions where region in (select region from sales.stores where zip_code in (select zip_code from weather.daily_temperatures)))|4"})
  void everyTableReferenceIsReplaced(String name, String sql, int references) throws SqlRefusal {
    String rewritten = rewrite(sql);
    int found = assertGovernedOnlyThroughDerivedTables(rewritten, filters(
        "sales.store_transactions", TRANSACTIONS_FILTER, "sales.stores", STORES_FILTER));
    assertEquals(references, found, rewritten);
  }

  @Test
  void recursiveCtesAreNotTables() throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(
        "with recursive stores(n) as (select 1 union all select n + 1 from stores where n < 3)"
            + " select * from stores",
        DemoCatalog.SEARCH_PATH);
    assertFalse(statement.requiresDecision());
  }

  @Test
  void recursiveCteMixedWithATable() throws SqlRefusal {
    String rewritten = rewrite(
        "with recursive r(n) as (select store_id from sales.stores union all"
            + " select n + 1 from r where n < 5) select * from r");
    assertEquals(1, assertGovernedOnlyThroughDerivedTables(rewritten,
        filters("sales.stores", STORES_FILTER)));
  }

  @Test
  void aCteIsOnlyVisibleAfterItsDefinition() throws SqlRefusal {
    // in a plain WITH, "stores" inside the first body is the table, not the later CTE
    String rewritten = rewrite(
        "with a as (select * from stores), stores as (select 1 as x) select * from a, stores");
    assertEquals(1, assertGovernedOnlyThroughDerivedTables(rewritten,
        filters("sales.stores", STORES_FILTER)));
    assertTrue(rewritten.startsWith("WITH \"a\" AS (SELECT * FROM (SELECT"), rewritten);
    assertTrue(rewritten.endsWith("SELECT * FROM \"a\", \"stores\""), rewritten);
  }

  @Test
  void derivedTableShape() throws SqlRefusal {
    assertEquals(
        "SELECT \"t\".\"amount\" FROM (SELECT \"transaction_id\", \"store_id\", \"day\","
            + " \"amount\", \"customer_email\", \"region\" FROM \"sales\".\"store_transactions\""
            + " WHERE " + TRANSACTIONS_FILTER + " OFFSET 0) AS \"t\"",
        rewrite("select t.amount from store_transactions t"));
  }

  @Test
  void unaliasedReferencesKeepTheTableNameAndLongColumnNamesAreShortened()
      throws SqlRefusal {
    assertEquals(
        "SELECT \"stores\".\"zip_code\", \"stores\".\"region\", \"stores\".*, \"stores\".\"store_id\""
            + " FROM (SELECT \"store_id\", \"zip_code\", \"region\" FROM \"sales\".\"stores\""
            + " WHERE " + STORES_FILTER + " OFFSET 0) AS \"stores\"",
        rewrite("select sales.stores.zip_code, stores.region, sales.stores.*,"
            + " mesh.sales.stores.store_id from sales.stores"));
  }

  @Test
  void columnAliasListsAreKept() throws SqlRefusal {
    String rewritten = rewrite("select a, b from sales.stores as s(a, b)");
    assertTrue(rewritten.endsWith(" OFFSET 0) AS \"s\" (\"a\", \"b\")"), rewritten);
  }

  @Test
  void relationsWithoutAnEntryAreReadWithoutFilter() throws SqlRefusal {
    assertEquals(
        "SELECT * FROM (SELECT \"zip_code\", \"day\", \"min_temp\", \"max_temp\", \"avg_temp\""
            + " FROM \"weather\".\"daily_temperatures\") AS \"daily_temperatures\"",
        rewrite("select * from weather.daily_temperatures"));
  }

  @Test
  void decisionEntriesForOtherRelationsAreIgnored() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .filter("mesh.other.table", new RowFilter.Expression("this would not validate ("))
        .build();
    String rewritten = analyzer.analyze("select 1 from sales.stores", DemoCatalog.SEARCH_PATH)
        .rewrite(decision);
    assertEquals("SELECT 1 FROM (SELECT \"store_id\", \"zip_code\", \"region\""
        + " FROM \"sales\".\"stores\") AS \"stores\"", rewritten);
  }

  @Test
  void catalogRelationsAreLeftAloneNextToGovernedOnes() throws SqlRefusal {
    String rewritten = rewrite(
        "select c.relname, s.zip_code from pg_catalog.pg_class c, sales.stores s");
    assertTrue(rewritten.startsWith(
        "SELECT \"c\".\"relname\", \"s\".\"zip_code\" FROM \"pg_catalog\".\"pg_class\" AS \"c\","
            + " (SELECT"), rewritten);
    assertEquals(1, assertGovernedOnlyThroughDerivedTables(rewritten,
        filters("sales.stores", STORES_FILTER)));
  }

  @Test
  void parametersKeepTheirNumbers() throws SqlRefusal {
    String rewritten = rewrite(
        "select * from sales.stores where store_id = $2 and region = $1 or zip_code = $2::text");
    assertTrue(rewritten.endsWith(
        "WHERE (((\"store_id\" = $2) AND (\"region\" = $1)) OR (\"zip_code\" = CAST($2 AS \"text\")))"),
        rewritten);
  }

  @Test
  void structuredFilterValuesAreLiteralsNotSql() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .filter(STORES,
            new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU' OR '1'='1")),
            new RowFilter.Comparison("zip_code", FilterOperator.NOT_IN,
                List.of("a'b", "c\\d", "é😀\n")),
            new RowFilter.Comparison("store_id", FilterOperator.GREATER_OR_EQUAL,
                List.of(new BigDecimal("-1.50"))),
            new RowFilter.Comparison("store_id", FilterOperator.NOT_EQUAL,
                List.of(new BigDecimal("1E+3"))),
            new RowFilter.Comparison("region", FilterOperator.IS_NOT_NULL, List.of()),
            new RowFilter.Comparison("zip_code", FilterOperator.IS_NULL, List.of()),
            new RowFilter.Comparison("store_id", FilterOperator.LESS, List.of(new BigDecimal(9))),
            new RowFilter.Comparison("store_id", FilterOperator.LESS_OR_EQUAL,
                List.of(new BigDecimal(8))),
            new RowFilter.Comparison("store_id", FilterOperator.GREATER,
                List.of(new BigDecimal(0))),
            new RowFilter.Comparison("region", FilterOperator.IN, List.of(true, "x")))
        .build();
    String rewritten = analyzer.analyze("select * from sales.stores", DemoCatalog.SEARCH_PATH)
        .rewrite(decision);
    String where = "((((((((((\"region\" = 'EU'' OR ''1''=''1')"
        + " AND (\"zip_code\" NOT IN ('a''b', 'c\\d', 'é😀\n')))"
        + " AND (\"store_id\" >= -1.50)) AND (\"store_id\" <> 1000))"
        + " AND (\"region\" IS NOT NULL)) AND (\"zip_code\" IS NULL))"
        + " AND (\"store_id\" < 9)) AND (\"store_id\" <= 8)) AND (\"store_id\" > 0))"
        + " AND (\"region\" IN (TRUE, 'x')))";
    assertEquals(1, assertGovernedOnlyThroughDerivedTables(rewritten,
        filters("sales.stores", where)));
  }

  @Test
  void filtersOnUnknownColumnsArePolicyErrors() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .filter(STORES, new RowFilter.Comparison("country", FilterOperator.EQUAL, List.of("EU")))
        .build();
    AnalyzedStatement statement =
        analyzer.analyze("select * from sales.stores", DemoCatalog.SEARCH_PATH);
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> statement.rewrite(decision));
    assertEquals("42501", refusal.sqlState());
    assertEquals(SqlRefusal.Reason.POLICY_ERROR, refusal.reason());
    assertEquals("policy error in row filter for sales.stores: column country does not exist",
        refusal.getMessage());
  }

  @Test
  void aDenyingDecisionIsRefused() throws SqlRefusal {
    AnalyzedStatement statement =
        analyzer.analyze("select * from sales.stores", DemoCatalog.SEARCH_PATH);
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> statement.rewrite(Decision.deny("no access to sales")));
    assertEquals("42501", refusal.sqlState());
    assertEquals("permission denied by policy: no access to sales", refusal.getMessage());
  }

  @Test
  void rewritingTwiceGivesTheSameSql() throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(
        "select * from sales.stores s join store_transactions t using (store_id)",
        DemoCatalog.SEARCH_PATH);
    assertEquals(statement.rewrite(DECISION), statement.rewrite(DECISION));
  }

  @Test
  void tablesampleAndOnlyStayWithTheTableBeneathTheFilters() throws SqlRefusal {
    assertEquals("SELECT \"s\".\"region\" FROM (SELECT \"store_id\", \"zip_code\", \"region\""
            + " FROM ONLY \"sales\".\"stores\" TABLESAMPLE BERNOULLI(50.0) REPEATABLE(7)"
            + " WHERE " + STORES_FILTER + " OFFSET 0) AS \"s\"",
        rewrite("select s.region from only stores s tablesample bernoulli (50) repeatable (7)"));
  }

  @Test
  void tableIsSelectStarFromWithoutDeniedColumns() throws SqlRefusal {
    Decision denying = Decisions.allow().relation(STORES, List.of(), Map.of(), Set.of("zip_code")).build();
    AnalyzedStatement statement = analyzer.analyze("table sales.stores", DemoCatalog.SEARCH_PATH);
    assertEquals(statement.rewrite(denying),
        analyzer.analyze("select * from sales.stores", DemoCatalog.SEARCH_PATH).rewrite(denying));
    assertFalse(statement.rewrite(denying).contains("zip_code"), statement.rewrite(denying));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "substitute method|select * from sales.stores tablesample substitute ('x')|0A000",
      "only a subquery|select * from only (select 1) x|42601",
      "only a cte|with s as (select 1) select * from only s|0A000",
      "only without a name|select * from only|42601"})
  void onlyAndTablesampleFormsMeshgateCannotGovernAreRefused(String name, String sql, String sqlState) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(sql));
    assertEquals(sqlState, refusal.sqlState(), refusal.getMessage());
  }

  @Test
  void denyAndMaskTogetherOnManyRelations() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .relation(TRANSACTIONS, List.of(), Map.of("amount", new ColumnMask.Round(0)),
            Set.of("customer_email"))
        .relation("mesh.customers.customers",
            List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))),
            Map.of("email", new ColumnMask.Email()), Set.of("phone"))
        .build();
    String rewritten = analyzer.analyze(
            "select * from store_transactions t join customers.customers c on c.region = t.region",
            DemoCatalog.SEARCH_PATH)
        .rewrite(decision);
    assertEquals(2, assertGovernedOnlyThroughDerivedTables(rewritten,
        filters("customers.customers", "(\"region\" = 'EU')")));
    assertFalse(rewritten.contains("\"customer_email\""), rewritten);
    assertFalse(rewritten.contains("\"phone\""), rewritten);
  }
}
