package io.meshgate.proxy.clients;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One finished run of a client program: how it ended and everything it printed. */
record ClientRun(List<String> command, int exitCode, String stdout, String stderr) {
  ClientRun {
    command = List.copyOf(command);
    requireNonNull(stdout, "stdout is null");
    requireNonNull(stderr, "stderr is null");
  }

  /**
   * Runs {@code command} to its end with {@code environment} added to this process's own and
   * fails the test when it outlives {@code timeout}. Output goes to files, not pipes, so a
   * client that prints a lot cannot block on a full pipe while we wait for it.
   */
  static ClientRun start(List<String> command, Map<String, String> environment, Path workDirectory, Duration timeout)
      throws IOException {
    Path output = Files.createTempFile(workDirectory, "client-", ".out");
    Path errors = Files.createTempFile(workDirectory, "client-", ".err");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDirectory.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(output.toFile())
        .redirectError(errors.toFile());
    // Settings a developer's shell may carry (PGSERVICE, PGSSLROOTCERT, PGOPTIONS, ...) would
    // change what the clients send; the tests say everything they need.
    builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("timed out after " + timeout + ": "
            + new ClientRun(command, -1, read(output), read(errors)).describe());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + command, e);
    }
    return new ClientRun(command, process.exitValue(), read(output), read(errors));
  }

  private static String read(Path file) throws IOException {
    // Not Files.readString: a client's stray invalid byte must end up in the message, not throw.
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** Everything about the run, for assertion messages. */
  String describe() {
    return String.join(" ", command) + " exited " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
  }
}
