package io.meshgate.proxy.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code meshgate demo} killed with SIGKILL, when no shutdown hook runs: the PostgreSQL and the
 * OPA it started stop on their own instead of running on, orphaned, holding ports and memory.
 */
class DemoKilledIT {
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
    try {
      awaitRunning(demo);
      started = demo.descendants().toList();
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
    } finally {
      demo.destroyForcibly();
      started.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static String commandOf(ProcessHandle process) {
    return process.info().commandLine().orElse(process.info().command().orElse("?"));
  }

  private static void awaitRunning(Process demo) throws Exception {
    BufferedReader output = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    StringBuilder seen = new StringBuilder();
    String line;
    while (System.nanoTime() < deadline && (line = output.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.startsWith("Press Ctrl-C to stop.")) {
        // keep draining, so the demo never blocks on a full pipe
        Thread.ofVirtual().start(() -> output.lines().forEach(ignored -> { }));
        return;
      }
    }
    fail("the demo did not start:\n" + seen);
  }
}
