package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A plain OPA server, {@code opa run --server --bundle <policies>}, started the way an operator
 * runs a shared OPA that Meshgate reaches by URL (Meshgate's remote policy source): no bundle
 * server, no reload, nothing of Meshgate's in between. On one machine it differs from the
 * managed OPA only in how it got its policies; decisions take the same path.
 */
public final class OpaServerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final URI baseUri;
  private final ShutdownGuard guard;

  private OpaServerProcess(Process process, URI baseUri, ShutdownGuard guard) {
    this.process = process;
    this.baseUri = baseUri;
    this.guard = guard;
  }

  /** Starts OPA on a free loopback port serving {@code policies}; its output goes to {@code output}. */
  public static OpaServerProcess start(Path opa, Path policies, Path output) {
    requireNonNull(opa, "opa is null");
    requireNonNull(policies, "policies is null");
    requireNonNull(output, "output is null");
    int port = LoopbackPort.free();
    Process process;
    try {
      Files.createDirectories(output.toAbsolutePath().getParent());
      process = new ProcessBuilder(opa.toString(), "run", "--server", "--bundle", "--log-level", "error",
          "--addr", "127.0.0.1:" + port, policies.toString())
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot start OPA (" + opa + "): " + e.getMessage(), e);
    }
    ShutdownGuard guard = ShutdownGuard.forProcess(process, "opa-server");
    URI baseUri = URI.create("http://127.0.0.1:" + port);
    try {
      awaitHealthy(process, baseUri, output);
      return new OpaServerProcess(process, baseUri, guard);
    } catch (RuntimeException e) {
      process.destroyForcibly();
      guard.release();
      throw e;
    }
  }

  private static void awaitHealthy(Process process, URI baseUri, Path output) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health = HttpRequest.newBuilder(baseUri.resolve("/health")).timeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new BenchmarkSetupException("OPA exited with status " + process.exitValue() + "; see " + output);
      }
      try {
        if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkSetupException("interrupted while waiting for OPA", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkSetupException("interrupted while waiting for OPA", e);
      }
    }
    throw new BenchmarkSetupException("OPA did not become healthy within " + START_TIMEOUT.toSeconds() + " s; see "
        + output);
  }

  public URI baseUri() {
    return baseUri;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      guard.release();
    }
  }
}
