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
   * once, already failed, when the sink is unhealthy or closed. It is never refused for lack of
   * room: a statement that has started must get its event, so capacity is enforced before
   * statements start, by {@link #acceptsNewStatements()}. Futures
   * complete on the sink's writer thread, so attach continuations with the {@code *Async}
   * variants.
   */
  CompletableFuture<Void> append(AuditEvent event);

  /** False once writing has failed; stays false until the sink is reopened. */
  boolean isHealthy();

  /**
   * Whether a new statement may start: the sink is healthy and not behind (fewer events wait
   * than its queue capacity). Callers ask before they run a statement, so a sink that falls
   * behind refuses new work instead of dropping the events of work already done.
   */
  boolean acceptsNewStatements();

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
