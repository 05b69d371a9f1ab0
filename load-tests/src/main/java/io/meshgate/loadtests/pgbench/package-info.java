/**
 * pgbench as a measuring instrument: building its command lines, running it with bounded time,
 * parsing its summary ({@link io.meshgate.loadtests.pgbench.PgbenchSummary}) and its
 * per-transaction logs ({@link io.meshgate.loadtests.pgbench.TransactionLog}), and exact latency
 * percentiles ({@link io.meshgate.loadtests.pgbench.LatencyDistribution}). Knows nothing of
 * Meshgate.
 */
package io.meshgate.loadtests.pgbench;
