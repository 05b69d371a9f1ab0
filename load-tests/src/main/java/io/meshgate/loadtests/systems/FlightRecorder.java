package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.profile.ProfileSummary;
import io.meshgate.loadtests.scenario.Progress;
import io.meshgate.loadtests.scenario.RunRecorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Profiles Meshgate's JVM run by run with JDK Flight Recorder, through {@code jcmd JFR.start} and
 * {@code JFR.stop}: one recording ({@code settings=profile}: method samples every 10 ms,
 * allocations, locks) per measured Meshgate run, saved as {@code <directory>/<run>.jfr} with a
 * plain-text summary beside it ({@link ProfileSummary}). Runs against other targets are not
 * recorded. A recording that cannot start or stop is reported and the run goes on unprofiled.
 */
public final class FlightRecorder implements RunRecorder {
  private final Path jcmd;
  private final Path directory;
  private final Progress progress;
  private volatile long meshgateProcessId;

  public FlightRecorder(Path jcmd, Path directory, Progress progress) {
    this.jcmd = requireNonNull(jcmd, "jcmd is null");
    this.directory = requireNonNull(directory, "directory is null");
    this.progress = requireNonNull(progress, "progress is null");
  }

  /** jcmd beside the java launcher that runs this JVM. */
  public static FlightRecorder ofThisJdk(Path directory, Progress progress) {
    return new FlightRecorder(Path.of(System.getProperty("java.home"), "bin", "jcmd"), directory, progress);
  }

  /** From now on, Meshgate runs are recorded in this process (the benchmark starts more than one Meshgate). */
  public void watch(MeshgateProcess meshgate) {
    meshgateProcessId = meshgate.processId();
  }

  @Override
  public Recording start(Target target, String name) {
    long processId = meshgateProcessId;
    if (target != Target.MESHGATE || processId == 0) {
      return () -> {};
    }
    String recording = "meshgate-" + name;
    if (!jcmd(processId, "JFR.start", "name=" + recording, "settings=profile")) {
      return () -> {};
    }
    return () -> {
      Path file = directory.resolve(name + ".jfr");
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        progress.step("profile: cannot create " + directory + ": " + e.getMessage());
        return;
      }
      if (jcmd(processId, "JFR.stop", "name=" + recording, "filename=" + file)) {
        try {
          Files.writeString(directory.resolve(name + ".txt"), ProfileSummary.of(file).render(),
              StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          progress.step("profile: cannot summarise " + file + ": " + e.getMessage());
        }
      }
    };
  }

  private boolean jcmd(long processId, String... command) {
    try {
      List<String> arguments = new java.util.ArrayList<>(List.of(jcmd.toString(), Long.toString(processId)));
      arguments.addAll(List.of(command));
      Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        progress.step("profile: jcmd " + String.join(" ", command) + " failed: " + output.lines().limit(3).toList());
        return false;
      }
      return true;
    } catch (IOException e) {
      progress.step("profile: cannot run " + jcmd + ": " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
