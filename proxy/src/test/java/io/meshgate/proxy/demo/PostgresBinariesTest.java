package io.meshgate.proxy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {
  @TempDir Path temporary;

  @Test
  void environmentVariableWinsOverInstallations() throws IOException {
    Path configured = fakeBin(temporary.resolve("custom/bin"));
    Path installations = temporary.resolve("installations");
    fakeBin(installations.resolve("16/bin"));

    Path found = new PostgresBinaries(Map.of(PostgresBinaries.ENVIRONMENT_VARIABLE, configured.toString()),
        installations, Optional.empty()).find();

    assertEquals(configured, found);
  }

  @Test
  void environmentVariableWithoutServerIsAnErrorNotAFallback() throws IOException {
    Path empty = Files.createDirectories(temporary.resolve("empty"));
    Path installations = temporary.resolve("installations");
    fakeBin(installations.resolve("15/bin"));

    LocalPostgresException error = assertThrows(LocalPostgresException.class, () -> new PostgresBinaries(
        Map.of(PostgresBinaries.ENVIRONMENT_VARIABLE, empty.toString()), installations, Optional.empty()).find());

    assertTrue(error.getMessage().contains(PostgresBinaries.ENVIRONMENT_VARIABLE), error.getMessage());
  }

  @Test
  void newestInstallationComparesVersionsNumerically() throws IOException {
    Path installations = temporary.resolve("installations");
    fakeBin(installations.resolve("9.6/bin"));
    Path fifteen = fakeBin(installations.resolve("15/bin"));
    fakeBin(installations.resolve("13/bin"));
    // A newer version with only the client installed does not count.
    Files.createDirectories(installations.resolve("16/bin"));
    Files.createFile(installations.resolve("16/bin/psql"));
    // Neither does a directory that is not a version.
    fakeBin(installations.resolve("common/bin"));

    Path found = new PostgresBinaries(Map.of(), installations, Optional.empty()).find();

    assertEquals(fifteen, found);
  }

  @Test
  void parsesVersionDirectoryNames() {
    assertEquals(Optional.of(List.of(9, 6)), PostgresBinaries.parseVersion("9.6"));
    assertEquals(Optional.of(List.of(17)), PostgresBinaries.parseVersion("17"));
    assertEquals(Optional.empty(), PostgresBinaries.parseVersion("common"));
    assertEquals(Optional.empty(), PostgresBinaries.parseVersion("15.x"));
  }

  @Test
  void fallsBackToTheRepositoryScript() throws IOException {
    Path elsewhere = fakeBin(temporary.resolve("from-script/bin"));
    Path repository = temporary.resolve("repository");
    Path script = repository.resolve(PostgresBinaries.ENSURE_SCRIPT);
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/bin/sh\necho 'installing' >&2\necho '" + elsewhere + "'\n");
    makeExecutable(script);

    Path found = new PostgresBinaries(Map.of("PATH", System.getenv("PATH")), temporary.resolve("no-installations"),
        Optional.of(repository)).find();

    assertEquals(elsewhere, found);
  }

  @Test
  void failingScriptIsReported() throws IOException {
    Path repository = temporary.resolve("repository");
    Path script = repository.resolve(PostgresBinaries.ENSURE_SCRIPT);
    Files.createDirectories(script.getParent());
    Files.writeString(script, "#!/bin/sh\nexit 3\n");
    makeExecutable(script);

    LocalPostgresException error = assertThrows(LocalPostgresException.class, () -> new PostgresBinaries(
        Map.of(), temporary.resolve("no-installations"), Optional.of(repository)).find());

    assertTrue(error.getMessage().contains("exit code 3"), error.getMessage());
  }

  @Test
  void nothingFoundNamesTheFix() {
    LocalPostgresException error = assertThrows(LocalPostgresException.class,
        () -> new PostgresBinaries(Map.of(), temporary.resolve("no-installations"), Optional.empty()).find());

    assertTrue(error.getMessage().contains(PostgresBinaries.ENVIRONMENT_VARIABLE), error.getMessage());
  }

  /** The real script, in the mode that needs no installed PostgreSQL: it honours MESHGATE_PG_BIN. */
  @Test
  void ensureScriptPrintsTheConfiguredDirectory() throws Exception {
    Path configured = fakeBin(temporary.resolve("configured/bin"));

    ScriptResult result = runEnsureScript(configured);

    assertEquals(0, result.exitCode(), result.output());
    assertEquals(configured.toString(), result.output().strip());
  }

  @Test
  void ensureScriptRejectsAConfiguredDirectoryWithoutServer() throws Exception {
    Path empty = Files.createDirectories(temporary.resolve("empty"));

    ScriptResult result = runEnsureScript(empty);

    assertEquals(1, result.exitCode(), result.output());
    assertTrue(result.output().contains("MESHGATE_PG_BIN"), result.output());
  }

  private record ScriptResult(int exitCode, String output) {}

  private static ScriptResult runEnsureScript(Path configured) throws Exception {
    Path script = PostgresBinaries.RepositoryRoot.find().orElseThrow().resolve(PostgresBinaries.ENSURE_SCRIPT);
    ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true);
    builder.environment().put(PostgresBinaries.ENVIRONMENT_VARIABLE, configured.toString());
    Process process = builder.start();
    String output;
    try (InputStream standardOutput = process.getInputStream()) {
      output = new String(standardOutput.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    return new ScriptResult(process.exitValue(), output);
  }

  private static Path fakeBin(Path directory) throws IOException {
    Files.createDirectories(directory);
    for (String program : List.of("initdb", "postgres", "pg_ctl")) {
      Path file = directory.resolve(program);
      Files.writeString(file, "#!/bin/sh\nexit 0\n");
      makeExecutable(file);
    }
    return directory;
  }

  private static void makeExecutable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
