package io.meshgate.audit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where audit events go. Appending never blocks the caller and never runs I/O on its thread;
 * the returned future tells when the event is durable.
 */
public interface AuditSink extends AutoCloseable {

  /**
   * Hands an event to the sink. The future completes when the event is written (and forced to
   * stable storage if the sink is configured so), or fails with an {@link AuditException}: at
   * once, already failed, when the queue is full, the sink is unhealthy or closed. Futures
   * complete on the sink's writer thread, so attach continuations with the {@code *Async}
   * variants.
   */
  CompletableFuture<Void> append(AuditEvent event);

  /** False once writing has failed; stays false until the sink is reopened. */
  boolean isHealthy();

  /** Events accepted but not yet written. */
  int queueDepth();

  /** Events written (and forced, if configured) since the sink was opened. */
  long writtenEvents();

  /** Events whose future failed since the sink was opened, for whatever reason. */
  long failedEvents();

  /** How long writing (and forcing) the last batch took; zero before the first batch. */
  Duration lastBatchWriteLatency();

  /** Writes everything already accepted, then stops; later appends fail. Idempotent. */
  @Override
  void close();
}
