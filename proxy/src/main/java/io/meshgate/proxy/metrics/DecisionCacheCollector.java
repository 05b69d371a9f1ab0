package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.cache.CacheStatistics;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.function.Supplier;

/**
 * The decision cache's counters, read from {@code CachingPolicyEngine.statistics()} when
 * Prometheus scrapes: the cache keeps its own counters, so copying them into metrics on every
 * decision would only add work on the statement path.
 */
final class DecisionCacheCollector extends Collector implements Collector.Describable {
  static final String HITS = "meshgate_decision_cache_hits_total";
  static final String MISSES = "meshgate_decision_cache_misses_total";
  static final String EVICTIONS = "meshgate_decision_cache_evictions_total";
  static final String SIZE = "meshgate_decision_cache_size";

  private static final String HITS_HELP = "Policy decisions answered from the decision cache.";
  private static final String MISSES_HELP = "Policy decisions that asked OPA (failed decisions included).";
  private static final String EVICTIONS_HELP = "Decisions removed from the cache (expired or over the size bound).";
  private static final String SIZE_HELP = "Decisions in the cache now (an estimate).";

  private final Supplier<CacheStatistics> statistics;

  DecisionCacheCollector(Supplier<CacheStatistics> statistics) {
    this.statistics = requireNonNull(statistics, "statistics is null");
  }

  @Override
  public List<MetricFamilySamples> collect() {
    CacheStatistics current = statistics.get();
    return List.of(
        new CounterMetricFamily(HITS, HITS_HELP, current.hitCount()),
        new CounterMetricFamily(MISSES, MISSES_HELP, current.missCount()),
        new CounterMetricFamily(EVICTIONS, EVICTIONS_HELP, current.evictionCount()),
        new GaugeMetricFamily(SIZE, SIZE_HELP, current.estimatedSize()));
  }

  @Override
  public List<MetricFamilySamples> describe() {
    // Registration asks for the names; answering without reading the cache keeps it side-effect free.
    return List.of(
        new CounterMetricFamily(HITS, HITS_HELP, List.of()),
        new CounterMetricFamily(MISSES, MISSES_HELP, List.of()),
        new CounterMetricFamily(EVICTIONS, EVICTIONS_HELP, List.of()),
        new GaugeMetricFamily(SIZE, SIZE_HELP, List.of()));
  }
}
