package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs fake ensure-opa scripts in a temporary repository layout. */
class OpaBinaryTest {

  @TempDir Path repository;

  private Path executable(String relative, String content) throws IOException {
    Path file = repository.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void environmentVariableWins() throws IOException {
    Path opa = executable("tools/opa", "#!/bin/sh\n");
    executable(OpaBinary.ENSURE_SCRIPT, "#!/bin/sh\nexit 1\n");

    assertEquals(opa, OpaBinary.locate(repository, Map.of("MESHGATE_OPA", opa.toString())));
  }

  @Test
  void environmentVariableMustPointAtAnExecutable() throws IOException {
    Path notExecutable = repository.resolve("opa.txt");
    Files.writeString(notExecutable, "");

    OpaStartException error =
        assertThrows(
            OpaStartException.class,
            () -> OpaBinary.locate(repository, Map.of("MESHGATE_OPA", notExecutable.toString())));

    assertTrue(error.getMessage().contains("MESHGATE_OPA"), error.getMessage());
  }

  @Test
  void runsTheEnsureScriptAndUsesItsLastLine() throws IOException {
    Path opa = executable("tools/opa", "#!/bin/sh\n");
    executable(
        OpaBinary.ENSURE_SCRIPT,
        "#!/bin/sh\necho 'building (pretend)' >&2\necho 'noise'\necho '" + opa + "'\n");

    assertEquals(opa, OpaBinary.locate(repository, Map.of()));
  }

  @Test
  void failingScriptIsReportedWithItsErrorOutput() throws IOException {
    executable(OpaBinary.ENSURE_SCRIPT, "#!/bin/sh\necho 'Go is not installed' >&2\nexit 3\n");

    OpaStartException error = assertThrows(OpaStartException.class, () -> OpaBinary.locate(repository, Map.of()));

    assertTrue(error.getMessage().contains("exit code 3"), error.getMessage());
    assertTrue(error.getMessage().contains("Go is not installed"), error.getMessage());
  }

  @Test
  void scriptMustPrintAnExecutable() throws IOException {
    executable(OpaBinary.ENSURE_SCRIPT, "#!/bin/sh\necho /nonexistent/opa\n");

    assertThrows(OpaStartException.class, () -> OpaBinary.locate(repository, Map.of()));
  }

  @Test
  void missingScriptNamesTheFix() {
    OpaStartException error = assertThrows(OpaStartException.class, () -> OpaBinary.locate(repository, Map.of()));

    assertTrue(error.getMessage().contains("repository root"), error.getMessage());
  }
}
