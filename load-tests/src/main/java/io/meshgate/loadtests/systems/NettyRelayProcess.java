package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import io.meshgate.loadtests.relay.NettyRelay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@link NettyRelay} as its own process, {@code java -cp <the runner's class path>
 * io.meshgate.loadtests.relay.NettyRelay <backend port>} with Meshgate's JVM options, so that its
 * processor time is read from the operating system apart from the runner's, as Meshgate's is.
 */
public final class NettyRelayProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile(Pattern.quote(NettyRelay.LISTENING) + "[^:\\s]+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path directory;
  private final Endpoint backend;
  private final int port;
  private final ShutdownGuard guard;

  private NettyRelayProcess(Process process, Path directory, Endpoint backend, int port, ShutdownGuard guard) {
    this.process = process;
    this.directory = directory;
    this.backend = backend;
    this.port = port;
    this.guard = guard;
  }

  /**
   * Starts the relay in front of {@code backend} and returns once it listens.
   *
   * @param java the java launcher (the runner's)
   * @param classPath a class path holding the relay and Netty (the runner's)
   * @param directory where its output goes (created)
   */
  public static NettyRelayProcess start(Path java, String classPath, Path directory, Endpoint backend) {
    requireNonNull(java, "java is null");
    requireNonNull(classPath, "classPath is null");
    requireNonNull(directory, "directory is null");
    requireNonNull(backend, "backend is null");
    Path output = directory.resolve("netty-relay.out");
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(MeshgateProcess.JVM_OPTIONS);
    command.addAll(List.of("-cp", classPath, NettyRelay.class.getName(), Integer.toString(backend.port())));
    Process process;
    try {
      Files.createDirectories(directory);
      process = ListeningProcess.start(command, directory, output);
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot start the Netty relay: " + e.getMessage(), e);
    }
    ShutdownGuard guard = ShutdownGuard.forProcess(process, "netty-relay");
    try {
      int port = ListeningProcess.awaitPort(process, output, LISTENING, "the Netty relay", START_TIMEOUT);
      return new NettyRelayProcess(process, directory, backend, port, guard);
    } catch (RuntimeException e) {
      ListeningProcess.stop(process, List.of());
      guard.release();
      throw e;
    }
  }

  public long processId() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public Path directory() {
    return directory;
  }

  /** The backend's database as its role sees it: the relay passes the login through untouched. */
  public Endpoint endpoint() {
    return new Endpoint("127.0.0.1", port, backend.database(), backend.user(), backend.password());
  }

  /** SIGTERM: the relay closes its listener and every relayed connection. */
  @Override
  public void close() {
    ListeningProcess.stop(process, List.of());
    guard.release();
  }
}
