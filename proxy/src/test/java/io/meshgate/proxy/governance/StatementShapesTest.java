package io.meshgate.proxy.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.Subject;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Statements governed by shape are governed exactly as without shapes: two governors over the
 * same catalog and policy, one with shapes and one without, must forward the same text and
 * refuse the same way, for every user, after DDL and after a policy change.
 */
class StatementShapesTest {
  private static final List<String> SEARCH_PATH = List.of("$user", "public");
  private static final RelationName STORES = new RelationName("mesh", "sales", "stores");

  /** A catalog a test changes as DDL would. */
  private static final class ChangingCatalog implements SchemaCatalog {
    final Map<String, TableSchema> tables = new ConcurrentHashMap<>();

    void define(String schema, String table, String... columnsAndTypes) {
      List<ColumnSchema> columns = new ArrayList<>();
      for (int index = 0; index < columnsAndTypes.length; index += 2) {
        columns.add(new ColumnSchema(columnsAndTypes[index], columnsAndTypes[index + 1]));
      }
      tables.put(schema + "." + table, new TableSchema(new RelationName("mesh", schema, table), columns));
    }

    @Override
    public Optional<TableSchema> table(String schema, String table) {
      return Optional.ofNullable(tables.get(schema + "." + table));
    }
  }

  private final ChangingCatalog catalog = new ChangingCatalog();
  private final ChangingPolicy policy = new ChangingPolicy();
  private final StatementCache shaped =
      StatementCache.over(catalog, "mesh", FunctionAllowlist.builtIn(), StatementCache.DEFAULT_MAXIMUM_BYTES, StatementCache.Shapes.ON);
  private final StatementGovernor withShapes = new StatementGovernor(shaped, policy, Clock.systemUTC());
  private final StatementGovernor withoutShapes = new StatementGovernor(
      StatementCache.over(catalog, "mesh", FunctionAllowlist.builtIn(), StatementCache.DEFAULT_MAXIMUM_BYTES, StatementCache.Shapes.OFF), policy,
      Clock.systemUTC());

  StatementShapesTest() {
    catalog.define("sales", "stores", "store_id", "integer", "zip_code", "text", "region", "text");
    policy.decisions.set(Map.of("alice", ChangingPolicy.storesFiltered("EU", Map.of("zip_code", new ColumnMask.Redact())),
        "bob", ChangingPolicy.storesFiltered("US", Map.of())));
  }

  private static SessionIdentity session(String user) {
    return new SessionIdentity("s-" + user, new Subject(user, List.of(), Map.of()), "mesh", "127.0.0.1", "test");
  }

  /** Governs with and without shapes, asserts the same outcome, returns the shaped one. */
  private GovernedStatement same(String user, String sql) {
    GovernedStatement expected = withoutShapes.govern(session(user), sql, SEARCH_PATH);
    GovernedStatement actual = withShapes.govern(session(user), sql, SEARCH_PATH);
    // A write's row filter check markers are fresh per rewrite; everything else must be equal.
    assertEquals(expected.forwardedSql().map(StatementShapesTest::withoutMarkers),
        actual.forwardedSql().map(StatementShapesTest::withoutMarkers), sql);
    assertEquals(expected.refusal(), actual.refusal(), sql);
    assertEquals(expected.outcome(), actual.outcome(), sql);
    assertEquals(expected.relations(), actual.relations(), sql);
    assertEquals(expected.decision(), actual.decision(), sql);
    assertEquals(sql, actual.originalSql(), "the audit event records the client's own text");
    return actual;
  }

  private static String withoutMarkers(String sql) {
    return sql.replaceAll("meshgate_row_check_[0-9a-f]+", "meshgate_row_check_");
  }

  @Test
  void eachUserGetsItsOwnDecisionForTheSameShape() {
    for (int store = 1; store <= 20; store++) {
      for (String user : List.of("alice", "bob")) {
        GovernedStatement governed = same(user,
            "SELECT zip_code, region FROM sales.stores WHERE store_id = " + store + " AND zip_code <> 'z" + store + "'");
        String forwarded = governed.forwardedSql().orElseThrow();
        assertTrue(forwarded.contains("'" + (user.equals("alice") ? "EU" : "US") + "'"), forwarded);
        assertTrue(forwarded.contains("(\"store_id\" = " + store + ")"), forwarded);
      }
    }
    // A user without a grant is refused exactly as without shapes.
    assertFalse(same("carol", "SELECT zip_code FROM sales.stores WHERE store_id = 3").isForwarded());
    StatementCache.Statistics statistics = shaped.statistics();
    assertTrue(statistics.shapeHits() >= 36, statistics.toString());
    // Every statement asked the policy for its own user.
    assertTrue(policy.inputs.stream().anyMatch(input -> input.subject().user().equals("carol")));
  }

  @Test
  void ddlIsSeenByTheNextStatementOfAShape() {
    String before = same("alice", "SELECT * FROM sales.stores WHERE store_id = 1").forwardedSql().orElseThrow();
    assertFalse(before.contains("opened"), before);
    // ALTER TABLE sales.stores ADD COLUMN opened date, seen by the schema catalog.
    catalog.define("sales", "stores", "store_id", "integer", "zip_code", "text", "region", "text",
        "opened", "date");
    String after = same("alice", "SELECT * FROM sales.stores WHERE store_id = 2").forwardedSql().orElseThrow();
    assertTrue(after.contains("\"opened\""), after);
    // DROP TABLE: refused as an unknown relation.
    catalog.tables.clear();
    assertEquals("42P01", same("alice", "SELECT * FROM sales.stores WHERE store_id = 3").refusal().orElseThrow()
        .sqlState());
  }

