package io.meshgate.policy.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The wrapped command runs in its own place, stops when its standard input closes, and a
 * directory given to remove goes only when the parent has died.
 */
class StopWithParentTest {
  @Test
  void theChildIsTheCommandItselfAndIsAskedToStopWhenThePipeCloses() throws Exception {
    Process process = new ProcessBuilder(StopWithParent.wrap(List.of("sleep", "600"), "TERM"))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    try {
      Thread.sleep(500);
      assertTrue(process.isAlive(), "the command must run while the pipe is open");
      String command = process.info().command().orElse("");
      assertTrue(command.endsWith("/sleep"), "exec leaves the command in the wrapper's place: " + command);

      process.getOutputStream().close(); // what the death of the JVM does to the pipe
      assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the command outlived its parent's pipe");
      assertEquals(128 + 15, process.exitValue(), "stopped by SIGTERM, not killed");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aCommandThatIgnoresTheSignalIsKilled() throws Exception {
    Process process = new ProcessBuilder(StopWithParent.wrap(List.of("/bin/sh", "-c",
        "trap '' INT; echo ignoring; while :; do sleep 0.1; done"), "INT"))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    try {
      // Only once the trap is set: on a busy machine the signal could otherwise come first.
      assertEquals("ignoring", new java.io.BufferedReader(
          new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)).readLine());
      process.getOutputStream().close();
      assertTrue(process.waitFor(20, TimeUnit.SECONDS), "an ignored signal must not keep it alive");
      assertEquals(128 + 9, process.exitValue());
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void theCommandDoesNotReadTheParentsPipe() throws Exception {
    Process process = new ProcessBuilder(StopWithParent.wrap(List.of("/bin/sh", "-c", "cat; echo read-eof"), "TERM"))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectErrorStream(true)
        .start();
    try {
      // cat reads /dev/null, not the pipe: it ends at once although the pipe stays open
      assertTrue(process.waitFor(10, TimeUnit.SECONDS));
      assertEquals("read-eof", new String(process.getInputStream().readAllBytes()).strip());
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aDirectoryToRemoveGoesOnceTheParentHasDiedAndTheCommandHasExited() throws Exception {
    Path directory = Files.createTempDirectory("stop-with-parent-test-");
    Files.writeString(directory.resolve("data"), "left behind?");
    // A shell stands in for the JVM: it starts the wrapped command on the test's pipe, then is
    // killed. A background command reads /dev/null unless told otherwise, hence fd 4.
    List<String> parentCommand = new ArrayList<>(List.of("/bin/sh", "-c", "exec 4<&0; \"$@\" <&4 4<&- & echo $!; wait",
        "parent"));
    parentCommand.addAll(StopWithParent.wrap(List.of("sleep", "600"), "TERM", Optional.of(directory)));
    Process parent = new ProcessBuilder(parentCommand).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    ProcessHandle command = null;
    try {
      long commandPid = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(),
          StandardCharsets.UTF_8)).readLine().strip());
      command = ProcessHandle.of(commandPid).orElseThrow();
      Thread.sleep(300);
      assertTrue(Files.exists(directory), "nothing is removed while the parent lives");

      parent.destroyForcibly();
      assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
      parent.getOutputStream().close(); // the dead parent's end of the pipe
      command.onExit().get(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Files.exists(directory) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(Files.exists(directory), "the directory outlived its dead parent");
    } finally {
      parent.destroyForcibly();
      if (command != null) {
        command.destroyForcibly();
      }
      deleteIfLeft(directory);
    }
  }

  @Test
  void aLiveParentKeepsTheDirectory() throws Exception {
    // A live JVM deletes the directory itself, or starts the command again on it.
    Path directory = Files.createTempDirectory("stop-with-parent-test-");
    Process process = new ProcessBuilder(StopWithParent.wrap(List.of("sleep", "600"), "TERM", Optional.of(directory)))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    try {
      process.getOutputStream().close();
      assertTrue(process.waitFor(10, TimeUnit.SECONDS));
      Thread.sleep(1500); // the watcher notices the exit within half a second
      assertTrue(Files.isDirectory(directory), "removed although its parent is alive");
    } finally {
      process.destroyForcibly();
      deleteIfLeft(directory);
    }
  }

  @Test
  void aDirectoryNameIsAnArgumentNotScript() throws Exception {
    Path parent = Files.createTempDirectory("stop-with-parent-test-");
    Path odd = parent.resolve("$(touch injected); x");
    List<String> wrapped = StopWithParent.wrap(List.of("true"), "TERM", Optional.of(odd));
    assertFalse(wrapped.get(2).contains(odd.toString()), "the script text must not carry the name");
    assertTrue(wrapped.contains(odd.toString()));
    deleteIfLeft(parent);
  }

  private static void deleteIfLeft(Path directory) throws IOException {
    if (Files.exists(directory)) {
      try (Stream<Path> paths = Files.walk(directory)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  @Test
  void onlyKnownSignals() {
    assertThrows(IllegalArgumentException.class, () -> StopWithParent.wrap(List.of("opa"), "KILL; rm -rf /"));
    assertThrows(IllegalArgumentException.class, () -> StopWithParent.wrap(List.of(), "TERM"));
    assertFalse(StopWithParent.wrap(List.of("opa", "run"), "TERM").isEmpty());
  }
}
