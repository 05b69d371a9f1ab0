package io.meshgate.proxy.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.Subject;
import io.meshgate.policy.cache.CacheStatistics;
import io.meshgate.policy.cache.CachingPolicyEngine;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Governing from memory (the event loop's fast path) gives exactly what the blocking way gives,
 * counts the caches' hits exactly as the blocking way would, and gives up, without asking the
 * policy engine, loading metadata or parsing, whenever something is not held: a statement never
 * seen, a new policy revision, a table changed by DDL, an expired decision.
 */
class GovernFromMemoryTest {
  private static final List<String> SEARCH_PATH = List.of("$user", "public");
  private static final List<String> RESET_PATH = List.of("$user", "public");
  private static final RelationName STORES = new RelationName("mesh", "sales", "stores");

  /**
   * A metadata cache over a backend: {@link #table} loads what it does not hold (counted, as
   * a JDBC query would be), {@link #answersFromMemory} reads only what it holds, and DDL
   * ({@link #invalidate}) forgets.
   */
  private static final class LoadingCatalog implements SchemaCatalog {
    final Map<String, Optional<TableSchema>> backend = new ConcurrentHashMap<>();
    final Map<String, Optional<TableSchema>> held = new ConcurrentHashMap<>();
    final AtomicInteger loads = new AtomicInteger();
    volatile boolean broken;

    void define(String schema, String table, String... columnsAndTypes) {
      List<ColumnSchema> columns = new ArrayList<>();
      for (int index = 0; index < columnsAndTypes.length; index += 2) {
        columns.add(new ColumnSchema(columnsAndTypes[index], columnsAndTypes[index + 1]));
      }
      backend.put(schema + "." + table, Optional.of(new TableSchema(new RelationName("mesh", schema, table), columns)));
    }

    @Override
    public Optional<TableSchema> table(String schema, String table) {
      return held.computeIfAbsent(schema + "." + table, key -> {
        loads.incrementAndGet();
        return backend.getOrDefault(key, Optional.empty());
      });
    }

    @Override
    public boolean answersFromMemory(String schema, String table, Optional<TableSchema> answer) {
      if (broken) {
        throw new IllegalStateException("a bug on the way from memory");
      }
      return answer.equals(held.get(schema + "." + table));
    }

    @Override
    public void invalidate(String schema, String table) {
      held.remove(schema + "." + table);
    }
  }

  private final LoadingCatalog catalog = new LoadingCatalog();
  private final ChangingPolicy policy = new ChangingPolicy();
  private final CachingPolicyEngine decisions = new CachingPolicyEngine(policy, Duration.ofMinutes(5));
  private final StatementCache statements =
      StatementCache.over(catalog, "mesh", FunctionAllowlist.builtIn(), StatementCache.DEFAULT_MAXIMUM_BYTES, StatementCache.Shapes.ON);
  private final StatementGovernor governor = new StatementGovernor(statements, decisions, Clock.systemUTC());

  GovernFromMemoryTest() {
    catalog.define("sales", "stores", "store_id", "integer", "zip_code", "text", "region", "text");
    catalog.define("sales", "orders", "order_id", "integer", "store_id", "integer", "amount", "numeric");
    policy.decisions.set(Map.of("alice", ChangingPolicy.storesFiltered("EU", Map.of("zip_code", new ColumnMask.Redact())),
        "bob", ChangingPolicy.storesFiltered("US", Map.of())));
  }

  private static SessionIdentity session(String user) {
    return new SessionIdentity("s-" + user, new Subject(user, List.of(), Map.of()), "mesh", "127.0.0.1", "test");
  }

  /** Timings are the only thing allowed to differ between two governings of the same text. */
  private static List<GovernedStatement> withoutTimings(List<GovernedStatement> governed) {
    return governed.stream().map(statement -> new GovernedStatement(statement.originalSql(),
        statement.forwardedSql(), statement.refusal(), statement.outcome(), statement.kind(), statement.ddlAction(),
        statement.relations(), statement.decision(), statement.policyRevision(), new GovernedStatement.StageTimings(0, 0, 0),
        statement.rowFilterChecks(), statement.preparedStatementUse())).toList();
  }

  private record Counters(StatementCache.Statistics statements, CacheStatistics decisions, int asked, int loads) {}

  /**
   * The counters, and the analyses held; not the bytes held, which also follow the sentinel
   * statements a shape makes, something these tests do not count.
   */
  private Counters counters() {
    StatementCache.Statistics counted = statements.statistics();
    return new Counters(new StatementCache.Statistics(counted.analysisHits(), counted.analysisMisses(),
        counted.rewriteHits(), counted.rewriteMisses(), counted.cachedStatements(), counted.shapeHits(),
        counted.shapeMisses(), 0), decisions.statistics(), policy.asked(), catalog.loads.get());
  }

  private static final List<String> MESSAGES = List.of(
      // spliced: a shape with literals, per user
      "SELECT zip_code, region FROM sales.stores WHERE store_id = 7 AND zip_code <> 'z7'",
      // no literal to lift: the text path
      "SELECT count(*) FROM sales.stores s JOIN sales.orders o ON o.store_id = s.store_id",
      // passthrough: no decision
      "BEGIN",
      "SET application_name = 'reports'",
      // several statements in one message, one of them changing the search path
      "BEGIN; SET search_path = sales; SELECT region FROM stores WHERE store_id = 3; COMMIT",
      // a write
      "INSERT INTO sales.orders (order_id, store_id, amount) VALUES (1, 2, 3.5)");

  @Test
  void fromMemoryIsWhatTheBlockingWayGivesAndCountsTheSame() {
    for (String user : List.of("alice", "bob", "carol")) {
      for (String sql : MESSAGES) {
        governor.governQuery(session(user), sql, SEARCH_PATH, RESET_PATH); // fills the caches
        Counters beforeBlocking = counters();
        List<GovernedStatement> blocking = governor.governQuery(session(user), sql, SEARCH_PATH, RESET_PATH);
        Counters afterBlocking = counters();
        Optional<List<GovernedStatement>> fromMemory =
            governor.governQueryIfCached(session(user), sql, SEARCH_PATH, RESET_PATH);
        Counters afterFromMemory = counters();
        assertTrue(fromMemory.isPresent(), user + ": " + sql);
        assertEquals(withoutTimings(blocking), withoutTimings(fromMemory.get()), user + ": " + sql);
        // The same hits counted, nothing asked or loaded by either (all cached).
        assertEquals(difference(beforeBlocking, afterBlocking), difference(afterBlocking, afterFromMemory),
            user + ": " + sql);
        assertEquals(afterBlocking.asked(), afterFromMemory.asked());
        assertEquals(afterBlocking.loads(), afterFromMemory.loads());
      }
    }
    // Refusals from a cached decision are governed from memory too, as the blocking way does.
    assertFalse(governor.governQueryIfCached(session("carol"), MESSAGES.get(0), SEARCH_PATH, RESET_PATH)
        .orElseThrow().get(0).isForwarded());
    // And a single statement (a Parse) likewise.
    String parse = "SELECT zip_code FROM sales.stores WHERE store_id = $1";
    GovernedStatement blocking = governor.govern(session("alice"), parse, SEARCH_PATH);
    assertEquals(withoutTimings(List.of(blocking)),
        withoutTimings(List.of(governor.governIfCached(session("alice"), parse, SEARCH_PATH).orElseThrow())));
  }

  private static List<Long> difference(Counters before, Counters after) {
    StatementCache.Statistics first = before.statements();
    StatementCache.Statistics second = after.statements();
    return List.of(second.analysisHits() - first.analysisHits(), second.analysisMisses() - first.analysisMisses(),
        second.rewriteHits() - first.rewriteHits(), second.rewriteMisses() - first.rewriteMisses(),
        second.shapeHits() - first.shapeHits(), second.shapeMisses() - first.shapeMisses(),
        after.decisions().hitCount() - before.decisions().hitCount(), after.decisions().missCount() - before.decisions().missCount());
  }

  @Test
  void aStatementNeverSeenIsNotGovernedFromMemoryAndNothingIsAskedParsedOrCounted() {
    Counters before = counters();
    assertTrue(governor.governQueryIfCached(session("alice"), MESSAGES.get(0), SEARCH_PATH, RESET_PATH).isEmpty());
    assertTrue(governor.governIfCached(session("alice"), MESSAGES.get(1), SEARCH_PATH).isEmpty());
    Counters after = counters();
    assertEquals(before, after);
    assertEquals(0, after.statements().cachedStatements(), "nothing was analysed");
    assertEquals(0, policy.asked());
    assertEquals(0, catalog.loads.get());
  }

  @Test
  void aStatementWhoseDecisionIsNotCachedGivesUpWithoutAskingTheEngine() {
    String sql = MESSAGES.get(0);
    governor.governQuery(session("alice"), sql, SEARCH_PATH, RESET_PATH);
    int asked = policy.asked();
    // Same text and analysis, but bob's decision was never made: the engine would be asked.
    Counters before = counters();
    assertTrue(governor.governQueryIfCached(session("bob"), sql, SEARCH_PATH, RESET_PATH).isEmpty());
    assertEquals(asked, policy.asked(), "the fast path never asks the policy engine");
    assertEquals(before, counters(), "a fast path that gives up counts nothing");
    // The blocking way asks, and from then on bob's statements are governed from memory.
    governor.governQuery(session("bob"), sql, SEARCH_PATH, RESET_PATH);
    assertEquals(asked + 1, policy.asked());
    assertTrue(governor.governQueryIfCached(session("bob"), sql, SEARCH_PATH, RESET_PATH).isPresent());
  }

  @Test
  void aMessageWithOneStatementNotCachedIsGovernedWholeTheBlockingWay() {
    governor.governQuery(session("alice"), "BEGIN", SEARCH_PATH, RESET_PATH);
    Counters before = counters();
    assertTrue(governor.governQueryIfCached(session("alice"),
        "BEGIN; SELECT region FROM sales.stores WHERE store_id = 1", SEARCH_PATH, RESET_PATH).isEmpty());
    assertEquals(before, counters(), "BEGIN's hit is not counted: the blocking way will count it");
  }

  @Test
  void aNewPolicyRevisionIsNotServedFromMemory() {
    String sql = MESSAGES.get(0);
    GovernedStatement underR1 = governor.governQuery(session("alice"), sql, SEARCH_PATH, RESET_PATH).get(0);
    assertTrue(governor.governQueryIfCached(session("alice"), sql, SEARCH_PATH, RESET_PATH).isPresent());
    policy.decisions.set(Map.of("alice", ChangingPolicy.storesFiltered("US", Map.of())));
    policy.revision.set("r2");
    assertTrue(governor.governQueryIfCached(session("alice"), sql, SEARCH_PATH, RESET_PATH).isEmpty());
    GovernedStatement underR2 = governor.governQuery(session("alice"), sql, SEARCH_PATH, RESET_PATH).get(0);
    assertEquals("r2", underR2.policyRevision());
    assertTrue(underR2.forwardedSql().orElseThrow().contains("'US'"), underR2.forwardedSql().orElseThrow());
    GovernedStatement fromMemory =
        governor.governQueryIfCached(session("alice"), sql, SEARCH_PATH, RESET_PATH).orElseThrow().get(0);
    assertEquals(underR2.forwardedSql(), fromMemory.forwardedSql());
    assertFalse(fromMemory.forwardedSql().equals(underR1.forwardedSql()));
  }

  @Test
  void ddlMakesTheNextStatementGoTheBlockingWayWithoutLoadingOnTheLoop() {
    String sql = "SELECT * FROM sales.stores WHERE store_id = 4";
    GovernedStatement before = governor.governQuery(session("bob"), sql, SEARCH_PATH, RESET_PATH).get(0);
    assertFalse(before.forwardedSql().orElseThrow().contains("opened"));
    catalog.define("sales", "stores", "store_id", "integer", "zip_code", "text", "region", "text", "opened", "date");
    governor.schemaChanged(STORES);
    int loads = catalog.loads.get();
    assertTrue(governor.governQueryIfCached(session("bob"), sql, SEARCH_PATH, RESET_PATH).isEmpty());
    assertEquals(loads, catalog.loads.get(), "the fast path never loads metadata");
    GovernedStatement after = governor.governQuery(session("bob"), sql, SEARCH_PATH, RESET_PATH).get(0);
    assertTrue(after.forwardedSql().orElseThrow().contains("opened"), after.forwardedSql().orElseThrow());
    assertEquals(after.forwardedSql(), governor.governQueryIfCached(session("bob"), sql, SEARCH_PATH, RESET_PATH)
        .orElseThrow().get(0).forwardedSql());
  }

  @Test
  void anExpiredDecisionIsNotServedFromMemory() throws InterruptedException {
    CachingPolicyEngine briefly = new CachingPolicyEngine(policy, Duration.ofMillis(200));
    StatementGovernor shortLived = new StatementGovernor(statements, briefly, Clock.systemUTC());
    String sql = MESSAGES.get(0);
    shortLived.governQuery(session("alice"), sql, SEARCH_PATH, RESET_PATH);
    assertTrue(shortLived.governQueryIfCached(session("alice"), sql, SEARCH_PATH, RESET_PATH).isPresent());
    Thread.sleep(400);
    int asked = policy.asked();
    assertTrue(shortLived.governQueryIfCached(session("alice"), sql, SEARCH_PATH, RESET_PATH).isEmpty());
    assertEquals(asked, policy.asked());
    shortLived.governQuery(session("alice"), sql, SEARCH_PATH, RESET_PATH);
    assertEquals(asked + 1, policy.asked(), "the blocking way asks again");
  }

  @Test
  void aFailureOnTheWayFromMemoryGivesUpRatherThanThrowingIntoTheEventLoop() {
    String sql = MESSAGES.get(0);
    governor.governQuery(session("alice"), sql, SEARCH_PATH, RESET_PATH);
    catalog.broken = true;
    Counters before = counters();
    assertTrue(governor.governQueryIfCached(session("alice"), sql, SEARCH_PATH, RESET_PATH).isEmpty());
    assertTrue(governor.governIfCached(session("alice"), sql, SEARCH_PATH).isEmpty());
    assertEquals(before, counters());
  }

  @Test
  void withoutADecisionCacheOnlyStatementsWithoutADecisionAreGovernedFromMemory() {
    StatementGovernor uncached = new StatementGovernor(statements, policy, Clock.systemUTC());
    uncached.governQuery(session("alice"), MESSAGES.get(0), SEARCH_PATH, RESET_PATH);
    uncached.governQuery(session("alice"), "BEGIN", SEARCH_PATH, RESET_PATH);
    int asked = policy.asked();
    assertTrue(uncached.governQueryIfCached(session("alice"), MESSAGES.get(0), SEARCH_PATH, RESET_PATH).isEmpty());
    assertTrue(uncached.governQueryIfCached(session("alice"), "BEGIN", SEARCH_PATH, RESET_PATH).isPresent());
    assertEquals(asked, policy.asked());
  }
}
