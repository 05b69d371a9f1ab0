package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Masks are checked against the table when a decision is applied. */
class MaskPolicyErrorsTest {
  private static final String STORES = "mesh.sales.stores";

  private final StatementAnalyzer analyzer = new StatementAnalyzer(
      new DemoCatalog().add("sales", "odd", "weird", "text; drop table x"), DemoCatalog.DATABASE);

  private SqlRefusal refusal(String sql, Decision decision) throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
    return assertThrows(SqlRefusal.class, () -> statement.rewrite(decision));
  }

  @Test
  void aMaskThatDoesNotFitTheColumnIsRefused() throws SqlRefusal {
    SqlRefusal refusal = refusal("select * from sales.store_transactions",
        Decisions.allow().mask("mesh.sales.store_transactions", "amount", new ColumnMask.Email())
            .build());
    assertEquals("42501", refusal.sqlState());
    assertEquals("policy error: mask 'email' cannot apply to column amount (numeric(12,2)) of"
        + " sales.store_transactions", refusal.getMessage());
  }

  @Test
  void aMaskForAColumnTheTableDoesNotHaveIsRefused() throws SqlRefusal {
    SqlRefusal refusal = refusal("select 1 from sales.stores",
        Decisions.allow().mask(STORES, "country", new ColumnMask.Null()).build());
    assertEquals("policy error: mask for column country of sales.stores, which has no such column",
        refusal.getMessage());
  }

  @Test
  void aColumnTypeThatIsNotAPlainTypeNameIsRefused() throws SqlRefusal {
    SqlRefusal refusal = refusal("select 1 from sales.odd",
        Decisions.allow().mask("mesh.sales.odd", "weird", new ColumnMask.Null()).build());
    assertEquals(SqlRefusal.Reason.POLICY_ERROR, refusal.reason());
    assertTrue(refusal.getMessage().contains("unsupported type"), refusal.getMessage());
  }

  @Test
  void masksApplyBeneathTheClientsExpressions() throws SqlRefusal {
    String rewritten = analyzer.analyze(
            "select upper(zip_code) from sales.stores where zip_code like '1%'",
            DemoCatalog.SEARCH_PATH)
        .rewrite(Decisions.allow().mask(STORES, "zip_code", new ColumnMask.ShowFirst(1)).build());
    assertEquals("SELECT upper(\"zip_code\") FROM (SELECT \"store_id\", pg_catalog.rpad("
        + "pg_catalog.left(CAST(\"zip_code\" AS pg_catalog.text), 1), pg_catalog.char_length(CAST(\"zip_code\""
        + " AS pg_catalog.text)), 'x') AS \"zip_code\", \"region\" FROM \"sales\".\"stores\") AS \"stores\""
        + " WHERE (\"zip_code\" LIKE '1%')", rewritten);
  }

  @Test
  void everyMaskOfADecisionIsRenderedInTheDerivedTable() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .relation("mesh.customers.customers", List.of(),
            java.util.Map.of("customer_id", new ColumnMask.Redact(),
                "name", new ColumnMask.Constant("n/a"),
                "email", new ColumnMask.Hash("salt"),
                "phone", new ColumnMask.ShowLast(2),
                "birth_date", new ColumnMask.TruncateDate(ColumnMask.DateUnit.YEAR),
                "region", new ColumnMask.Expression("lower(region)")),
            java.util.Set.of())
        .build();
    String rewritten = analyzer.analyze("select * from customers.customers", List.of())
        .rewrite(decision);
    assertEquals("SELECT * FROM (SELECT CAST(pg_catalog.regexp_replace(CAST(\"customer_id\" AS"
        + " pg_catalog.text), '[[:digit:]]', '0', 'g') AS integer) AS \"customer_id\", CAST('n/a' AS text)"
        + " AS \"name\", pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(('salt' ||"
        + " CAST(\"email\" AS pg_catalog.text)), 'UTF8')), 'hex') AS \"email\", pg_catalog.lpad("
        + "pg_catalog.right(CAST(\"phone\" AS pg_catalog.text), 2), pg_catalog.char_length(CAST(\"phone\" AS"
        + " pg_catalog.text)), 'x') AS \"phone\", CAST(pg_catalog.date_trunc('year', \"birth_date\") AS date)"
        + " AS \"birth_date\", CAST(lower(\"region\") AS text) AS \"region\" FROM"
        + " \"customers\".\"customers\") AS \"customers\"", rewritten);
  }
}
