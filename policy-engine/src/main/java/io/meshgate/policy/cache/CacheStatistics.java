package io.meshgate.policy.cache;

/**
 * Counters of a decision cache since it was created, for metrics. Every {@code decide} is either
 * a hit or a miss; failed decisions count as misses and are not cached.
 */
public record CacheStatistics(long hitCount, long missCount, long evictionCount, long estimatedSize) {
  public CacheStatistics {
    if (hitCount < 0 || missCount < 0 || evictionCount < 0 || estimatedSize < 0) {
      throw new IllegalArgumentException("cache counters must not be negative");
    }
  }

  public long requestCount() {
    return hitCount + missCount;
  }

  /** Hits per request, 1.0 when there were no requests (as Caffeine reports it). */
  public double hitRate() {
    long requests = requestCount();
    return requests == 0 ? 1.0 : (double) hitCount / requests;
  }
}
