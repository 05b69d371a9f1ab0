package io.meshgate.audit;

/**
 * Told by a sink how long its writes take, for latency metrics; the audit module has no metrics
 * library of its own. Called on the sink's writer thread after each written batch and before the
 * batch's futures complete, so keep it quick. An exception it throws is logged (once) and
 * otherwise ignored: a metrics fault never costs the log.
 */
public interface AuditWriteObserver {

  /** Observes nothing. */
  AuditWriteObserver NONE =
      new AuditWriteObserver() {
        @Override
        public void batchWritten(int events, long writeNanos) {}

        @Override
        public void eventWritten(long sinceAppendNanos) {}
      };

  /**
   * A batch was written, and forced if the sink is configured so.
   *
   * @param events the events in the batch
   * @param writeNanos how long writing (and forcing) the batch took
   */
  void batchWritten(int events, long writeNanos);

  /**
   * One event of that batch is written (and forced): called once per event, right after {@link
   * #batchWritten}.
   *
   * @param sinceAppendNanos from {@link AuditSink#append} to now: the wait in the queue plus the
   *     batch's write (and force), which is how long the statement's client waited for the log
   */
  void eventWritten(long sinceAppendNanos);
}
