package io.meshgate.loadtests.systems;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of a process as Linux accounts it, in kilobytes.
 *
 * <p>{@link #residentKilobytes} is {@code VmRSS} from {@code /proc/<pid>/status}: right for a
 * single process (the JVM running Meshgate, PgBouncer). {@link #proportionalKilobytes} is
 * {@code Pss} from {@code /proc/<pid>/smaps_rollup}, which divides shared pages among the
 * processes sharing them: summed over PostgreSQL's backends it does not count the shared
 * buffers a thousand times, as a sum of RSS would.
 */
public final class ProcessMemory {
  private static final Pattern RESIDENT = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB$");
  private static final Pattern PROPORTIONAL = Pattern.compile("(?m)^Pss:\\s+(\\d+) kB$");

  private ProcessMemory() {}

  public static long residentKilobytes(long processId) {
    return read(Path.of("/proc", Long.toString(processId), "status"), RESIDENT, "VmRSS");
  }

  public static long proportionalKilobytes(long processId) {
    return read(Path.of("/proc", Long.toString(processId), "smaps_rollup"), PROPORTIONAL, "Pss");
  }

  /** The sum of {@link #proportionalKilobytes} over a process's children (processes that exit meanwhile count 0). */
  public static long childrenProportionalKilobytes(long parentProcessId) {
    return ProcessHandle.of(parentProcessId)
        .orElseThrow(() -> new BenchmarkSetupException("process " + parentProcessId + " is not running"))
        .children()
        .mapToLong(child -> {
          try {
            return proportionalKilobytes(child.pid());
          } catch (BenchmarkSetupException e) {
            return 0; // it exited between listing and reading
          }
        })
        .sum();
  }

  private static long parse(String text, Pattern pattern, String field, Path source) {
    Matcher matcher = pattern.matcher(text);
    if (!matcher.find()) {
      throw new BenchmarkSetupException(source + " has no " + field + " line");
    }
    return Long.parseLong(matcher.group(1));
  }

  private static long read(Path file, Pattern pattern, String field) {
    try {
      return parse(Files.readString(file, StandardCharsets.US_ASCII), pattern, field, file);
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
