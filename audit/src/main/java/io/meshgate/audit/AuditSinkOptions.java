package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a sink trades durability for speed, and when it starts a new file.
 *
 * @param queueCapacity events that may wait for the writer; when full, {@link
 *     AuditSink#append} fails at once (default {@value #DEFAULT_QUEUE_CAPACITY})
 * @param fsync whether each written batch is forced to stable storage before its events count
 *     as written (default {@link Fsync#ALWAYS})
 * @param maxFileBytes the size at which the active file is rotated (default 64 MiB). Checked
 *     before each batch, so a file ends at most one batch past it
 * @param maxFileAge how long after its first event the active file is rotated (default one
 *     day). Checked before each batch, so a quiet log rotates when its next event arrives
 */
public record AuditSinkOptions(
    int queueCapacity, Fsync fsync, long maxFileBytes, Duration maxFileAge) {

  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
  public static final Duration DEFAULT_MAX_FILE_AGE = Duration.ofDays(1);

  public AuditSinkOptions {
    requireNonNull(fsync, "fsync is null");
    requireNonNull(maxFileAge, "maxFileAge is null");
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1");
    }
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("maxFileBytes must be at least 1");
    }
    if (maxFileAge.isNegative() || maxFileAge.isZero()) {
      throw new IllegalArgumentException("maxFileAge must be positive");
    }
  }

  /** The given queue and fsync, with the default rotation (64 MiB or one day). */
  public AuditSinkOptions(int queueCapacity, Fsync fsync) {
    this(queueCapacity, fsync, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILE_AGE);
  }

  /**
   * Queue of {@value #DEFAULT_QUEUE_CAPACITY} events, fsync ALWAYS, rotation at 64 MiB or one
   * day.
   */
  public static AuditSinkOptions defaults() {
    return new AuditSinkOptions(DEFAULT_QUEUE_CAPACITY, Fsync.ALWAYS);
  }

  public AuditSinkOptions withQueueCapacity(int queueCapacity) {
    return new AuditSinkOptions(queueCapacity, fsync, maxFileBytes, maxFileAge);
  }

  public AuditSinkOptions withFsync(Fsync fsync) {
    return new AuditSinkOptions(queueCapacity, fsync, maxFileBytes, maxFileAge);
  }

  public AuditSinkOptions withMaxFileBytes(long maxFileBytes) {
    return new AuditSinkOptions(queueCapacity, fsync, maxFileBytes, maxFileAge);
  }

  public AuditSinkOptions withMaxFileAge(Duration maxFileAge) {
    return new AuditSinkOptions(queueCapacity, fsync, maxFileBytes, maxFileAge);
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
