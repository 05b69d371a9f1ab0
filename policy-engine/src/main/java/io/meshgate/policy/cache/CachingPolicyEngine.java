package io.meshgate.policy.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import java.time.Duration;
import java.util.Optional;

/**
 * Caches the decisions of another engine, keyed by subject, statement kind, DDL action, relations (with
 * access, columns and referenced columns), database, client address, application name and the
 * engine's {@link PolicyEngine#revision() revision}; not by session id or time. Entries expire a
 * fixed time after they were written (default 5 s), so a policy change that keeps the revision
 * (e.g. new data in OPA) is seen within that time; a new revision is seen at once. Failures are
 * never cached: the next statement asks again.
 *
 * <p>{@link #cachedDecision} reads the cache alone, for callers that must not block.
 */
public final class CachingPolicyEngine implements PolicyEngine {

  public static final Duration DEFAULT_EXPIRE_AFTER_WRITE = Duration.ofSeconds(5);
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  private final PolicyEngine delegate;
  private final Cache<DecisionCacheKey, Decision> cache;
  /** The cache's counters, held so that {@link #countCachedHits} can add the hits of {@link #cachedDecision}. */
  private final ConcurrentStatsCounter counters = new ConcurrentStatsCounter();

  /** A cache with the defaults: 5 s after write, at most 10 000 decisions. */
  public CachingPolicyEngine(PolicyEngine delegate) {
    this(delegate, DEFAULT_EXPIRE_AFTER_WRITE, DEFAULT_MAXIMUM_SIZE);
  }

  /** A cache of at most {@value #DEFAULT_MAXIMUM_SIZE} decisions, each kept {@code expireAfterWrite}. */
  public CachingPolicyEngine(PolicyEngine delegate, Duration expireAfterWrite) {
    this(delegate, expireAfterWrite, DEFAULT_MAXIMUM_SIZE);
  }

  public CachingPolicyEngine(PolicyEngine delegate, Duration expireAfterWrite, long maximumSize) {
    this(delegate, expireAfterWrite, maximumSize, Ticker.systemTicker());
  }

  CachingPolicyEngine(PolicyEngine delegate, Duration expireAfterWrite, long maximumSize, Ticker ticker) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    requireNonNull(expireAfterWrite, "expireAfterWrite is null");
    requireNonNull(ticker, "ticker is null");
    if (expireAfterWrite.isNegative() || expireAfterWrite.isZero()) {
      throw new IllegalArgumentException("decision cache expire-after-write must be positive");
    }
    if (maximumSize <= 0) {
      throw new IllegalArgumentException("decision cache maximum size must be positive");
    }
    this.cache =
        Caffeine.newBuilder()
            .expireAfterWrite(expireAfterWrite)
            .maximumSize(maximumSize)
            .ticker(ticker)
            // Evictions and expiries run on the caller's thread: no extra pool, and tests see them
            // without waiting for a background task.
            .executor(Runnable::run)
            .recordStats(() -> counters)
            .build();
  }

  @Override
  public Decision decide(PolicyInput input) throws PolicyEngineException {
    requireNonNull(input, "input is null");
    DecisionCacheKey key = DecisionCacheKey.of(input, delegate.revision());
    Decision cached = cache.getIfPresent(key);
    if (cached != null) {
      return cached;
    }
    // Not Cache.get(key, loader): the loader would run inside Caffeine's lock on the key's
    // bucket for the length of an OPA round trip. Two concurrent misses for the same key ask
    // twice; both get a correct decision.
    Decision decision = delegate.decide(input);
    cache.put(key, decision);
    return decision;
  }

  /**
   * The decision {@link #decide} would return now from the cache, without asking the engine
   * (so without blocking), or empty when it would ask: nothing cached for this input and
   * revision, or the entry expired. Failures are never cached, so this never fails. Not
   * counted: a caller that uses the decision counts it with {@link #countCachedHits}, one that
   * gives up and calls {@link #decide} is counted there, so every decision counts once.
   */
  public Optional<Decision> cachedDecision(PolicyInput input) {
    requireNonNull(input, "input is null");
    // The map view's get records no statistics (Cache.getIfPresent would count a miss or hit).
    return Optional.ofNullable(cache.asMap().get(DecisionCacheKey.of(input, delegate.revision())));
  }

  /** Counts {@code hits} decisions of {@link #cachedDecision} that were used, as cache hits. */
  public void countCachedHits(int hits) {
    if (hits < 0) {
      throw new IllegalArgumentException("hits must not be negative");
    }
    counters.recordHits(hits);
  }

  @Override
  public String revision() {
    return delegate.revision();
  }

  /** Drops every cached decision, e.g. after policies were reloaded under the same revision. */
  public void invalidateAll() {
    cache.invalidateAll();
  }

  public CacheStatistics statistics() {
    CacheStats stats = cache.stats();
    return new CacheStatistics(stats.hitCount(), stats.missCount(), stats.evictionCount(), cache.estimatedSize());
  }

  /** Closes the wrapped engine. */
  @Override
  public void close() {
    cache.invalidateAll();
    delegate.close();
  }
}
