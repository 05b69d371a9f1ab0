package io.meshgate.policy.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Access;
import io.meshgate.policy.DdlAction;
import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingPolicyEngineTest {

  private static final Subject ALICE = new Subject("alice", List.of("analysts"), Map.of("region", "EU"));
  private static final RelationAccess STORES =
      new RelationAccess(
          new RelationName("mesh", "sales", "stores"),
          Access.READ,
          List.of("store_id", "zip_code", "region"),
          List.of("store_id"));

  /** A hand-written engine that hands out a fresh decision per call and records its inputs. */
  private static final class RecordingEngine implements PolicyEngine {
    final List<PolicyInput> inputs = new ArrayList<>();
    final Deque<PolicyEngineException> failures = new ArrayDeque<>();
    String revision = "r1";
    boolean closed;

    @Override
    public Decision decide(PolicyInput input) throws PolicyEngineException {
      inputs.add(input);
      if (!failures.isEmpty()) {
        throw failures.removeFirst();
      }
      return new Decision(true, List.of(), Map.of(), List.of("call-" + inputs.size()));
    }

    @Override
    public String revision() {
      return revision;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final RecordingEngine engine = new RecordingEngine();
  private final AtomicLong nanos = new AtomicLong();
  private final CachingPolicyEngine cache =
      new CachingPolicyEngine(engine, Duration.ofSeconds(5), 100, nanos::get);

  private static PolicyInput input(Subject subject, String sessionId, Instant time, RelationAccess... relations) {
    return new PolicyInput(
        subject,
        new RequestContext("mesh", "127.0.0.1", "psql", sessionId, time),
        StatementKind.SELECT,
        List.of(relations));
  }

  private static PolicyInput input(Subject subject) {
    return input(subject, "session-1", Instant.parse("2026-11-21T10:15:00Z"), STORES);
  }

  @Test
  void secondIdenticalStatementIsAHit() throws Exception {
    Decision first = cache.decide(input(ALICE));
    Decision second = cache.decide(input(ALICE));

    assertSame(first, second);
    assertEquals(1, engine.inputs.size());
    assertEquals(new CacheStatistics(1, 1, 0, 1), cache.statistics());
  }

  @Test
  void cachedDecisionReadsTheCacheAloneAndCountsOnlyWhatIsUsed() throws Exception {
    assertEquals(Optional.empty(), cache.cachedDecision(input(ALICE)));
    assertEquals(0, engine.inputs.size(), "never asks the engine");
    assertEquals(new CacheStatistics(0, 0, 0, 0), cache.statistics(), "a miss is counted by decide, not here");

    Decision decided = cache.decide(input(ALICE));
    assertSame(decided, cache.cachedDecision(input(ALICE)).orElseThrow());
    assertEquals(new CacheStatistics(0, 1, 0, 1), cache.statistics());
    cache.countCachedHits(1);
    assertEquals(new CacheStatistics(1, 1, 0, 1), cache.statistics());

    engine.revision = "r2";
    assertEquals(Optional.empty(), cache.cachedDecision(input(ALICE)), "a new revision is another key");
    engine.revision = "r1";
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    assertEquals(Optional.empty(), cache.cachedDecision(input(ALICE)), "an expired decision is not served");
    assertEquals(1, engine.inputs.size());
  }

  @Test
  void aFailureIsNeverServedFromTheCache() {
    engine.failures.add(new PolicyEngineException.Unavailable("down", null));
    assertThrows(PolicyEngineException.Unavailable.class, () -> cache.decide(input(ALICE)));
    assertEquals(Optional.empty(), cache.cachedDecision(input(ALICE)));
  }

  @Test
  void sessionAndTimeAreNotPartOfTheKey() throws Exception {
    cache.decide(input(ALICE, "session-1", Instant.parse("2026-11-21T10:15:00Z"), STORES));
    cache.decide(input(ALICE, "session-2", Instant.parse("2026-11-21T10:15:03Z"), STORES));

    assertEquals(1, engine.inputs.size());
  }

  @Test
  void differentSubjectIsAMiss() throws Exception {
    cache.decide(input(ALICE));
    cache.decide(input(new Subject("bob", List.of("analysts"), Map.of("region", "EU"))));
    cache.decide(input(new Subject("alice", List.of("analysts"), Map.of("region", "US"))));
    cache.decide(input(new Subject("alice", List.of("analysts", "auditors"), Map.of("region", "EU"))));

    assertEquals(4, engine.inputs.size());
    assertEquals(0, cache.statistics().hitCount());
  }

  @Test
  void differentRelationsAccessOrColumnsAreMisses() throws Exception {
    RelationAccess otherColumns =
        new RelationAccess(STORES.relation(), Access.READ, STORES.columns(), List.of("store_id", "region"));
    RelationAccess otherAccess =
        new RelationAccess(STORES.relation(), Access.UPDATE, STORES.columns(), STORES.referencedColumns());
    RelationAccess otherTable =
        new RelationAccess(new RelationName("mesh", "sales", "store_transactions"), Access.READ, List.of(), List.of());
    Instant time = Instant.parse("2026-11-21T10:15:00Z");

    cache.decide(input(ALICE, "s", time, STORES));
    cache.decide(input(ALICE, "s", time, otherColumns));
    cache.decide(input(ALICE, "s", time, otherAccess));
    cache.decide(input(ALICE, "s", time, otherTable));
    cache.decide(input(ALICE, "s", time, STORES, otherTable));
    cache.decide(new PolicyInput(ALICE, input(ALICE).context(), StatementKind.COPY_OUT, List.of(STORES)));

    assertEquals(6, engine.inputs.size());
  }

  /**
   * A decision for DDL is never served for another action or target, nor for the same table
   * read: an owner's allowed {@code ADD COLUMN} must not stand in for a {@code DROP TABLE}, and
   * a cached allow of a relation-free statement must not stand in for DDL.
   */
  @Test
  void ddlActionsAndTargetsAreMisses() throws Exception {
    RelationAccess ddlStores =
        new RelationAccess(STORES.relation(), Access.DDL, STORES.columns(), List.of("region"));
    RelationAccess ddlOther =
        new RelationAccess(new RelationName("mesh", "sales", "other"), Access.DDL, List.of(), List.of("region"));
    Instant time = Instant.parse("2026-11-21T10:15:00Z");
    RequestContext context = input(ALICE, "s", time, STORES).context();

    cache.decide(new PolicyInput(ALICE, context, StatementKind.SELECT, List.of()));
    cache.decide(new PolicyInput(ALICE, context, StatementKind.DDL, List.of(), Optional.of(DdlAction.CREATE_TABLE)));
    cache.decide(new PolicyInput(ALICE, context, StatementKind.DDL, List.of(ddlStores), Optional.of(DdlAction.ADD_COLUMN)));
    cache.decide(new PolicyInput(ALICE, context, StatementKind.DDL, List.of(ddlStores), Optional.of(DdlAction.DROP_COLUMN)));
    cache.decide(new PolicyInput(ALICE, context, StatementKind.DDL, List.of(ddlOther), Optional.of(DdlAction.ADD_COLUMN)));
    cache.decide(input(ALICE, "s", time, STORES));
    assertEquals(6, engine.inputs.size());

    cache.decide(new PolicyInput(ALICE, context, StatementKind.DDL, List.of(ddlStores), Optional.of(DdlAction.ADD_COLUMN)));
    assertEquals(6, engine.inputs.size(), "the same DDL input is served from the cache");
  }

  @Test
  void newRevisionIsAMiss() throws Exception {
    cache.decide(input(ALICE));
    engine.revision = "r2";
    cache.decide(input(ALICE));
    cache.decide(input(ALICE));

    assertEquals(2, engine.inputs.size());
    assertEquals("r2", cache.revision());
  }

  @Test
  void failuresAreNotCached() throws Exception {
    engine.failures.add(new PolicyEngineException.Unavailable("OPA is down", null));
    engine.failures.add(new PolicyEngineException.MalformedDecision("policy returned no decision (undefined)"));

    assertThrows(PolicyEngineException.Unavailable.class, () -> cache.decide(input(ALICE)));
    assertThrows(PolicyEngineException.MalformedDecision.class, () -> cache.decide(input(ALICE)));
    Decision decision = cache.decide(input(ALICE));

    assertTrue(decision.allow());
    assertEquals(3, engine.inputs.size());
    assertEquals(0, cache.statistics().hitCount());
  }

  @Test
  void entriesExpireAfterWrite() throws Exception {
    cache.decide(input(ALICE));
    nanos.addAndGet(Duration.ofSeconds(4).toNanos());
    cache.decide(input(ALICE));
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    cache.decide(input(ALICE));

    assertEquals(2, engine.inputs.size());
  }

  @Test
  void invalidateAllForgetsEverything() throws Exception {
    cache.decide(input(ALICE));
    cache.invalidateAll();
    cache.decide(input(ALICE));

    assertEquals(2, engine.inputs.size());
  }

  @Test
  void sizeIsBounded() throws Exception {
    CachingPolicyEngine small = new CachingPolicyEngine(engine, Duration.ofMinutes(1), 2, nanos::get);
    for (int user = 0; user < 10; user++) {
      small.decide(input(new Subject("user" + user, List.of(), Map.of())));
    }
    small.statistics(); // Caffeine evicts in maintenance; reading runs it on this thread.

    assertTrue(small.statistics().estimatedSize() <= 2, small.statistics().toString());
    assertTrue(small.statistics().evictionCount() >= 8, small.statistics().toString());
  }

  @Test
  void closeClosesTheWrappedEngine() {
    cache.close();

    assertTrue(engine.closed);
  }

  @Test
  void rejectsNonsenseConfiguration() {
    assertThrows(IllegalArgumentException.class, () -> new CachingPolicyEngine(engine, Duration.ZERO, 10));
    assertThrows(IllegalArgumentException.class, () -> new CachingPolicyEngine(engine, Duration.ofSeconds(1), 0));
  }
}
