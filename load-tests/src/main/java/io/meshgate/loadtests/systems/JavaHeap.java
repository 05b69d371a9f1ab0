package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of another JVM, through the JDK's {@code jcmd}: {@code GC.class_histogram}
 * runs a full garbage collection and counts what survives, whatever the collector. A JVM's
 * resident set says how much memory it holds from the operating system, which after a load test
 * is mostly heap it grew earlier and has not given back; the live heap says what the open
 * sessions really keep.
 */
public final class JavaHeap {
  private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  private final Path jcmd;

  public JavaHeap(Path jcmd) {
    this.jcmd = requireNonNull(jcmd, "jcmd is null");
    if (!Files.isExecutable(jcmd)) {
      throw new BenchmarkSetupException(jcmd + " is not an executable jcmd; the benchmark needs a JDK, not a JRE");
    }
  }

  /** jcmd beside the java launcher that runs this JVM. */
  public static JavaHeap ofThisJdk() {
    return new JavaHeap(Path.of(System.getProperty("java.home"), "bin", "jcmd"));
  }

  /** Kilobytes of live objects in the JVM {@code processId}, after a full collection. */
  public long liveKilobytes(long processId) {
    try {
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(processId), "GC.class_histogram")
          .redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new BenchmarkSetupException("jcmd " + processId + " GC.class_histogram failed: "
            + output.lines().limit(5).toList());
      }
      return parseTotalBytes(output) / 1024;
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot run " + jcmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkSetupException("interrupted while jcmd ran", e);
    }
  }

  /** The bytes of the histogram's {@code Total} line. */
  static long parseTotalBytes(String histogram) {
    Matcher matcher = TOTAL.matcher(histogram);
    if (!matcher.find()) {
      throw new BenchmarkSetupException("jcmd's class histogram has no Total line");
    }
    return Long.parseLong(matcher.group(1));
  }
}
