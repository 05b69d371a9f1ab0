package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client's comparisons copied into the derived table (io.meshgate.rewriter.apply.PredicatePushdown):
 * only ones PostgreSQL may evaluate on rows the filters exclude without revealing them.
 */
class PredicatePushdownTest {
  private static final String STORES_FILTER = "(\"region\" = 'EU')";
  private static final String INNER_END = " OFFSET 0) AS ";

  private static final RowFilter EU = new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"));

  private static final Decision DECISION = Decisions.allow()
      .filter("mesh.sales.stores", new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
      .relation("mesh.sales.store_transactions", List.of(EU),
          Map.of("customer_email", new ColumnMask.Redact()), Set.of())
      .relation("mesh.customers.customers", List.of(EU),
          Map.of("email", new ColumnMask.Redact(), "birth_date", new ColumnMask.Null()), Set.of("phone"))
      .build();

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private String rewrite(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(DECISION);
  }

  /** The WHERE of the (first) derived table. */
  private String innerWhere(String sql) throws SqlRefusal {
    String rewritten = rewrite(sql);
    int from = rewritten.indexOf(" FROM \"", rewritten.indexOf("(SELECT"));
    int where = rewritten.indexOf(" WHERE ", from);
    int end = rewritten.indexOf(INNER_END, where);
    assertTrue(where > 0 && end > where, rewritten);
    return rewritten.substring(where + " WHERE ".length(), end);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "integer literal|select zip_code from sales.stores where store_id = 5|(\"store_id\" = 5)",
      "qualified by the table|select zip_code from sales.stores where stores.store_id < 5|(\"store_id\" < 5)",
      "qualified by the alias|select s.zip_code from sales.stores s where s.store_id >= 5|(\"store_id\" >= 5)",
      "literal on the left|select zip_code from sales.stores where 5 <> store_id|(5 <> \"store_id\")",
      "text literal|select zip_code from sales.stores where zip_code = '10115'|(\"zip_code\" = '10115')",
      "date literal|select amount from sales.store_transactions where day > '2024-01-01'|(\"day\" > '2024-01-01')",
      "typed date literal|select amount from sales.store_transactions where day = date '2024-01-01'|(\"day\" = DATE '2024-01-01')",
      "bigint column|select amount from sales.store_transactions where transaction_id = 7|(\"transaction_id\" = 7)",
      "parameter, cast to the column's type|select zip_code from sales.stores where store_id = $1|(\"store_id\" = CAST($1 AS integer))",
      "aggregate query|select count(*), sum(amount) from sales.store_transactions where store_id = 3|(\"store_id\" = 3)",
      "in a subquery|select 1 from weather.daily_temperatures where zip_code in (select zip_code from sales.stores where store_id = 2)|(\"store_id\" = 2)"})
  void safeComparisonsAreCopiedAfterTheFilters(String name, String sql, String copy) throws SqlRefusal {
    String rewritten = rewrite(sql);
    assertTrue(rewritten.contains(" WHERE (" + STORES_FILTER + " AND " + copy + ")" + INNER_END), rewritten);
  }

  @Test
  void everySafeConjunctIsCopiedAndOnlyThose() throws SqlRefusal {
    String where = innerWhere("select zip_code from sales.stores where store_id > 1 and lower(zip_code) = 'x'"
        + " and store_id < 9");
    assertEquals("((" + STORES_FILTER + " AND (\"store_id\" > 1)) AND (\"store_id\" < 9))", where);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "division can raise|select zip_code from sales.stores where 1 / (store_id - 5) = 0",
      "a function of the column|select zip_code from sales.stores where lower(zip_code) = 'x'",
      "a boolean function|select zip_code from sales.stores where starts_with(region, 'E')",
      "a function on the value side|select zip_code from sales.stores where store_id = length(zip_code)",
      "masked column|select name from customers.customers where email = 'a@example.com'",
      "masked date column|select name from customers.customers where birth_date = '1990-01-01'",
      "numeric comparison is not leakproof|select day from sales.store_transactions where amount = 5",
      "decimal literal|select zip_code from sales.stores where store_id = 5.0",
      "disjunction|select zip_code from sales.stores where store_id = 5 or store_id = 6",
      "negation|select zip_code from sales.stores where not (store_id = 5)",
      "column against column|select zip_code from sales.stores where store_id = store_id",
      "subquery|select zip_code from sales.stores where store_id = (select 1)",
      "parameter with another operator|select zip_code from sales.stores where store_id < $1",
      "typed literal of another type|select zip_code from sales.stores where store_id = interval '1 day'",
      "date literal on a text column|select zip_code from sales.stores where zip_code = date '2024-01-01'",
      "cast literal|select zip_code from sales.stores where store_id = '5'::numeric",
      "join: a name may mean either table|select s.zip_code from sales.stores s join weather.daily_temperatures w on w.zip_code = s.zip_code where s.store_id = 5",
      "another table's alias|select 1 from sales.stores s where exists (select 1 from weather.daily_temperatures w where s.store_id = 5)"})
  void unsafeComparisonsStayOutside(String name, String sql) throws SqlRefusal {
    String rewritten = rewrite(sql);
    int start = 0;
    while ((start = rewritten.indexOf("(SELECT ", start)) >= 0) {
      int end = rewritten.indexOf(INNER_END, start);
      if (end < 0) {
        break;
      }
      String inner = rewritten.substring(start, end);
      assertTrue(!inner.contains(" AND "), "copied into the derived table: " + rewritten);
      start = end;
    }
  }

  @Test
  void withoutRowFiltersNothingIsCopied() throws SqlRefusal {
    String rewritten = analyzer.analyze("select zip_code from sales.stores where store_id = 5", DemoCatalog.SEARCH_PATH)
        .rewrite(Decisions.allow().build());
    assertEquals("SELECT \"zip_code\" FROM (SELECT \"store_id\", \"zip_code\", \"region\" FROM"
        + " \"sales\".\"stores\") AS \"stores\" WHERE (\"store_id\" = 5)", rewritten);
  }
}
