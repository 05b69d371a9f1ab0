package io.meshgate.proxy.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code meshgate demo} killed with SIGKILL, when no shutdown hook runs: the PostgreSQL and the
 * OPA it started stop on their own instead of running on, orphaned, holding ports and memory,
 * and PostgreSQL's temporary data directory (tens of megabytes) does not stay behind.
 */
class DemoKilledIT {
  private static final Pattern WORK_DIRECTORY = Pattern.compile("\\(work directory (\\S+)\\)");
  private static final Pattern DATA_DIRECTORY = Pattern.compile("postgres -D (\\S+)");

  @Test
  void postgresAndOpaStopWhenTheDemoIsKilled() throws Exception {
    Path root = RepositoryRoot.find().orElseThrow();
    Path jar = root.resolve("proxy/target/meshgate-proxy-0.1.0-SNAPSHOT.jar");
    assertTrue(Files.isRegularFile(jar), "run after package: " + jar);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process demo = new ProcessBuilder(java, "-jar", jar.toString(), "demo", "--port", "0", "--metrics-port", "0")
        .directory(root.toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    List<ProcessHandle> started = List.of();
    Optional<Path> workDirectory = Optional.empty();
    try {
      String output = awaitRunning(demo);
      workDirectory = matched(WORK_DIRECTORY, output).map(Path::of);
      assertTrue(workDirectory.isPresent(), "the demo names its work directory:\n" + output);
      started = demo.descendants().toList();
      Path dataDirectory = started.stream()
          .flatMap(process -> matched(DATA_DIRECTORY, commandOf(process)).stream())
          .map(Path::of)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no postgres -D among the demo's processes"));
      assertTrue(Files.isDirectory(dataDirectory), "PostgreSQL runs in " + dataDirectory);
      assertTrue(started.stream().anyMatch(process -> commandOf(process).contains("postgres")),
          "the demo runs PostgreSQL: " + started.stream().map(DemoKilledIT::commandOf).toList());
      assertTrue(started.stream().anyMatch(process -> commandOf(process).contains("opa")),
          "the demo runs OPA: " + started.stream().map(DemoKilledIT::commandOf).toList());

      demo.destroyForcibly(); // SIGKILL
      assertTrue(demo.waitFor(10, TimeUnit.SECONDS));
      for (ProcessHandle process : started) {
        try {
          process.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          fail("left running after the demo was killed: pid " + process.pid() + " " + commandOf(process));
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Files.exists(dataDirectory) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(Files.exists(dataDirectory), "PostgreSQL's temporary data directory outlived the demo: " + dataDirectory);
    } finally {
      demo.destroyForcibly();
      started.forEach(ProcessHandle::destroyForcibly);
      // The demo keeps its work directory (audit log, certificates) for the user; the test does not.
      workDirectory.ifPresent(WorkDirectories::deleteQuietly);
    }
  }

  private static Optional<String> matched(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private static String commandOf(ProcessHandle process) {
    return process.info().commandLine().orElse(process.info().command().orElse("?"));
  }

  /** The demo's output up to its prompt. */
  private static String awaitRunning(Process demo) throws Exception {
    BufferedReader output = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    StringBuilder seen = new StringBuilder();
    String line;
    while (System.nanoTime() < deadline && (line = output.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.startsWith("Press Ctrl-C to stop.")) {
        // keep draining, so the demo never blocks on a full pipe
        Thread.ofVirtual().start(() -> output.lines().forEach(ignored -> { }));
        return seen.toString();
      }
    }
    return fail("the demo did not start:\n" + seen);
  }
}
