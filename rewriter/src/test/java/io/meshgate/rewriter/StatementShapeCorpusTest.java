package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.shape.LiteralClass;
import io.meshgate.rewriter.shape.ShapeSentinels;
import io.meshgate.rewriter.shape.ShapeTemplate;
import io.meshgate.rewriter.shape.StatementShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The splice proven against the rewriter itself: for every statement of the corpus (the 22
 * TPC-H queries, the load tests' governed workload and pgbench's select-only lookup, statements
 * of the demo and the ITs), under allowing decisions with and without filters and masks, the
 * sentinel statement is rewritten once, and for many variants of the statement with other
 * literals (hostile strings among them) the template filled with the variant's literals must be
 * exactly, character for character, the fresh rewrite of the variant.
 */
class StatementShapeCorpusTest {
  private static final List<String> INTEGERS = List.of("0", "00", "1", "7", "42", "007", "2147483647", "1000000000",
      "000000000000000000042");
  private static final List<String> BIGINTS = List.of("2147483648", "5000000000", "9223372036854775807",
      "0009223372036854775807");
  private static final List<String> NUMERICS = List.of("0.5", ".25", "12.50", "0.000001", "0.0000001", "3.0");
  private static final List<String> STRINGS = List.of("'EU'", "''", "'it''s'", "'x'' OR 1=1 --'", "'$1'",
      "'/* not a comment'", "'-- not a comment'", "'; DROP TABLE t; --'", "'back\\slash\\'", "'E''x'''",
      "'line\nbreak'", "'caf\u00e9 \ud83d\ude00'", "'a'\n'b'", "'0.5'", "'1994-01-01'", "'meshgate_shape_'");

  private static final RowFilter EU = new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"));

  private static final Decision DEMO_GOVERNED = Decisions.allow()
      .filter("mesh.sales.stores", EU)
      .relation("mesh.sales.store_transactions", List.of(EU),
          Map.of("customer_email", new ColumnMask.Email()), Set.of())
      .relation("mesh.customers.customers", List.of(EU),
          Map.of("email", new ColumnMask.Email(), "phone", new ColumnMask.ShowLast(4),
              "birth_date", new ColumnMask.Null()), Set.of())
      .build();

  private static final Decision TPCH_GOVERNED = Decisions.allow()
      .filter("mesh.tpch.customer", new RowFilter.Comparison("c_mktsegment", FilterOperator.EQUAL,
          List.of("BUILDING")))
      .relation("mesh.tpch.orders", List.of(new RowFilter.Expression("o_orderkey % 3 <> 0")),
          Map.of("o_clerk", new ColumnMask.Redact()), Set.of())
      .mask("mesh.tpch.supplier", "s_phone", new ColumnMask.ShowLast(4))
      .build();

  /** The governed workload of {@code load-tests}, schemas substituted as Meshgate sees them. */
  private static final List<String> GOVERNED_WORKLOAD = List.of(
      "SELECT store_id, zip_code, region FROM sales.stores WHERE store_id = 17;",
      "SELECT customer_id, name, email, phone, birth_date FROM customers.customers WHERE customer_id = 1234;",
      "SELECT count(*), sum(amount) FROM sales.store_transactions WHERE store_id = 3;",
      "SELECT day, amount, customer_email FROM sales.store_transactions WHERE store_id = 59 "
          + "ORDER BY transaction_id LIMIT 5;");

  private static final List<String> DEMO_STATEMENTS = List.of(
      "SELECT abalance FROM pgbench_accounts WHERE aid = 98234;",
      "select * from sales.stores where region = 'EU'",
      "SELECT zip_code FROM stores WHERE store_id >= 3 AND zip_code <> '1000' ORDER BY 1",
      "SELECT s.zip_code, t.amount FROM sales.stores s JOIN sales.store_transactions t "
          + "ON t.store_id = s.store_id WHERE s.store_id = 4 AND t.amount > 10.50",
      "SELECT * FROM sales.store_transactions WHERE day = '2026-01-01' AND transaction_id = 5000000000",
      "WITH recent AS (SELECT * FROM sales.store_transactions WHERE amount >= 100.00) "
          + "SELECT count(*) FROM recent WHERE store_id <> 2",
      "SELECT store_id FROM sales.stores WHERE store_id = 1 UNION ALL "
          + "SELECT store_id FROM sales.store_transactions WHERE store_id = 1",
      "SELECT * FROM sales.stores WHERE store_id IN (SELECT store_id FROM sales.store_transactions "
          + "WHERE customer_email = 'a@example.com')",
      "SELECT name FROM customers.customers WHERE email = 'x@example.com' OR phone = '+31 20 123'",
      "SELECT * FROM weather.daily_temperatures WHERE zip_code = '1011' AND avg_temp > 20.5",
      "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relname = 'stores'",
      "SELECT 1 = 1, 'a' = 'b' FROM sales.stores WHERE region = 'EU'",
      "UPDATE sales.stores SET zip_code = '1012' WHERE store_id = 5",
      "DELETE FROM sales.stores WHERE store_id = 7 AND region = 'US'");

