package io.meshgate.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.audit.AuditDecision;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditSinkOptions;
import io.meshgate.audit.JsonLinesAuditSink;
import io.meshgate.policy.cache.CacheStatistics;
import io.meshgate.policy.reload.PolicyReloadStatus;
import io.meshgate.proxy.governance.StatementCache;
import io.prometheus.client.CollectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics read at scrape time follow their sources, and the audit write histograms follow
 * the sink that feeds them.
 */
class ScrapedCollectorsTest {
  @TempDir Path directory;

  private final ProxyMetrics metrics = new ProxyMetrics(new CollectorRegistry(true));

  private Double sample(String name, String... labels) {
    String[] labelNames = new String[labels.length / 2];
    String[] labelValues = new String[labels.length / 2];
    for (int i = 0; i < labels.length / 2; i++) {
      labelNames[i] = labels[2 * i];
      labelValues[i] = labels[2 * i + 1];
    }
    return metrics.registry().getSampleValue(name, labelNames, labelValues);
  }

  @Test
  void decisionCacheCountersAreReadAtEveryScrape() {
    AtomicReference<CacheStatistics> statistics = new AtomicReference<>(new CacheStatistics(0, 0, 0, 0));
    metrics.registerDecisionCache(statistics::get);
    assertEquals(0.0, sample("meshgate_decision_cache_hits_total"));
    statistics.set(new CacheStatistics(7, 3, 2, 5));
    assertEquals(7.0, sample("meshgate_decision_cache_hits_total"));
    assertEquals(3.0, sample("meshgate_decision_cache_misses_total"));
    assertEquals(2.0, sample("meshgate_decision_cache_evictions_total"));
    assertEquals(5.0, sample("meshgate_decision_cache_size"));
  }

  @Test
  void statementCacheCountersAreReadAtEveryScrape() {
    AtomicReference<StatementCache.Statistics> statistics =
        new AtomicReference<>(new StatementCache.Statistics(0, 0, 0, 0, 0, 0, 0, 0));
    metrics.registerStatementCache(statistics::get);
    assertEquals(0.0, sample("meshgate_statement_cache_shape_hits_total"));
    statistics.set(new StatementCache.Statistics(1, 2, 3, 4, 5, 6, 7, 8));
    assertEquals(1.0, sample("meshgate_statement_cache_analysis_hits_total"));
    assertEquals(2.0, sample("meshgate_statement_cache_analysis_misses_total"));
    assertEquals(3.0, sample("meshgate_statement_cache_rewrite_hits_total"));
    assertEquals(4.0, sample("meshgate_statement_cache_rewrite_misses_total"));
    assertEquals(5.0, sample("meshgate_statement_cache_analyses"));
    assertEquals(6.0, sample("meshgate_statement_cache_shape_hits_total"));
    assertEquals(7.0, sample("meshgate_statement_cache_shape_misses_total"));
    assertEquals(8.0, sample("meshgate_statement_cache_bytes"));
  }

  @Test
  void auditSinkCountersFollowTheRealSink() throws Exception {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(directory.resolve("audit.jsonl"),
        AuditSinkOptions.defaults().withFsync(AuditSinkOptions.Fsync.ALWAYS))) {
      metrics.registerAuditSink(sink);
      assertEquals(0.0, sample("meshgate_audit_events_written_total"));
      for (int i = 0; i < 3; i++) {
        sink.append(event(i)).join();
      }
      assertEquals(3.0, sample("meshgate_audit_events_written_total"));
      assertEquals(0.0, sample("meshgate_audit_events_failed_total"));
      assertEquals(0.0, sample("meshgate_audit_queue_depth"));
      assertEquals(1.0, sample("meshgate_audit_sink_healthy"));
      assertTrue(sample("meshgate_audit_last_batch_write_seconds") > 0, "a forced write takes some time");
    }
  }

  @Test
  void aSinkOpenedWithTheMetricsObserverFillsTheWriteLatencyHistograms() {
    assertEquals(0.0, sample("meshgate_audit_event_write_seconds_count"));
    assertEquals(0.0, sample("meshgate_audit_batch_write_seconds_count"));
    int events = 50;
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(directory.resolve("audit.jsonl"),
        AuditSinkOptions.defaults().withFsync(AuditSinkOptions.Fsync.ALWAYS), metrics.auditWriteObserver())) {
      List<CompletableFuture<Void>> written = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        written.add(sink.append(event(i)));
      }
      CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
    }

    assertEquals(events, sample("meshgate_audit_event_write_seconds_count"));
    double batches = sample("meshgate_audit_batch_write_seconds_count");
    assertTrue(batches >= 1 && batches <= events, "batches: " + batches);
    assertEquals(batches, sample("meshgate_audit_batch_write_seconds_bucket", "le", "+Inf"));
    double batchSeconds = sample("meshgate_audit_batch_write_seconds_sum");
    assertTrue(batchSeconds > 0, "forced writes take time");
    // Each event waits at least for its own batch's write, so the event times add up to more.
    assertTrue(sample("meshgate_audit_event_write_seconds_sum") >= batchSeconds);
  }

  @Test
  void aFailedAuditSinkIsReportedUnhealthy() {
    Path full = Path.of("/dev/full");
    if (!Files.exists(full)) {
      return; // Linux only: writing there fails with ENOSPC.
    }
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(full,
        AuditSinkOptions.defaults().withFsync(AuditSinkOptions.Fsync.NEVER))) {
      metrics.registerAuditSink(sink);
      try {
        sink.append(event(0)).join();
      } catch (CompletionException expected) {
        // The write fails; that is the point.
      }
      assertEquals(0.0, sample("meshgate_audit_sink_healthy"));
      assertEquals(1.0, sample("meshgate_audit_events_failed_total"));
      assertEquals(0.0, sample("meshgate_audit_events_written_total"));
    }
  }

  @Test
  void policyReloadPublishesTheActiveRevisionAsALabel() {
    AtomicReference<PolicyReloadStatus> status = new AtomicReference<>(
        new PolicyReloadStatus("revision-a", Optional.of("revision-a"), Optional.empty(), Optional.empty(), 0, 0));
    metrics.registerPolicyReload(status::get);
    assertEquals(1.0, sample("meshgate_policy_revision_info", "revision", "revision-a"));
    assertEquals(1.0, sample("meshgate_policy_reload_up_to_date"));

    status.set(new PolicyReloadStatus("revision-b", Optional.of("revision-c"), Optional.empty(), Optional.empty(), 1, 2));
    assertNull(sample("meshgate_policy_revision_info", "revision", "revision-a"), "only the active revision is published");
    assertEquals(1.0, sample("meshgate_policy_revision_info", "revision", "revision-b"));
    assertEquals(1.0, sample("meshgate_policy_reload_activations_total"));
    assertEquals(2.0, sample("meshgate_policy_reload_failures_total"));
    assertEquals(0.0, sample("meshgate_policy_reload_up_to_date"));
  }

  private static AuditEvent event(int index) {
    return new AuditEvent(AuditEvent.randomEventId(), Instant.parse("2026-11-21T10:00:00Z").plusSeconds(index),
        "session", "alice", List.of(), "127.0.0.1", "", "mesh", "utility", "SHOW search_path", "SHOW search_path",
        List.of(), new AuditDecision(true, List.of(), List.of(), null), AuditOutcome.ok(1, 1, 1),
        "postgresql://127.0.0.1:5432/mesh");
  }
}
