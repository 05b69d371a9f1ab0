package io.meshgate.loadtests.systems;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starting and stopping a JVM child that binds a free port and prints it (Meshgate, the Netty
 * relay): the runner learns the port from the child's output instead of guessing a free one,
 * which another process could take between the guess and the bind.
 */
final class ListeningProcess {
  private ListeningProcess() {}

  /** Starts {@code command} in {@code directory}, stdin from /dev/null, stdout and stderr to {@code output}. */
  static Process start(List<String> command, Path directory, Path output) throws IOException {
    return new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .start();
  }

  /**
   * Waits until {@code output} has a line matching {@code listening} (group 1: the port) and
   * returns the port; fails with the output's tail when the process exits or the time is up.
   */
  static int awaitPort(Process process, Path output, Pattern listening, String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String text = read(output);
      Matcher matcher = listening.matcher(text);
      if (matcher.find()) {
        return Integer.parseInt(matcher.group(1));
      }
      if (!process.isAlive()) {
        throw new BenchmarkSetupException(name + " exited with status " + process.exitValue() + " while starting:\n"
            + tail(text));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkSetupException("interrupted while waiting for " + name, e);
      }
    }
    throw new BenchmarkSetupException(name + " did not listen within " + timeout.toSeconds() + " s:\n"
        + tail(read(output)));
  }

  /** SIGTERM, SIGKILL after 20 s, then SIGKILL for any of {@code children} still alive. */
  static void stop(Process process, List<ProcessHandle> children) {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    // A child (Meshgate's managed OPA) outlives a parent that was killed.
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
