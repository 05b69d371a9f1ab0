package io.meshgate.loadtests.scenario;

import io.meshgate.loadtests.Target;
import java.time.Duration;
import java.util.Optional;

/**
 * The processor time a target's own process has used so far, where it is one process the
 * runner started (Meshgate, PgBouncer). Read before and after a measured run, it gives the
 * processor time per transaction: on a machine shared with other work that moves far less than
 * throughput does, so it is what a change to the hot path is best judged by.
 */
@FunctionalInterface
public interface ProcessorClock {
  /** Knows no process. */
  ProcessorClock NONE = target -> Optional.empty();

  /** User plus system time of the target's process so far, if the runner knows its process. */
  Optional<Duration> used(Target target);
}
