package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeniedColumnsTest {
  private static final String TRANSACTIONS = "mesh.sales.store_transactions";

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private final Decision denyEmail =
      Decisions.allow().deny(TRANSACTIONS, "customer_email").build();

  private String rewrite(String sql, Decision decision) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(decision);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select customer_email from store_transactions",
      "select t.customer_email from store_transactions t",
      "select sales.store_transactions.customer_email from sales.store_transactions",
      "select count(*) from store_transactions where customer_email like '%@example.com'",
      "select amount from store_transactions order by customer_email",
      "select region, count(distinct customer_email) from store_transactions group by region",
      "select 1 from sales.stores s where exists (select 1 from store_transactions t"
          + " where t.store_id = s.store_id and t.customer_email is null)",
      "with x as (select customer_email as e from store_transactions) select * from x",
      "select * from store_transactions as t(a, b, c, d, e)",
      "select * from store_transactions join sales.stores using (customer_email)",
      "select md5(customer_email) from store_transactions",
      "with t as (select 1) select amount from store_transactions order by customer_email"})
  void namingADeniedColumnIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(sql, denyEmail), sql);
    assertEquals("42501", refusal.sqlState());
    assertEquals(
        "permission denied for column customer_email of relation sales.store_transactions",
        refusal.getMessage());
  }

  @Test
  void theMessageListsOnlyTheDeniedColumnsNamed() {
    Decision decision = Decisions.allow()
        .relation(TRANSACTIONS, List.of(), Map.of(), Set.of("customer_email", "amount", "day"))
        .relation("mesh.customers.customers", List.of(), Map.of(), Set.of("phone", "email"))
        .build();
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(
        "select t.customer_email, t.amount, t.region, c.phone, c.name from store_transactions t,"
            + " customers.customers c", decision));
    assertEquals("permission denied for columns amount, customer_email of relation"
            + " sales.store_transactions; column phone of relation customers.customers",
        refusal.getMessage());
  }

  @Test
  void starLeavesDeniedColumnsOut() throws SqlRefusal {
    assertEquals(
        "SELECT * FROM (SELECT \"transaction_id\", \"store_id\", \"day\", \"amount\", \"region\""
            + " FROM \"sales\".\"store_transactions\") AS \"store_transactions\"",
        rewrite("select * from store_transactions", denyEmail));
    String qualified = rewrite("select t.*, s.* from store_transactions t"
        + " join sales.stores s on s.store_id = t.store_id", denyEmail);
    assertFalse(qualified.contains("customer_email"), qualified);
  }

  @Test
  void aColumnOfTheSameNameInAnotherTableIsNotDenied() throws SqlRefusal {
    Decision denyRegion = Decisions.allow().deny(TRANSACTIONS, "region").build();
    String rewritten = rewrite("select s.region from sales.stores s"
        + " join store_transactions t on t.store_id = s.store_id", denyRegion);
    assertTrue(rewritten.startsWith("SELECT \"s\".\"region\" FROM"), rewritten);
  }

  @Test
  void aColumnAliasListMayStopBeforeTheDeniedColumn() throws SqlRefusal {
    String rewritten = rewrite("select a, b from store_transactions as t(a, b)", denyEmail);
    assertTrue(rewritten.endsWith("AS \"t\" (\"a\", \"b\")"), rewritten);
  }

  @Test
  void aDeniedColumnThatIsAlsoMaskedIsLeftOut() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .relation(TRANSACTIONS, List.of(), Map.of("customer_email", new ColumnMask.Email()),
            Set.of("customer_email"))
        .build();
    String rewritten = rewrite("select count(*) from store_transactions", decision);
    assertFalse(rewritten.contains("customer_email"), rewritten);
  }

  @Test
  void everyColumnDeniedLeavesAnEmptySelectList() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .deny("mesh.sales.stores", "store_id", "zip_code", "region").build();
    assertEquals(
        "SELECT count(*) FROM (SELECT FROM \"sales\".\"stores\") AS \"stores\"",
        rewrite("select count(*) from sales.stores", decision));
  }

  @Test
  void deniedColumnsOfRelationsNotInTheStatementDoNotMatter() throws SqlRefusal {
    Decision decision = Decisions.allow().deny("mesh.customers.customers", "region").build();
    assertTrue(rewrite("select region from sales.stores", decision)
        .startsWith("SELECT \"region\" FROM"));
  }
}
