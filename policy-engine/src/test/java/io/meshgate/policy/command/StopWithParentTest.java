package io.meshgate.policy.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The wrapped command runs in its own place, and stops when its standard input closes. */
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
        "trap '' INT; while :; do sleep 0.1; done"), "INT"))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    try {
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
  void onlyKnownSignals() {
    assertThrows(IllegalArgumentException.class, () -> StopWithParent.wrap(List.of("opa"), "KILL; rm -rf /"));
    assertThrows(IllegalArgumentException.class, () -> StopWithParent.wrap(List.of(), "TERM"));
    assertFalse(StopWithParent.wrap(List.of("opa", "run"), "TERM").isEmpty());
  }
}
