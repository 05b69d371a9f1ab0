package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.governance.StatementCache;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.function.Supplier;

/**
 * The statement cache's counters, read from {@code StatementCache.statistics()} when Prometheus
 * scrapes, as the decision cache's are: analyses, rewrites, and statements governed by shape
 * (spliced into a template already made, or not).
 */
final class StatementCacheCollector extends Collector implements Collector.Describable {
  static final String ANALYSIS_HITS = "meshgate_statement_cache_analysis_hits_total";
  static final String ANALYSIS_MISSES = "meshgate_statement_cache_analysis_misses_total";
  static final String REWRITE_HITS = "meshgate_statement_cache_rewrite_hits_total";
  static final String REWRITE_MISSES = "meshgate_statement_cache_rewrite_misses_total";
  static final String SHAPE_HITS = "meshgate_statement_cache_shape_hits_total";
  static final String SHAPE_MISSES = "meshgate_statement_cache_shape_misses_total";
  static final String SIZE = "meshgate_statement_cache_analyses";
  static final String BYTES = "meshgate_statement_cache_bytes";

  private static final String ANALYSIS_HITS_HELP = "Statements whose analysis (parse, names, columns) came from the cache.";
  private static final String ANALYSIS_MISSES_HELP = "Statements parsed and analysed afresh.";
  private static final String REWRITE_HITS_HELP = "Rewrites served from the cache (same analysis, decision, rows, revision).";
  private static final String REWRITE_MISSES_HELP = "Rewrites made afresh.";
  private static final String SHAPE_HITS_HELP =
      "Simple-protocol statements whose literals were spliced into a template already made for their shape.";
  private static final String SHAPE_MISSES_HELP =
      "Statements with a shape whose template was made now, or that could not be spliced and were governed as text.";
  private static final String SIZE_HELP = "Analysed statements in the cache now (an estimate).";
  private static final String BYTES_HELP = "Bytes the statement cache's entries are estimated to keep (bounded in bytes).";

  private final Supplier<StatementCache.Statistics> statistics;

  StatementCacheCollector(Supplier<StatementCache.Statistics> statistics) {
    this.statistics = requireNonNull(statistics, "statistics is null");
  }

  @Override
  public List<MetricFamilySamples> collect() {
    return families(statistics.get());
  }

  @Override
  public List<MetricFamilySamples> describe() {
    // Registration asks for the names; zeros instead of reading the cache keep it side-effect free.
    return families(new StatementCache.Statistics(0, 0, 0, 0, 0, 0, 0, 0));
  }

  private static List<MetricFamilySamples> families(StatementCache.Statistics current) {
    return List.of(
        new CounterMetricFamily(ANALYSIS_HITS, ANALYSIS_HITS_HELP, current.analysisHits()),
        new CounterMetricFamily(ANALYSIS_MISSES, ANALYSIS_MISSES_HELP, current.analysisMisses()),
        new CounterMetricFamily(REWRITE_HITS, REWRITE_HITS_HELP, current.rewriteHits()),
        new CounterMetricFamily(REWRITE_MISSES, REWRITE_MISSES_HELP, current.rewriteMisses()),
        new CounterMetricFamily(SHAPE_HITS, SHAPE_HITS_HELP, current.shapeHits()),
        new CounterMetricFamily(SHAPE_MISSES, SHAPE_MISSES_HELP, current.shapeMisses()),
        new GaugeMetricFamily(SIZE, SIZE_HELP, current.cachedStatements()),
        new GaugeMetricFamily(BYTES, BYTES_HELP, current.cachedBytes()));
  }
}
