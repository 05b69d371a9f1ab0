package io.meshgate.policy.command;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command to its end. The child never sees this JVM's standard input (a tool that asks a
 * question gets end of file instead of hanging), its output is captured line by line up to a
 * bound, and a command that outlives its time limit is killed together with everything it
 * started (the policies/check script starts OPA, which must not be left behind).
 */
public final class CommandRunner {

  /** Output kept per command; the rest is counted and dropped. */
  public static final int MAXIMUM_OUTPUT_LINES = 2_000;

  private static final int MAXIMUM_LINE_CHARACTERS = 2_000;
  private static final Duration PUMP_GRACE = Duration.ofSeconds(2);

  private CommandRunner() {}

  /**
   * Runs {@code command} in {@code workingDirectory} and waits for it, at most {@code timeout}.
   *
   * @throws IOException if the command cannot be started (e.g. the program does not exist)
   * @throws InterruptedException if interrupted while waiting; the command is killed first
   */
  public static CommandResult run(List<String> command, Path workingDirectory, Duration timeout)
      throws IOException, InterruptedException {
    return run(command, workingDirectory, timeout, Map.of());
  }

  /**
   * Runs {@code command} with {@code environment} added to (or replacing entries of) this JVM's
   * environment.
   */
  public static CommandResult run(
      List<String> command, Path workingDirectory, Duration timeout, Map<String, String> environment)
      throws IOException, InterruptedException {
    requireNonNull(command, "command is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(workingDirectory, "workingDirectory is null");
    requireNonNull(timeout, "timeout is null");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must name a program");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (!Files.isDirectory(workingDirectory)) {
      throw new IOException("working directory " + workingDirectory + " does not exist");
    }
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    List<String> output = new ArrayList<>();
    Thread pump =
        Thread.ofPlatform()
            .daemon()
            .name("command-output-" + process.pid())
            .start(() -> pump(process.getInputStream(), output));
    boolean finished;
    try {
      finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      killTree(process);
      throw e;
    }
    if (!finished) {
      killTree(process);
    }
    // The pump ends when every holder of the pipe is gone; a grandchild that escaped the kill
    // could keep it open, so the wait is bounded.
    pump.join(PUMP_GRACE.toMillis());
    Duration duration = Duration.ofNanos(System.nanoTime() - started);
    List<String> lines;
    synchronized (output) {
      lines = List.copyOf(output);
    }
    return new CommandResult(finished ? process.exitValue() : -1, !finished, lines, duration);
  }

  private static void killTree(Process process) throws InterruptedException {
    // Children first: once the parent is gone they are re-parented and harder to find.
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(PUMP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void pump(InputStream stream, List<String> output) {
    long dropped = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (output) {
          if (output.size() < MAXIMUM_OUTPUT_LINES) {
            output.add(line.length() > MAXIMUM_LINE_CHARACTERS ? line.substring(0, MAXIMUM_LINE_CHARACTERS) + "…" : line);
          } else {
            dropped++;
          }
        }
      }
    } catch (IOException e) {
      // The process was killed and the pipe closed under the reader: what was read is kept.
    }
    if (dropped > 0) {
      synchronized (output) {
        output.add("(" + dropped + " more lines of output were dropped)");
      }
    }
  }
}
