package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

/**
 * How a sink trades durability for speed.
 *
 * @param queueCapacity events that may wait for the writer; when full, {@link
 *     AuditSink#append} fails at once (default {@value #DEFAULT_QUEUE_CAPACITY})
 * @param fsync whether each written batch is forced to stable storage before its events count
 *     as written (default {@link Fsync#ALWAYS})
 */
public record AuditSinkOptions(int queueCapacity, Fsync fsync) {

  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  public AuditSinkOptions {
    requireNonNull(fsync, "fsync is null");
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1");
    }
  }

  /** Queue of {@value #DEFAULT_QUEUE_CAPACITY} events, fsync ALWAYS. */
  public static AuditSinkOptions defaults() {
    return new AuditSinkOptions(DEFAULT_QUEUE_CAPACITY, Fsync.ALWAYS);
  }

  public AuditSinkOptions withQueueCapacity(int queueCapacity) {
    return new AuditSinkOptions(queueCapacity, fsync);
  }

  public AuditSinkOptions withFsync(Fsync fsync) {
    return new AuditSinkOptions(queueCapacity, fsync);
  }

  /** When written events reach stable storage. */
  public enum Fsync {
    /**
     * Force once per batch (group commit) before completing the batch's futures: an event
     * reported written survives a crash of the machine.
     */
    ALWAYS,
    /**
     * Leave it to the operating system: an event reported written survives a crash of the
     * process, not of the machine. Needed for pipes and devices, which cannot be forced.
     */
    NEVER
  }
}
