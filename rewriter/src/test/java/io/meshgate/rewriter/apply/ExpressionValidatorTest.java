package io.meshgate.rewriter.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionValidatorTest {
  private static final TableSchema ORDERS = new TableSchema(
      new RelationName("mesh", "sales", "orders"),
      List.of(new ColumnSchema("amount", "numeric(12,2)"), new ColumnSchema("region", "text"),
          new ColumnSchema("day", "date")));

  private static String valid(String expression) throws SqlRefusal {
    return PostgresUnparser.unparse(
        ExpressionValidator.validate(expression, ORDERS, "row filter for sales.orders"),
        List.of());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "amount < 10000|(\"amount\" < 10000)",
      "orders.amount < 10000 and region in ('EU', 'UK')|((\"amount\" < 10000) AND (\"region\" IN ('EU', 'UK')))",
      "day >= (now() at time zone 'UTC')::date - 30|(\"day\" >= (CAST((now() AT TIME ZONE 'UTC') AS DATE) - 30))",
      "lower(region) like 'e%' or region is null|((lower(\"region\") LIKE 'e%') OR (\"region\" IS NULL))",
      "amount::int between 1 and 2|(CAST(\"amount\" AS INTEGER) BETWEEN ASYMMETRIC 1 AND 2)",
      "coalesce(region, '') <> E'\\\\'|(coalesce(\"region\", '') <> '\\')",
      "extract(year from day) = 2024|(EXTRACT(YEAR FROM \"day\") = 2024)"})
  void validExpressionsAreUnqualified(String expression, String expected) throws SqlRefusal {
    assertEquals(expected, valid(expression));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "amount < (select max(amount) from sales.orders)|subqueries are not allowed",
      "exists (select 1)|subqueries are not allowed",
      "region in (select region from x)|subqueries are not allowed",
      "count(*) > 1|aggregate and window functions are not allowed",
      "sum(amount) > 1|aggregate and window functions are not allowed",
      "row_number() over () = 1|aggregate and window functions are not allowed",
      "rank() over (order by amount) < 3|aggregate and window functions are not allowed",
      "customers.region = 'EU'|only the table's own columns may be named, not customers.region",
      "sales.orders.region = 'EU'|only the table's own columns may be named, not sales.orders.region",
      "country = 'EU'|column country does not exist",
      "region = $1|parameters are not allowed",
      "set_config('role', 'x', false) = 'x'|function set_config is not allowed",
      "length(query_to_xml('select 1', true, true, '')::text) > 0|function query_to_xml is not allowed"})
  void invalidExpressionsArePolicyErrors(String expression, String problem) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> valid(expression));
    assertEquals("42501", refusal.sqlState());
    assertEquals(SqlRefusal.Reason.POLICY_ERROR, refusal.reason());
    assertEquals("policy error in row filter for sales.orders: " + problem, refusal.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"amount <", "amount < 1; drop table x", "'unterminated",
      "region ? 'x'"})
  void unparsableExpressionsArePolicyErrors(String expression) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> valid(expression));
    assertEquals(SqlRefusal.Reason.POLICY_ERROR, refusal.reason());
  }
}
