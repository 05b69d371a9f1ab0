package io.meshgate.loadtests.pgbench;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the pgbench binary and reads what it wrote. */
public final class Pgbench {
  /** How long pgbench may take beyond its {@code --time}: connecting 128 clients, writing logs. */
  private static final Duration GRACE = Duration.ofSeconds(60);

  private final Path binary;

  public Pgbench(Path binary) {
    this.binary = requireNonNull(binary, "binary is null");
    if (!Files.isExecutable(binary)) {
      throw new PgbenchException(binary + " is not an executable pgbench");
    }
  }

  public Path binary() {
    return binary;
  }

  /** The first line of {@code pgbench --version}. */
  public String version() {
    try {
      Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      process.waitFor(10, TimeUnit.SECONDS);
      return output.lines().findFirst().orElse("unknown");
    } catch (IOException e) {
      throw new PgbenchException("cannot run " + binary + " --version: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PgbenchException("interrupted while asking pgbench for its version", e);
    }
  }

  /**
   * {@code pgbench --initialize --scale=<scale>}: creates and fills pgbench's tables in the
   * endpoint's database (replacing earlier ones).
   *
   * @param outputPrefix pgbench's output goes to {@code <outputPrefix>.out} and {@code .err}
   */
  public void initialize(Endpoint endpoint, int scale, Path outputPrefix) {
    requireNonNull(endpoint, "endpoint is null");
    if (scale < 1 || scale > 1000) {
      throw new IllegalArgumentException("scale must be 1-1000, not " + scale);
    }
    List<String> command = List.of(binary.toString(), "--initialize", "--scale=" + scale, "--quiet",
        "--host=" + endpoint.host(), "--port=" + endpoint.port(), "--username=" + endpoint.user(), endpoint.database());
    execute(command, endpoint, outputPrefix, Duration.ofMinutes(10));
  }

  /**
   * Runs {@code invocation} and parses its summary and per-transaction logs.
   *
   * @param outputPrefix pgbench's output goes to {@code <outputPrefix>.out} and {@code .err},
   *     its per-transaction logs to {@code <outputPrefix>.<pid>[.<thread>]}
   * @param keepTransactionLogs false: the per-transaction logs are deleted once read (a full
   *     run writes hundreds of megabytes of them)
   * @throws PgbenchException when pgbench fails, is aborted or times out
   */
  public PgbenchResult run(PgbenchInvocation invocation, Path outputPrefix, boolean keepTransactionLogs) {
    requireNonNull(invocation, "invocation is null");
    List<String> command = invocation.command(binary, outputPrefix);
    String output = execute(command, invocation.endpoint(), outputPrefix, invocation.duration().plus(GRACE));
    try {
      PgbenchSummary summary = PgbenchSummary.parse(output);
      TransactionLog log = TransactionLog.read(outputPrefix);
      return new PgbenchResult(summary, log);
    } catch (IOException e) {
      throw new PgbenchException("cannot read pgbench's transaction logs " + outputPrefix + ".*: " + e.getMessage(), e);
    } finally {
      if (!keepTransactionLogs) {
        deleteTransactionLogs(outputPrefix);
      }
    }
  }

  /** Runs a command to completion, returning its standard output; a non-zero exit is an error. */
  private static String execute(List<String> command, Endpoint endpoint, Path outputPrefix, Duration timeout) {
    Path standardOutput = sibling(outputPrefix, ".out");
    Path standardError = sibling(outputPrefix, ".err");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(outputPrefix.toAbsolutePath().getParent().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(standardOutput.toFile())
        .redirectError(standardError.toFile());
    Map<String, String> environment = builder.environment();
    environment.put("PGPASSWORD", endpoint.password());
    environment.put("PGSSLMODE", "disable");
    environment.put("PGCONNECT_TIMEOUT", "10");
    environment.put("PGAPPNAME", "meshgate-load-tests");
    // pgbench's messages in English whatever the machine's locale: the parser reads them.
    environment.put("LC_ALL", "C");
    environment.remove("PGOPTIONS");
    environment.remove("PGSERVICE");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new PgbenchException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new PgbenchException("pgbench did not finish within " + timeout.toSeconds() + " s and was killed: "
            + describe(command));
      }
      String output = Files.readString(standardOutput, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        String errors = Files.readString(standardError, StandardCharsets.UTF_8);
        throw new PgbenchException("pgbench exited with status " + process.exitValue() + " (" + describe(command)
            + "):\n" + OutputTail.of(errors.isBlank() ? output : errors));
      }
      return output;
    } catch (IOException e) {
      throw new PgbenchException("cannot read pgbench's output " + standardOutput + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new PgbenchException("interrupted while pgbench ran", e);
    }
  }

  private static void deleteTransactionLogs(Path outputPrefix) {
    try {
      for (Path file : TransactionLog.files(outputPrefix)) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // Only disk space is lost; the results are already parsed.
    }
  }

  private static Path sibling(Path prefix, String suffix) {
    return prefix.resolveSibling(prefix.getFileName() + suffix);
  }

  /** The command without the program path, for messages. */
  private static String describe(List<String> command) {
    List<String> arguments = new ArrayList<>(command.subList(1, command.size()));
    return "pgbench " + String.join(" ", arguments);
  }
}
