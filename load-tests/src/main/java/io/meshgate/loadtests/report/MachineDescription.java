package io.meshgate.loadtests.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine a benchmark ran on, as Linux describes it. Numbers from a benchmark mean little
 * without it: a 2-processor virtual machine shared with builds is not a 64-core server.
 *
 * @param processors processors available to this JVM ({@code nproc})
 * @param memoryKilobytes {@code MemTotal}
 * @param cpuModel the first {@code model name} of /proc/cpuinfo
 * @param loadAverage /proc/loadavg's 1, 5 and 15 minute averages when this was taken
 */
public record MachineDescription(
    int processors, long memoryKilobytes, String cpuModel, String kernel, String operatingSystem, String loadAverage) {
  private static final Pattern MODEL = Pattern.compile("(?m)^model name\\s*:\\s*(.+)$");
  private static final Pattern MEMORY = Pattern.compile("(?m)^MemTotal:\\s+(\\d+) kB$");
  private static final Pattern PRETTY_NAME = Pattern.compile("(?m)^PRETTY_NAME=\"?([^\"\\n]*)\"?$");

  public MachineDescription {
    requireNonNull(cpuModel, "cpuModel is null");
    requireNonNull(kernel, "kernel is null");
    requireNonNull(operatingSystem, "operatingSystem is null");
    requireNonNull(loadAverage, "loadAverage is null");
  }

  public static MachineDescription detect() {
    String cpuInfo = read("/proc/cpuinfo");
    String memoryInfo = read("/proc/meminfo");
    return new MachineDescription(
        Runtime.getRuntime().availableProcessors(),
        find(MEMORY, memoryInfo).map(Long::parseLong).orElse(0L),
        find(MODEL, cpuInfo).orElse("unknown"),
        read("/proc/sys/kernel/osrelease").strip(),
        find(PRETTY_NAME, read("/etc/os-release")).orElse("unknown"),
        loadAverageNow());
  }

  /** The 1, 5 and 15 minute load averages now, e.g. "0.30 0.85 1.46". */
  public static String loadAverageNow() {
    String[] fields = read("/proc/loadavg").strip().split("\\s+");
    return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
  }

  public double memoryGibibytes() {
    return memoryKilobytes / 1024.0 / 1024.0;
  }

  private static Optional<String> find(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? Optional.of(matcher.group(1).strip()) : Optional.empty();
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
