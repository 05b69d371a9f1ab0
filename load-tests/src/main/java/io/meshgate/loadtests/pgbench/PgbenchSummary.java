package io.meshgate.loadtests.pgbench;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What pgbench prints at the end of a run (PostgreSQL 14 to 17 wording).
 *
 * @param transactionsPerSecond the {@code tps = } line
 * @param includesConnectionTime true for {@code --connect} runs, whose tps counts reconnecting
 *     ("including reconnection times"); false when the initial connections are left out
 * @param latencyAverageMillis absent when no transaction finished
 * @param averageConnectionMillis the time one connection took, printed for {@code --connect} runs
 */
public record PgbenchSummary(
    String queryMode,
    int clients,
    int threads,
    long transactions,
    long failedTransactions,
    double transactionsPerSecond,
    boolean includesConnectionTime,
    OptionalDouble latencyAverageMillis,
    OptionalDouble averageConnectionMillis) {
  private static final Pattern QUERY_MODE = line("query mode: (\\S+)");
  private static final Pattern CLIENTS = line("number of clients: (\\d+)");
  private static final Pattern THREADS = line("number of threads: (\\d+)");
  private static final Pattern TRANSACTIONS = line("number of transactions actually processed: (\\d+)(?:/\\d+)?");
  private static final Pattern FAILED = line("number of failed transactions: (\\d+).*");
  private static final Pattern LATENCY_AVERAGE = line("latency average = ([0-9.]+) ms");
  private static final Pattern CONNECTION_TIME = line("average connection time = ([0-9.]+) ms");
  private static final Pattern TPS = line("tps = ([0-9.]+) \\((including|without) (?:initial connection time|reconnection times)\\)");

  public PgbenchSummary {
    requireNonNull(queryMode, "queryMode is null");
    requireNonNull(latencyAverageMillis, "latencyAverageMillis is null");
    requireNonNull(averageConnectionMillis, "averageConnectionMillis is null");
    if (clients < 1 || threads < 1) {
      throw new IllegalArgumentException("clients and threads must be positive: " + clients + ", " + threads);
    }
    if (transactions < 0 || failedTransactions < 0 || !(transactionsPerSecond >= 0)) {
      throw new IllegalArgumentException("counts and tps must not be negative");
    }
  }

  /**
   * Reads pgbench's standard output.
   *
   * @throws PgbenchException when the output lacks the tps or transaction count lines, which
   *     is what an aborted run or a different pgbench prints
   */
  public static PgbenchSummary parse(String output) {
    requireNonNull(output, "output is null");
    Matcher tps = TPS.matcher(output);
    if (!tps.find()) {
      throw new PgbenchException("pgbench printed no 'tps = ...' line (the run was aborted or its output is not "
          + "pgbench's); the output ended with:\n" + OutputTail.of(output));
    }
    return new PgbenchSummary(
        required(QUERY_MODE, output, "query mode"),
        Integer.parseInt(required(CLIENTS, output, "number of clients")),
        Integer.parseInt(required(THREADS, output, "number of threads")),
        Long.parseLong(required(TRANSACTIONS, output, "number of transactions actually processed")),
        optional(FAILED, output).map(Long::parseLong).orElse(0L),
        Double.parseDouble(tps.group(1)),
        tps.group(2).equals("including"),
        optionalNumber(LATENCY_AVERAGE, output),
        optionalNumber(CONNECTION_TIME, output));
  }

  private static Pattern line(String regex) {
    return Pattern.compile("(?m)^" + regex + "\\s*$");
  }

  private static String required(Pattern pattern, String output, String what) {
    return optional(pattern, output).orElseThrow(() -> new PgbenchException(
        "pgbench printed no '" + what + "' line; the output ended with:\n" + OutputTail.of(output)));
  }

  private static Optional<String> optional(Pattern pattern, String output) {
    Matcher matcher = pattern.matcher(output);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static OptionalDouble optionalNumber(Pattern pattern, String output) {
    return optional(pattern, output).map(value -> OptionalDouble.of(Double.parseDouble(value)))
        .orElse(OptionalDouble.empty());
  }
}
