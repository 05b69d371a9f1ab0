package io.meshgate.loadtests.pgbench;

import static java.util.Objects.requireNonNull;

/** A finished run: pgbench's own summary and what its per-transaction logs say. */
public record PgbenchResult(PgbenchSummary summary, TransactionLog log) {
  public PgbenchResult {
    requireNonNull(summary, "summary is null");
    requireNonNull(log, "log is null");
  }
}
