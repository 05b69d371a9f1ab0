package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.pgbench.LatencySummary;
import io.meshgate.loadtests.pgbench.PgbenchException;
import io.meshgate.loadtests.pgbench.PgbenchResult;
import io.meshgate.loadtests.pgbench.PgbenchSummary;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The figures of one completed pgbench run.
 *
 * @param transactionsPerSecond pgbench's own tps
 * @param latency per-transaction latency from the transaction logs (for {@code --connect} runs
 *     without connecting and disconnecting, which pgbench leaves out)
 * @param cycle for {@code --connect} runs: time per connect-query-disconnect round per client
 * @param averageConnectionMillis for {@code --connect} runs: pgbench's average connection time
 * @param processorMicrosPerTransaction processor time the target's own process (a proxy the
 *     runner started) used during the run, per transaction; empty for PostgreSQL itself
 */
public record RunStatistics(
    double transactionsPerSecond,
    long transactions,
    long failedTransactions,
    LatencySummary latency,
    Optional<LatencySummary> cycle,
    OptionalDouble averageConnectionMillis,
    OptionalDouble processorMicrosPerTransaction) {
  public RunStatistics {
    requireNonNull(latency, "latency is null");
    requireNonNull(cycle, "cycle is null");
    requireNonNull(averageConnectionMillis, "averageConnectionMillis is null");
    requireNonNull(processorMicrosPerTransaction, "processorMicrosPerTransaction is null");
  }

  /**
   * From a pgbench result.
   *
   * @throws PgbenchException when no transaction completed: a run
   *     that measured nothing is a failure, not a zero
   */
  public static RunStatistics of(PgbenchResult result, boolean connectPerTransaction,
      OptionalDouble processorMicrosPerTransaction) {
    PgbenchSummary summary = result.summary();
    if (result.log().latencies().isEmpty()) {
      throw new PgbenchException(
          "no transaction completed (" + result.log() + ", pgbench counted " + summary.transactions() + ")");
    }
    Optional<LatencySummary> cycle = connectPerTransaction && !result.log().cycles().isEmpty()
        ? Optional.of(result.log().cycles().summary())
        : Optional.empty();
    return new RunStatistics(summary.transactionsPerSecond(), summary.transactions(),
        // pgbench's own count: the transactions its log marks "failed" are the same ones.
        Math.max(summary.failedTransactions(), result.log().failed()), result.log().latencies().summary(), cycle,
        summary.averageConnectionMillis(), processorMicrosPerTransaction);
  }
}
