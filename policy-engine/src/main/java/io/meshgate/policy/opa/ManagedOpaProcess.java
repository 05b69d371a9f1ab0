package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local OPA server on a policies folder, owned by this JVM: {@code opa run --server --addr
 * 127.0.0.1:<port> --skip-version-check --log-level error --ignore target --ignore .* <policies>}
 * ({@code --skip-version-check} is what OPA 1.x calls the deprecated {@code --disable-telemetry}:
 * no call home).
 * It listens on loopback only, its output goes to the log (logger {@code
 * io.meshgate.policy.opa.ManagedOpaProcess.output}), it never sees this JVM's standard input, and a
 * shutdown hook kills it when the JVM exits. {@link #stop()} and {@link #start()} again keep the
 * port, so a client configured with {@link #baseUri()} reconnects to the restarted server.
 *
 * <p>Limitation: if the JVM is killed with SIGKILL no hook runs and OPA outlives it.
 */
public final class ManagedOpaProcess implements AutoCloseable {

  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(15);

  /** Names OPA is told to skip while loading; {@link PolicyRevision} skips the same. */
  private static final List<String> IGNORED_NAMES = List.of("target", ".*");

  private static final Logger LOG = LoggerFactory.getLogger(ManagedOpaProcess.class);
  private static final Logger OUTPUT = LoggerFactory.getLogger(ManagedOpaProcess.class.getName() + ".output");
  private static final int RECENT_OUTPUT_LINES = 20;
  private static final int FREE_PORT_ATTEMPTS = 3;
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration HEALTH_POLL_INTERVAL = Duration.ofMillis(50);

  private final Path opaBinary;
  private final Path policiesDirectory;
  private final Duration startupTimeout;
  private final HttpClient healthClient;
  private final Deque<String> recentOutput = new ArrayDeque<>();

  private int port;
  private volatile Process process;
  private Thread outputPump;
  private Thread shutdownHook;
  private boolean closed;

  /**
   * A process that is not started yet.
   *
   * @param port the loopback port, or 0 to pick a free one at the first start and keep it
   */
  public ManagedOpaProcess(Path opaBinary, Path policiesDirectory, int port, Duration startupTimeout) {
    this.opaBinary = requireNonNull(opaBinary, "opaBinary is null");
    this.policiesDirectory = requireNonNull(policiesDirectory, "policiesDirectory is null");
    this.startupTimeout = requireNonNull(startupTimeout, "startupTimeout is null");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535");
    }
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("startupTimeout must be positive");
    }
    this.port = port;
    this.healthClient =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
  }

  public ManagedOpaProcess(Path opaBinary, Path policiesDirectory, int port) {
    this(opaBinary, policiesDirectory, port, DEFAULT_STARTUP_TIMEOUT);
  }

  /** Creates and starts an OPA on {@code policiesDirectory}. */
  public static ManagedOpaProcess start(Path opaBinary, Path policiesDirectory, int port)
      throws OpaStartException {
    ManagedOpaProcess opa = new ManagedOpaProcess(opaBinary, policiesDirectory, port);
    opa.start();
    return opa;
  }

  /**
   * Starts OPA and waits until {@code GET /health} answers 200. Does nothing if it is running.
   *
   * @throws OpaStartException if OPA exits or is not healthy within the startup timeout; the
   *     message carries OPA's last output lines and what to fix
   */
  public synchronized void start() throws OpaStartException {
    if (closed) {
      throw new IllegalStateException("this OPA process was closed; create a new one");
    }
    if (isAlive()) {
      return;
    }
    if (!Files.isRegularFile(opaBinary) || !Files.isExecutable(opaBinary)) {
      throw new OpaStartException(
          opaBinary + " is not an executable OPA binary; find it with OpaBinary.locate(repository root)");
    }
    if (!Files.isDirectory(policiesDirectory)) {
      throw new OpaStartException(
          "policies folder " + policiesDirectory + " does not exist; pass the policies/ folder of the repository");
    }
    registerShutdownHook();
    if (port != 0) {
      launch(port);
      return;
    }
    // A free port found now can be taken by someone else before OPA binds it; try another.
    OpaStartException lastFailure = null;
    for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt++) {
      int candidate = freeLoopbackPort();
      try {
        launch(candidate);
        port = candidate;
        return;
      } catch (OpaStartException e) {
        lastFailure = e;
        if (!recentOutputMentions("address already in use")) {
          break;
        }
      }
    }
    throw lastFailure;
  }

  /** Where the server listens; the port is fixed from the first start on. */
  public synchronized URI baseUri() {
    if (port == 0) {
      throw new IllegalStateException("OPA has not been started yet, so it has no port");
    }
    return URI.create("http://127.0.0.1:" + port);
  }

  public boolean isAlive() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /** The operating system's id of the running OPA, for diagnostics. */
  public OptionalLong pid() {
    Process current = process;
    return current != null && current.isAlive() ? OptionalLong.of(current.pid()) : OptionalLong.empty();
  }

  /** Stops OPA: SIGTERM, then SIGKILL after 5 s. Does nothing if it is not running. */
  public synchronized void stop() {
    Process current = process;
    if (current == null) {
      return;
    }
    terminate(current);
    process = null;
    joinOutputPump();
  }

  /** Stops OPA for good and removes the shutdown hook. */
  @Override
  public synchronized void close() {
    stop();
    closed = true;
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the hook runs anyway and finds nothing to kill.
      }
      shutdownHook = null;
    }
    healthClient.shutdownNow();
  }

  static boolean isIgnoredName(String name) {
    return name.equals("target") || name.startsWith(".");
  }

  private void launch(int candidatePort) throws OpaStartException {
    List<String> command = command(candidatePort);
    synchronized (recentOutput) {
      recentOutput.clear();
    }
    Process started;
    try {
      started =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              // Not inherited: OPA must never read the terminal or the proxy's standard input.
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      started.getOutputStream().close();
    } catch (IOException e) {
      throw new OpaStartException("could not start " + opaBinary + ": " + e.getMessage(), e);
    }
    process = started;
    outputPump =
        Thread.ofPlatform()
            .daemon()
            .name("opa-output-" + candidatePort)
            .start(() -> pumpOutput(started.getInputStream()));
    LOG.info("starting OPA on 127.0.0.1:{} with policies {}", candidatePort, policiesDirectory);
    awaitHealthy(started, candidatePort);
  }

  private List<String> command(int candidatePort) {
    List<String> command = new ArrayList<>(List.of(
        opaBinary.toString(),
        "run",
        "--server",
        "--addr",
        "127.0.0.1:" + candidatePort,
        "--skip-version-check",
        "--log-level",
        "error"));
    for (String name : IGNORED_NAMES) {
      command.add("--ignore");
      command.add(name);
    }
    command.add(policiesDirectory.toAbsolutePath().toString());
    return command;
  }

  private void awaitHealthy(Process started, int candidatePort) throws OpaStartException {
    URI health = URI.create("http://127.0.0.1:" + candidatePort + "/health");
    HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).GET().build();
    long deadline = System.nanoTime() + startupTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!started.isAlive()) {
        joinOutputPump();
        process = null;
        throw new OpaStartException(
            "OPA exited with code "
                + started.exitValue()
                + " while starting on 127.0.0.1:"
                + candidatePort
                + ". OPA said: "
                + recentOutputText()
                + ". Fix what OPA reports (for policy errors run policies/check), or free the port");
      }
      try {
        HttpResponse<Void> response = healthClient.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          LOG.info("OPA is healthy on 127.0.0.1:{} (pid {})", candidatePort, started.pid());
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        terminate(started);
        process = null;
        Thread.currentThread().interrupt();
        throw new OpaStartException("interrupted while waiting for OPA to start", e);
      }
      try {
        Thread.sleep(HEALTH_POLL_INTERVAL);
      } catch (InterruptedException e) {
        terminate(started);
        process = null;
        Thread.currentThread().interrupt();
        throw new OpaStartException("interrupted while waiting for OPA to start", e);
      }
    }
    terminate(started);
    process = null;
    joinOutputPump();
    throw new OpaStartException(
        "OPA did not answer "
            + health
            + " with 200 within "
            + startupTimeout.toSeconds()
            + " s. OPA said: "
            + recentOutputText()
            + ". Check that the policies load (policies/check) and that nothing else uses the port");
  }

  private static void terminate(Process target) {
    target.destroy();
    try {
      if (!target.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("OPA (pid {}) did not stop within {} s; killing it", target.pid(), STOP_GRACE.toSeconds());
        target.destroyForcibly();
        target.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      target.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void registerShutdownHook() {
    if (shutdownHook != null) {
      return;
    }
    shutdownHook =
        new Thread(
            () -> {
              Process current = process;
              if (current != null && current.isAlive()) {
                current.destroyForcibly();
              }
            },
            "opa-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private void pumpOutput(InputStream output) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        // OPA runs at --log-level error: whatever it prints deserves attention.
        OUTPUT.warn("{}", line);
        synchronized (recentOutput) {
          recentOutput.addLast(line);
          while (recentOutput.size() > RECENT_OUTPUT_LINES) {
            recentOutput.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("OPA output closed", e);
    }
  }

  private void joinOutputPump() {
    Thread pump = outputPump;
    if (pump != null) {
      try {
        pump.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private String recentOutputText() {
    synchronized (recentOutput) {
      return recentOutput.isEmpty() ? "(nothing)" : String.join(" | ", recentOutput);
    }
  }

  private boolean recentOutputMentions(String text) {
    synchronized (recentOutput) {
      return recentOutput.stream().anyMatch(line -> line.contains(text));
    }
  }

  private static int freeLoopbackPort() throws OpaStartException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new OpaStartException("could not find a free loopback port for OPA: " + e.getMessage(), e);
    }
  }
}
