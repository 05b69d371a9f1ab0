package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.command.StopWithParent;
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
 * 127.0.0.1:<port> --skip-version-check --log-level error} ({@code --skip-version-check} is what
 * OPA 1.x calls the deprecated {@code --disable-telemetry}: no call home), configured to download
 * its policies as a bundle from a {@link BundleServer} in this JVM. It listens on loopback only,
 * its output goes to the log (logger {@code io.meshgate.policy.opa.ManagedOpaProcess.output}), it
 * never sees this JVM's standard input, and a shutdown hook kills it when the JVM exits. {@link
 * #stop()} and {@link #start()} again keep the port, so a client configured with {@link
 * #baseUri()} reconnects to the restarted server.
 *
 * <p>The first {@link #start()} builds a bundle from a {@link PolicySnapshot} of the folder; from
 * then on OPA serves what was last {@link #activate activated}, a restart included, and never
 * reads the folder itself. Why a bundle and not {@code opa run <folder>}: OPA activates a bundle
 * in one storage transaction (every module and all data switch together, or nothing does, and a
 * bundle that does not compile leaves the old one in place); the process and its port stay up, so
 * no decision fails during a reload; and OPA reports the active bundle's revision, so {@link
 * #revision()} changes only once OPA serves it. Restarting OPA on a new folder would refuse
 * statements while it starts; pushing modules one by one through OPA's REST API would serve
 * half-updated policies between the calls; {@code opa run --watch} reloads whatever an editor has
 * half saved and says nothing about when. A bundle owns the whole data tree, so OPA also refuses
 * policy and data writes through its REST API from anyone else on the machine.
 *
 * <p>Limitation: if the JVM is killed with SIGKILL no hook runs and OPA outlives it (it then
 * keeps serving its last bundle until killed).
 */
public final class ManagedOpaProcess implements AutoCloseable {

  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(15);

  /** The longest {@link #activate} waits for OPA to report a new revision active. */
  public static final Duration DEFAULT_ACTIVATION_TIMEOUT = Duration.ofSeconds(5);

  /** The bundle's name in OPA's configuration and under {@code data.system.bundles}. */
  static final String BUNDLE_NAME = "meshgate";

  /** How long OPA's bundle requests are held by the bundle server before it answers 304. */
  private static final int LONG_POLLING_TIMEOUT_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger(ManagedOpaProcess.class);
  private static final Logger OUTPUT = LoggerFactory.getLogger(ManagedOpaProcess.class.getName() + ".output");
  private static final int RECENT_OUTPUT_LINES = 20;
  private static final int FREE_PORT_ATTEMPTS = 3;
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration HEALTH_POLL_INTERVAL = Duration.ofMillis(50);
  private static final Duration ACTIVATION_POLL_INTERVAL = Duration.ofMillis(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path opaBinary;
  private final Path policiesDirectory;
  private final Duration startupTimeout;
  private final Duration activationTimeout;
  private final HttpClient healthClient;
  private final Deque<String> recentOutput = new ArrayDeque<>();
  private long outputLinesSeen;

  private int port;
  private BundleServer bundleServer;
  private volatile String revision;
  private volatile Process process;
  /** Set while OPA is being stopped: its complaints about the cut-off bundle request are noise. */
  private volatile boolean stopping;
  private Thread outputPump;
  private Thread shutdownHook;
  private boolean closed;

  /**
   * A process that is not started yet.
   *
   * @param port the loopback port, or 0 to pick a free one at the first start and keep it
   */
  public ManagedOpaProcess(Path opaBinary, Path policiesDirectory, int port, Duration startupTimeout) {
    this(opaBinary, policiesDirectory, port, startupTimeout, DEFAULT_ACTIVATION_TIMEOUT);
  }

  /**
   * A process that is not started yet.
   *
   * @param port the loopback port, or 0 to pick a free one at the first start and keep it
   * @param activationTimeout how long {@link #activate} waits for OPA to report a new revision
   */
  public ManagedOpaProcess(
      Path opaBinary, Path policiesDirectory, int port, Duration startupTimeout, Duration activationTimeout) {
    this.opaBinary = requireNonNull(opaBinary, "opaBinary is null");
    this.policiesDirectory = requireNonNull(policiesDirectory, "policiesDirectory is null");
    this.startupTimeout = requireNonNull(startupTimeout, "startupTimeout is null");
    this.activationTimeout = requireNonNull(activationTimeout, "activationTimeout is null");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535");
    }
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new IllegalArgumentException("startupTimeout must be positive");
    }
    if (activationTimeout.isNegative() || activationTimeout.isZero()) {
      throw new IllegalArgumentException("activationTimeout must be positive");
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
    try {
      opa.start();
    } catch (OpaStartException | RuntimeException e) {
      // The caller never gets the object, so nothing else could close its bundle server.
      opa.close();
      throw e;
    }
    return opa;
  }

  /**
   * Starts OPA and waits until {@code GET /health?bundles} answers 200, i.e. OPA serves its
   * bundle. Does nothing if it is running. The first start builds the bundle from the policies
   * folder; later starts serve the last activated bundle.
   *
   * @throws OpaStartException if the policies do not compile, or OPA exits or is not healthy
   *     within the startup timeout; the message carries OPA's output and what to fix
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
    startBundleServer();
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

  /**
   * The revision of the bundle OPA serves: {@link PolicyRevision} of the folder at the first start,
   * then of each activated bundle. Cheap (a field), so it can back a policy engine's revision.
   *
   * @throws IllegalStateException before the first start
   */
  public String revision() {
    String current = revision;
    if (current == null) {
      throw new IllegalStateException("OPA has not been started yet, so it serves no revision");
    }
    return current;
  }

  /** The policies folder this OPA was created for. */
  public Path policiesDirectory() {
    return policiesDirectory;
  }

  /** The OPA binary this process runs. */
  public Path opaBinary() {
    return opaBinary;
  }

  /**
   * Makes OPA serve {@code bundle} and waits until OPA reports its revision active; only then does
   * {@link #revision()} return it. Decisions never fail during the switch: OPA keeps answering
   * from the old bundle until the new one is active (so for a moment decisions already come from
   * the new bundle while {@link #revision()} still names the old one). If OPA does not report the
   * new revision within the activation timeout (default {@link #DEFAULT_ACTIVATION_TIMEOUT}),
   * because it rejected the bundle or is stuck, the old bundle is published again and this
   * throws. If OPA is stopped, the bundle is what the next {@link #start()} serves. Does nothing
   * if the bundle's revision is the current one.
   *
   * @throws PolicyActivationException if OPA did not activate the bundle; it keeps the old one
   * @throws IllegalStateException before the first start or after {@link #close()}
   */
  public synchronized void activate(PolicyBundle bundle) throws PolicyActivationException {
    requireNonNull(bundle, "bundle is null");
    if (closed) {
      throw new IllegalStateException("this OPA process was closed; create a new one");
    }
    if (bundleServer == null) {
      throw new IllegalStateException("start OPA before activating policies");
    }
    PolicyBundle previous = bundleServer.current();
    if (previous.revision().equals(bundle.revision())) {
      return;
    }
    long outputMark = outputLinesSeen();
    bundleServer.publish(bundle);
    if (!isAlive()) {
      revision = bundle.revision();
      LOG.info("OPA is stopped; policy revision {} is what it serves when started again", bundle.revision());
      return;
    }
    try {
      awaitActiveRevision(bundle.revision(), activationTimeout);
    } catch (PolicyActivationException e) {
      bundleServer.publish(previous);
      throw new PolicyActivationException(
          e.getMessage() + "; it keeps serving revision " + previous.revision() + ". OPA said: " + outputSince(outputMark),
          e.getCause());
    }
    revision = bundle.revision();
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
    stopping = true;
    terminate(current);
    process = null;
    joinOutputPump();
  }

  /** Stops OPA for good and removes the shutdown hook. */
  @Override
  public synchronized void close() {
    stop();
    closed = true;
    if (bundleServer != null) {
      bundleServer.close();
    }
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

  private void startBundleServer() throws OpaStartException {
    if (bundleServer != null) {
      return;
    }
    PolicyBundle initial;
    try (PolicySnapshot snapshot = PolicySnapshot.copy(policiesDirectory)) {
      initial = PolicyBundle.build(opaBinary, snapshot, PolicyBundle.DEFAULT_BUILD_TIMEOUT);
    } catch (PolicyBundleException e) {
      throw new OpaStartException(
          "the policies in "
              + policiesDirectory
              + " do not load: "
              + e.getMessage()
              + ". OPA said: "
              + (e.output().isEmpty() ? "(nothing)" : String.join(" | ", e.output()))
              + ". Fix what OPA reports; policies/check runs the same and more checks",
          e);
    } catch (IOException e) {
      throw new OpaStartException("could not read the policies in " + policiesDirectory + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpaStartException("interrupted while building the policy bundle", e);
    }
    try {
      bundleServer = BundleServer.start(initial);
    } catch (IOException e) {
      throw new OpaStartException("could not start the local bundle server for OPA: " + e.getMessage(), e);
    }
    revision = initial.revision();
  }

  private void launch(int candidatePort) throws OpaStartException {
    List<String> command = command(candidatePort);
    synchronized (recentOutput) {
      recentOutput.clear();
    }
    stopping = false;
    Process started;
    try {
      // OPA itself reads /dev/null, never the terminal or the proxy's standard input; the pipe
      // stays open for the life of the process, and its closing (Meshgate dying, even by
      // SIGKILL) stops OPA rather than leaving it running.
      started =
          new ProcessBuilder(StopWithParent.wrap(command, "TERM"))
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
    } catch (IOException e) {
      throw new OpaStartException("could not start " + opaBinary + ": " + e.getMessage(), e);
    }
    process = started;
    outputPump =
        Thread.ofPlatform()
            .daemon()
            .name("opa-output-" + candidatePort)
            .start(() -> pumpOutput(started.getInputStream()));
    LOG.info(
        "starting OPA on 127.0.0.1:{} with policy revision {} of {}",
        candidatePort,
        bundleServer.current().revision(),
        policiesDirectory);
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
    String bundle = "bundles." + BUNDLE_NAME + ".";
    for (String setting :
        List.of(
            "services." + BUNDLE_NAME + ".url=" + bundleServer.serviceUri(),
            bundle + "service=" + BUNDLE_NAME,
            bundle + "resource=" + BundleServer.RESOURCE,
            bundle + "polling.long_polling_timeout_seconds=" + LONG_POLLING_TIMEOUT_SECONDS,
            // Periodic polling only if long polling ever fails; also bounds OPA's retry backoff
            // when the bundle server cannot be reached.
            bundle + "polling.min_delay_seconds=1",
            bundle + "polling.max_delay_seconds=2")) {
      command.add("--set");
      command.add(setting);
    }
    return command;
  }

  /** Whether {@code started} itself holds the port (where the system cannot tell, assumed). */
  private static boolean listensItself(Process started, int port) throws IOException {
    return !LoopbackListener.canTell() || LoopbackListener.isHeldBy(started.pid(), port);
  }

  private void awaitHealthy(Process started, int candidatePort) throws OpaStartException {
    // ?bundles: healthy only once the bundle is activated, i.e. OPA has policies to decide with.
    URI health = URI.create("http://127.0.0.1:" + candidatePort + "/health?bundles");
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
        // Another process may hold the port and answer; then OPA exits, unable to bind it.
        if (response.statusCode() == 200 && listensItself(started, candidatePort)) {
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

  private void awaitActiveRevision(String expected, Duration timeout) throws PolicyActivationException {
    URI uri = baseUri().resolve("/v1/data/system/bundles/" + BUNDLE_NAME + "/manifest/revision");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).GET().build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String seen = "(none)";
    while (true) {
      try {
        HttpResponse<byte[]> response = healthClient.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 200) {
          JsonNode result = JSON.readTree(response.body()).path("result");
          if (result.isTextual()) {
            seen = result.textValue();
            if (seen.equals(expected)) {
              LOG.info("OPA serves policy revision {}", expected);
              return;
            }
          }
        }
      } catch (IOException e) {
        seen = "(OPA did not answer: " + e.getClass().getSimpleName() + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PolicyActivationException("interrupted while waiting for OPA to activate revision " + expected, e);
      }
      if (System.nanoTime() >= deadline) {
        throw new PolicyActivationException(
            "OPA did not activate policy revision "
                + expected
                + " within "
                + timeout.toMillis()
                + " ms (it reports "
                + seen
                + ")");
      }
      try {
        Thread.sleep(ACTIVATION_POLL_INTERVAL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PolicyActivationException("interrupted while waiting for OPA to activate revision " + expected, e);
      }
    }
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
        // OPA runs at --log-level error: whatever it prints deserves attention, except while it
        // is told to stop (it then reports the bundle request that the stop cut off).
        if (stopping) {
          OUTPUT.debug("{}", line);
        } else {
          OUTPUT.warn("{}", line);
        }
        synchronized (recentOutput) {
          outputLinesSeen++;
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

  private long outputLinesSeen() {
    synchronized (recentOutput) {
      return outputLinesSeen;
    }
  }

  /** The recent output lines written after {@code mark} lines had been seen. */
  private String outputSince(long mark) {
    synchronized (recentOutput) {
      long fresh = Math.min(recentOutput.size(), outputLinesSeen - mark);
      if (fresh <= 0) {
        return "(nothing)";
      }
      return String.join(" | ", recentOutput.stream().skip(recentOutput.size() - fresh).toList());
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
