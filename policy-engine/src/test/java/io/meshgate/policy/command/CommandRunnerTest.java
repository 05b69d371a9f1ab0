package io.meshgate.policy.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {

  private static final Duration GENEROUS = Duration.ofSeconds(10);

  @TempDir Path folder;

  private CommandResult shell(String script, Duration timeout) throws Exception {
    return CommandRunner.run(List.of("sh", "-c", script), folder, timeout);
  }

  @Test
  void capturesStandardOutputAndErrorInOrderAndTheExitCode() throws Exception {
    CommandResult result = shell("echo one; echo two >&2; echo three; exit 3", GENEROUS);

    assertEquals(3, result.exitCode());
    assertFalse(result.succeeded());
    assertFalse(result.timedOut());
    assertEquals(List.of("one", "two", "three"), result.output());
    assertEquals("one\ntwo\nthree", result.outputText());
    assertEquals(List.of("one", "two"), result.firstLines(2));
    assertEquals(List.of("one", "two", "three"), result.firstLines(40));
  }

  @Test
  void runsInTheWorkingDirectoryWithoutStandardInput() throws Exception {
    Files.writeString(folder.resolve("marker"), "here\n");

    // `cat` with no file reads standard input: end of file at once, never the terminal.
    CommandResult result = shell("cat marker; cat; echo done", GENEROUS);

    assertTrue(result.succeeded());
    assertEquals(List.of("here", "done"), result.output());
  }

  @Test
  void killsACommandAndItsChildrenAfterTheTimeout() throws Exception {
    long started = System.nanoTime();
    CommandResult result = shell("sleep 30 & echo child=$!; wait", Duration.ofMillis(500));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertTrue(result.timedOut());
    assertFalse(result.succeeded());
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
    Matcher child = Pattern.compile("child=(\\d+)").matcher(result.outputText());
    assertTrue(child.find(), result::outputText);
    long sleeper = Long.parseLong(child.group(1));
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (isRunning(sleeper) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(isRunning(sleeper), "the child was killed too");
  }

  /**
   * Alive and not a zombie: a killed orphan stays a zombie where nobody reaps it (a container
   * whose first process is not an init), which ProcessHandle still calls alive.
   */
  private static boolean isRunning(long pid) throws IOException {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return true;
    }
    try {
      String text = Files.readString(stat);
      return !text.substring(text.lastIndexOf(')') + 1).strip().startsWith("Z");
    } catch (IOException e) {
      // Reaped while reading.
      return false;
    }
  }

  @Test
  void boundsTheCapturedOutput() throws Exception {
    CommandResult result = shell("i=0; while [ $i -lt 2100 ]; do echo line $i; i=$((i+1)); done", GENEROUS);

    assertTrue(result.succeeded());
    assertEquals(CommandRunner.MAXIMUM_OUTPUT_LINES + 1, result.output().size());
    assertEquals("line 0", result.output().getFirst());
    assertEquals("(100 more lines of output were dropped)", result.output().getLast());
  }

  @Test
  void aMissingProgramOrFolderIsAnIoException() {
    assertThrows(IOException.class, () -> CommandRunner.run(List.of("no-such-program-meshgate"), folder, GENEROUS));
    assertThrows(IOException.class, () -> CommandRunner.run(List.of("true"), folder.resolve("nowhere"), GENEROUS));
    assertThrows(IllegalArgumentException.class, () -> CommandRunner.run(List.of(), folder, GENEROUS));
    assertThrows(IllegalArgumentException.class, () -> CommandRunner.run(List.of("true"), folder, Duration.ZERO));
  }
}