  @Test
  void aFilledTemplateIsTheFreshRewriteOfEveryVariant() throws SqlRefusal {
    Map<String, Integer> notTemplated = new TreeMap<>();
    int compared = 0;
    int statements = 0;
    Random random = new Random(20261121);
    StatementAnalyzer tpch = new StatementAnalyzer(TpchWorkload.catalog(), DemoCatalog.DATABASE);
    for (TpchWorkload.Query query : TpchWorkload.queries()) {
      for (Decision decision : List.of(Decisions.allow().build(), TPCH_GOVERNED)) {
        Optional<Integer> count = compare(tpch, TpchWorkload.SEARCH_PATH, query.sql(), decision, random);
        statements++;
        if (count.isEmpty()) {
          notTemplated.merge(query.name(), 1, Integer::sum);
        } else {
          compared += count.get();
        }
      }
    }
    DemoCatalog catalog = new DemoCatalog().add("public", "pgbench_accounts", "aid", "integer", "bid", "integer",
        "abalance", "integer", "filler", "character(84)");
    StatementAnalyzer demo = new StatementAnalyzer(catalog, DemoCatalog.DATABASE);
    List<String> all = new ArrayList<>(GOVERNED_WORKLOAD);
    all.addAll(DEMO_STATEMENTS);
    for (String sql : all) {
      for (Decision decision : List.of(Decisions.allow().build(), DEMO_GOVERNED)) {
        Optional<Integer> count = compare(demo, DemoCatalog.SEARCH_PATH, sql, decision, random);
        statements++;
        if (count.isEmpty()) {
          notTemplated.merge(sql, 1, Integer::sum);
        } else {
          compared += count.get();
        }
      }
    }
    System.out.printf("shape corpus: %d statement/decision pairs, %d variants compared, "
        + "not templated (no literal to lift, or a catalog read): %s%n", statements, compared, notTemplated);
    // Every statement that is not templated is so for a reason the corpus knows: no lifted
    // literal (the TPC-H queries whose literals are typed or in IN lists), or a catalog read.
    for (String notShaped : notTemplated.keySet()) {
      assertTrue(notShaped.startsWith("q") || notShaped.contains("pg_catalog"), notShaped);
    }
    // The statements the load tests time must be templated; others may fall back.
    for (String sql : GOVERNED_WORKLOAD) {
      assertTrue(!notTemplated.containsKey(sql), "not templated: " + sql);
    }
    assertTrue(!notTemplated.containsKey(DEMO_STATEMENTS.get(0)), "pgbench's lookup is not templated");
    assertTrue(compared > 1000, "compared only " + compared);
  }

  /**
   * The number of variants compared, or empty when the statement has no template (no literal
   * to lift, no decision needed, row filter checks of a write, or a sentinel not found alone).
   */
  private static Optional<Integer> compare(StatementAnalyzer analyzer, List<String> searchPath, String sql,
      Decision decision, Random random) throws SqlRefusal {
    Optional<StatementShape> shape = StatementShape.of(sql);
    if (shape.isEmpty()) {
      return Optional.empty();
    }
    ShapeSentinels sentinels = ShapeSentinels.of(sql, shape.get(), random).orElseThrow();
    AnalyzedStatement analyzed = analyzer.analyze(sentinels.sql(), searchPath, "alice");
    if (!analyzed.requiresDecision()) {
      return Optional.empty();
    }
    RewrittenStatement rewritten = analyzed.rewriteWithChecks(decision);
    if (!rewritten.rowFilterChecks().isEmpty()) {
      return Optional.empty();
    }
    Optional<ShapeTemplate> template = ShapeTemplate.of(rewritten.sql(), sentinels);
    if (template.isEmpty()) {
      return Optional.empty();
    }
    int variants = 0;
    for (int round = 0; round < 24; round++) {
      String variant = variant(sql, shape.get(), random);
      StatementShape variantShape = StatementShape.of(variant).orElseThrow();
      assertEquals(shape.get().key(), variantShape.key(), variant);
      String fresh = analyzer.analyze(variant, searchPath, "alice").rewrite(decision);
      assertEquals(fresh, template.get().fill(variantShape.renderedLiterals()), variant);
      variants++;
    }
    return Optional.of(variants);
  }

  private static String variant(String sql, StatementShape shape, Random random) {
    StringBuilder text = new StringBuilder();
    int copied = 0;
    List<LiteralClass> classes = shape.literalClasses();
    for (int index = 0; index < classes.size(); index++) {
      Token literal = shape.literals().get(index);
      List<String> pool = switch (classes.get(index)) {
        case INTEGER -> INTEGERS;
        case BIGINT -> BIGINTS;
        case NUMERIC -> NUMERICS;
        case STRING -> STRINGS;
      };
      text.append(sql, copied, literal.start()).append(pool.get(random.nextInt(pool.size())));
      copied = literal.end();
    }
    return text.append(sql, copied, sql.length()).toString();
  }
}