  @Test
  void aPolicyChangeIsSeenByTheNextStatementOfAShape() {
    same("alice", "SELECT zip_code FROM sales.stores WHERE store_id = 1");
    policy.decisions.set(Map.of("alice", ChangingPolicy.storesFiltered("APAC", Map.of())));
    policy.revision.set("r2");
    String after = same("alice", "SELECT zip_code FROM sales.stores WHERE store_id = 2").forwardedSql().orElseThrow();
    assertTrue(after.contains("'APAC'") && !after.contains("'EU'"), after);
    policy.decisions.set(Map.of());
    policy.revision.set("r3");
    assertEquals("42501", same("alice", "SELECT zip_code FROM sales.stores WHERE store_id = 3").refusal()
        .orElseThrow().sqlState());
  }

  @Test
  void hostileLiteralsAreSplicedAsTheirValues() {
    for (String literal : List.of("'x'' OR ''1''=''1'", "'$1'", "'-- x'", "'/* x'", "'; DELETE FROM t; --'",
        "'back\\slash\\'", "'a'\n'b'", "''")) {
      GovernedStatement governed = same("bob", "SELECT zip_code FROM sales.stores WHERE zip_code = " + literal
          + " AND store_id = 4");
      assertTrue(governed.isForwarded(), literal);
    }
    assertTrue(shaped.statistics().shapeHits() >= 7, shaped.statistics().toString());
  }

  @Test
  void statementsThatCannotBeSplicedAreGovernedAsText() {
    // A catalog read, no shape, a write with row filter checks, a syntax error.
    catalog.define("pg_catalog", "pg_class", "oid", "oid", "relname", "name");
    same("alice", "SELECT relname FROM pg_catalog.pg_class WHERE relname = 'stores'");
    same("alice", "SELECT zip_code FROM sales.stores WHERE store_id IN (1, 2)");
    same("alice", "UPDATE sales.stores SET region = 'US' WHERE store_id = 5");
    same("alice", "SELECT zip_code FROM sales.stores WHERE store_id = 5 AND");
    same("alice", "SELECT no_such_column FROM sales.stores WHERE store_id = 5");
  }

  @Test
  void theStatementsOfAQueryAreShapedFromTheQuerysOwnTokens() {
    // governQuery lexes the message once and shapes each statement from its share of the tokens.
    String[] queries = {
        "SELECT zip_code FROM sales.stores WHERE store_id = 4;",
        "/* a */ SELECT zip_code FROM sales.stores WHERE store_id = 5 -- b",
        "SELECT region FROM sales.stores WHERE zip_code = 'x;y'; /* c */ SELECT zip_code FROM sales.stores"
            + " WHERE store_id = 6 ;; SET search_path = sales; SELECT zip_code FROM stores WHERE store_id = 7",
        "SELECT zip_code FROM sales.stores WHERE store_id = 8; SELECT 'unterminated",
    };
    for (int round = 0; round < 2; round++) {
      for (String query : queries) {
        List<GovernedStatement> expected = withoutShapes.governQuery(session("alice"), query, SEARCH_PATH, SEARCH_PATH);
        List<GovernedStatement> actual = withShapes.governQuery(session("alice"), query, SEARCH_PATH, SEARCH_PATH);
        assertEquals(expected.size(), actual.size(), query);
        for (int index = 0; index < expected.size(); index++) {
          assertEquals(expected.get(index).forwardedSql(), actual.get(index).forwardedSql(), query);
          assertEquals(expected.get(index).refusal(), actual.get(index).refusal(), query);
          assertEquals(expected.get(index).originalSql(), actual.get(index).originalSql(), query);
        }
      }
    }
    // The second round's statements were spliced into templates of the first round.
    assertTrue(shaped.statistics().shapeHits() >= 5, shaped.statistics().toString());
  }

  @Test
  void aShapeThatWasNotSplicedIsGovernedAsTextWithoutTryingItsSentinelAgain() {
    // carol has no grant: the sentinel statement is refused, then the text; the next
    // statements of the shape go straight to their text (one decision each, not two).
    same("carol", "SELECT zip_code FROM sales.stores WHERE store_id = 1");
    long asked = policy.inputs.stream().filter(input -> input.subject().user().equals("carol")).count();
    for (int store = 2; store <= 5; store++) {
      assertFalse(same("carol", "SELECT zip_code FROM sales.stores WHERE store_id = " + store).isForwarded());
    }
    long askedAfter = policy.inputs.stream().filter(input -> input.subject().user().equals("carol")).count();
    // same() asks once without shapes and once with, per statement.
    assertEquals(asked + 4 * 2, askedAfter);
    // The hint is per user: alice's statements of the same shape are still spliced.
    long hits = shaped.statistics().shapeHits();
    same("alice", "SELECT zip_code FROM sales.stores WHERE store_id = 6");
    same("alice", "SELECT zip_code FROM sales.stores WHERE store_id = 7");
    assertTrue(shaped.statistics().shapeHits() > hits, shaped.statistics().toString());
    // And a hint never changes an outcome: once carol is granted, her statements are allowed.
    policy.decisions.set(Map.of("carol", ChangingPolicy.storesFiltered("EU", Map.of())));
    assertTrue(same("carol", "SELECT zip_code FROM sales.stores WHERE store_id = 8").isForwarded());
  }
}
