package io.meshgate.loadtests.pgbench;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * pgbench's per-transaction logs ({@code --log}), one line per transaction:
 * {@code client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]},
 * where {@code time} is the transaction's latency in microseconds, or {@code failed} /
 * {@code skipped}, and {@code time_epoch}/{@code time_us} say when it ended.
 *
 * <p>Besides the latencies it yields <em>cycle times</em>: for each client, the time between the
 * ends of two successive transactions. With {@code --connect} a transaction is preceded by a new
 * connection and followed by a disconnect, which pgbench leaves out of {@code time}; the cycle
 * time is then what one connect-authenticate-query-disconnect round costs a client.
 */
public final class TransactionLog {
  private static final Pattern FIELDS = Pattern.compile("\\s+");
  private static final Pattern FILE_SUFFIX = Pattern.compile("\\.\\d+(\\.\\d+)?");

  private final LatencyDistribution latencies;
  private final LatencyDistribution cycles;
  private final long failed;
  private final long skipped;

  private TransactionLog(LatencyDistribution latencies, LatencyDistribution cycles, long failed, long skipped) {
    this.latencies = latencies;
    this.cycles = cycles;
    this.failed = failed;
    this.skipped = skipped;
  }

  /** The latencies of the transactions that completed. */
  public LatencyDistribution latencies() {
    return latencies;
  }

  /** Per client, the time from one transaction's end to the next one's (see the class comment). */
  public LatencyDistribution cycles() {
    return cycles;
  }

  public long failed() {
    return failed;
  }

  public long skipped() {
    return skipped;
  }

  /** The lines of one or more log files, in any order. */
  public static TransactionLog parse(List<String> lines) {
    requireNonNull(lines, "lines is null");
    Reader reader = new Reader();
    int number = 0;
    for (String line : lines) {
      reader.accept(line, "line " + ++number);
    }
    return reader.finish();
  }

  /** Reads every file pgbench wrote for {@code --log-prefix=prefix}: {@code prefix.<pid>} and {@code prefix.<pid>.<thread>}. */
  public static TransactionLog read(Path prefix) throws IOException {
    Reader reader = new Reader();
    for (Path file : files(prefix)) {
      try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          reader.accept(line, file.getFileName() + ":" + ++number);
        }
      }
    }
    return reader.finish();
  }

  /** The log files of {@code --log-prefix=prefix}, sorted by name. */
  public static List<Path> files(Path prefix) throws IOException {
    Path directory = requireNonNull(prefix, "prefix is null").toAbsolutePath().getParent();
    String name = prefix.getFileName().toString();
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(path -> {
            String candidate = path.getFileName().toString();
            return candidate.startsWith(name) && FILE_SUFFIX.matcher(candidate.substring(name.length())).matches();
          })
          .sorted()
          .toList();
    }
  }

  /** Accumulates lines; latencies in one growing array, transaction ends per client. */
  private static final class Reader {
    private final LongList latencies = new LongList();
    private final Map<Long, LongList> endsByClient = new TreeMap<>();
    private long failed;
    private long skipped;

    void accept(String line, String where) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        return;
      }
      String[] fields = FIELDS.split(trimmed);
      if (fields.length < 6) {
        throw malformed(where, line, "expected at least 6 fields");
      }
      long client = number(fields[0], where, line);
      long endMicros = number(fields[4], where, line) * 1_000_000L + number(fields[5], where, line);
      switch (fields[2]) {
        case "failed" -> failed++;
        case "skipped" -> skipped++;
        default -> latencies.add(number(fields[2], where, line));
      }
      if (!fields[2].equals("skipped")) {
        endsByClient.computeIfAbsent(client, ignored -> new LongList()).add(endMicros);
      }
    }

    TransactionLog finish() {
      LongList cycles = new LongList();
      for (LongList ends : endsByClient.values()) {
        long[] sorted = ends.toArray();
        Arrays.sort(sorted);
        for (int index = 1; index < sorted.length; index++) {
          cycles.add(sorted[index] - sorted[index - 1]);
        }
      }
      return new TransactionLog(LatencyDistribution.of(latencies.toArray()), LatencyDistribution.of(cycles.toArray()),
          failed, skipped);
    }

    private static long number(String field, String where, String line) {
      try {
        long value = Long.parseLong(field);
        if (value < 0) {
          throw malformed(where, line, "negative number " + field);
        }
        return value;
      } catch (NumberFormatException e) {
        throw malformed(where, line, "'" + field + "' is not a number");
      }
    }

    private static PgbenchException malformed(String where, String line, String problem) {
      return new PgbenchException("pgbench transaction log, " + where + ": " + problem + ": " + line);
    }
  }

  /** A growable array of longs: a run logs up to millions of transactions. */
  private static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /** Only for messages: how many lines were read. */
  @Override
  public String toString() {
    return "TransactionLog[" + latencies.count() + " completed, " + failed + " failed, " + skipped + " skipped]";
  }
}
