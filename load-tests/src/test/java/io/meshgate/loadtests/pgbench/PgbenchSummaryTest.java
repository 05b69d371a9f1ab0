package io.meshgate.loadtests.pgbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Outputs as pgbench 15.18 printed them on this project's machines. */
class PgbenchSummaryTest {
  private static final String SELECT_ONLY = """
      pgbench (15.18 (Debian 15.18-0+deb12u1))
      transaction type: <builtin: select only>
      scaling factor: 1
      query mode: prepared
      number of clients: 4
      number of threads: 2
      maximum number of tries: 1
      duration: 2 s
      number of transactions actually processed: 58903
      number of failed transactions: 0 (0.000%)
      latency average = 0.135 ms
      initial connection time = 11.436 ms
      tps = 29616.791312 (without initial connection time)
      """;

  private static final String CONNECT = """
      pgbench (15.18 (Debian 15.18-0+deb12u1))
      transaction type: <builtin: select only>
      scaling factor: 1
      query mode: simple
      number of clients: 2
      number of threads: 2
      maximum number of tries: 1
      duration: 2 s
      number of transactions actually processed: 406
      number of failed transactions: 0 (0.000%)
      latency average = 9.862 ms
      average connection time = 7.256 ms
      tps = 202.797912 (including reconnection times)
      """;

  private static final String ABORTED = """
      pgbench (15.18 (Debian 15.18-0+deb12u1))
      transaction type: /tmp/pgx/bad.sql
      scaling factor: 1
      query mode: simple
      number of clients: 1
      number of threads: 1
      maximum number of tries: 1
      duration: 1 s
      number of transactions actually processed: 0
      number of failed transactions: 0 (NaN%)
      """;

  @Test
  void readsATimedRun() {
    PgbenchSummary summary = PgbenchSummary.parse(SELECT_ONLY);
    assertEquals("prepared", summary.queryMode());
    assertEquals(4, summary.clients());
    assertEquals(2, summary.threads());
    assertEquals(58903, summary.transactions());
    assertEquals(0, summary.failedTransactions());
    assertEquals(29616.791312, summary.transactionsPerSecond(), 1e-9);
    assertFalse(summary.includesConnectionTime());
    assertEquals(0.135, summary.latencyAverageMillis().orElseThrow(), 1e-9);
    assertTrue(summary.averageConnectionMillis().isEmpty());
  }

  @Test
  void readsAConnectPerTransactionRun() {
    PgbenchSummary summary = PgbenchSummary.parse(CONNECT);
    assertEquals("simple", summary.queryMode());
    assertEquals(406, summary.transactions());
    assertEquals(202.797912, summary.transactionsPerSecond(), 1e-9);
    assertTrue(summary.includesConnectionTime());
    assertEquals(7.256, summary.averageConnectionMillis().orElseThrow(), 1e-9);
  }

  @Test
  void countsFailedTransactionsAndToleratesProgressLinesAndStddev() {
    String output = SELECT_ONLY
        .replace("number of failed transactions: 0 (0.000%)", "number of failed transactions: 12 (0.020%)")
        .replace("latency average = 0.135 ms\n", "latency average = 0.135 ms\nlatency stddev = 0.441 ms\n")
        .replace("pgbench (15.18", "progress: 1.0 s, 11878.9 tps, lat 0.166 ms stddev 0.441, 0 failed\npgbench (15.18");
    PgbenchSummary summary = PgbenchSummary.parse(output);
    assertEquals(12, summary.failedTransactions());
    assertEquals(29616.791312, summary.transactionsPerSecond(), 1e-9);
  }

  @Test
  void readsTransactionCountsOfRunsLimitedByCount() {
    PgbenchSummary summary = PgbenchSummary.parse(SELECT_ONLY.replace(
        "number of transactions actually processed: 58903", "number of transactions actually processed: 400/400"));
    assertEquals(400, summary.transactions());
  }

  @Test
  void anAbortedRunIsAnErrorThatQuotesTheOutput() {
    PgbenchException error = assertThrows(PgbenchException.class, () -> PgbenchSummary.parse(ABORTED));
    assertTrue(error.getMessage().contains("no 'tps = ...' line"), error.getMessage());
    assertTrue(error.getMessage().contains("number of transactions actually processed: 0"), error.getMessage());
  }

  @Test
  void outputWithoutTheClientCountIsAnError() {
    PgbenchException error = assertThrows(PgbenchException.class,
        () -> PgbenchSummary.parse(SELECT_ONLY.replace("number of clients: 4\n", "")));
    assertTrue(error.getMessage().contains("number of clients"), error.getMessage());
  }

  @Test
  void somethingElseEntirelyIsAnError() {
    assertThrows(PgbenchException.class, () -> PgbenchSummary.parse("psql: error: connection refused\n"));
    assertThrows(PgbenchException.class, () -> PgbenchSummary.parse(""));
  }
}
