package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the pinned OPA binary. */
public final class OpaBinary {

  /** The environment variable that points at an OPA binary to use instead of the pinned build. */
  public static final String ENVIRONMENT_VARIABLE = "MESHGATE_OPA";

  static final String ENSURE_SCRIPT = "policy-engine/bin/ensure-opa";

  private static final Logger LOG = LoggerFactory.getLogger(OpaBinary.class);

  /** Building OPA from source is minutes on a cold module cache; this only bounds a hang. */
  private static final long SCRIPT_TIMEOUT_MINUTES = 30;

  private OpaBinary() {}

  /**
   * The OPA binary: {@code $MESHGATE_OPA} if set, else the path that {@code
   * <repoRoot>/policy-engine/bin/ensure-opa} prints (the script builds the pinned version only
   * when it is missing, so later calls cost nothing).
   */
  public static Path locate(Path repositoryRoot) throws OpaStartException {
    return locate(repositoryRoot, System.getenv());
  }

  static Path locate(Path repositoryRoot, Map<String, String> environment) throws OpaStartException {
    requireNonNull(repositoryRoot, "repositoryRoot is null");
    String configured = environment.get(ENVIRONMENT_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      Path binary = Path.of(configured);
      if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
        throw new OpaStartException(
            ENVIRONMENT_VARIABLE
                + "="
                + configured
                + " is not an executable file; point it at an OPA binary or unset it to use "
                + ENSURE_SCRIPT);
      }
      return binary;
    }
    Path script = repositoryRoot.resolve(ENSURE_SCRIPT);
    if (!Files.isExecutable(script)) {
      throw new OpaStartException(
          script
              + " is missing or not executable; pass the repository root (the folder with policies/ and"
              + " policy-engine/) or set "
              + ENVIRONMENT_VARIABLE);
    }
    return runEnsureScript(script);
  }

  private static Path runEnsureScript(Path script) throws OpaStartException {
    Process process;
    try {
      process = new ProcessBuilder(script.toString()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new OpaStartException("could not run " + script + ": " + e.getMessage(), e);
    }
    try {
      process.getOutputStream().close();
      List<String> errorLines = new ArrayList<>();
      Thread errorPump =
          Thread.ofPlatform()
              .daemon()
              .name("ensure-opa-stderr")
              .start(() -> pump(process.getErrorStream(), errorLines));
      List<String> outputLines = new ArrayList<>();
      pump(process.getInputStream(), outputLines);
      if (!process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new OpaStartException(script + " did not finish within " + SCRIPT_TIMEOUT_MINUTES + " minutes");
      }
      errorPump.join(TimeUnit.SECONDS.toMillis(5));
      if (process.exitValue() != 0) {
        List<String> tail;
        synchronized (errorLines) {
          tail = List.copyOf(errorLines.subList(Math.max(0, errorLines.size() - 10), errorLines.size()));
        }
        throw new OpaStartException(
            script + " failed with exit code " + process.exitValue() + ": " + String.join(" | ", tail));
      }
      String printed = outputLines.isEmpty() ? "" : outputLines.get(outputLines.size() - 1).strip();
      Path binary = Path.of(printed);
      if (printed.isEmpty() || !Files.isExecutable(binary)) {
        throw new OpaStartException(script + " did not print the path of an executable OPA binary");
      }
      return binary;
    } catch (IOException e) {
      throw new OpaStartException("could not read the output of " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new OpaStartException("interrupted while running " + script, e);
    }
  }

  private static void pump(InputStream stream, List<String> lines) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        LOG.info("ensure-opa: {}", line);
        synchronized (lines) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      LOG.debug("ensure-opa output closed", e);
    }
  }
}
