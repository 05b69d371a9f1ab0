package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Meshgate as its own process, {@code java -jar meshgate-proxy-*.jar serve --config ...}, exactly
 * as an operator runs it (default settings except where {@link #configuration} says), so that
 * its resident memory can be read from {@code /proc/<pid>/status} and nothing of the benchmark
 * runner shares its heap or its CPU time accounting. It manages its own OPA process, a child of
 * it.
 */
public final class MeshgateProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Meshgate listening on [^:\\s]+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  /**
   * None: Meshgate runs with the JVM's defaults, as {@code proxy/bin/meshgate} starts it. The
   * Netty relay's JVM gets these same options, so that the two JVMs differ only in their work.
   */
  static final List<String> JVM_OPTIONS = List.of();

  /**
   * How to run it.
   *
   * @param java the java launcher
   * @param jar the proxy's jar (its dependencies beside it in lib/)
   * @param directory where the configuration, audit log and output go (created)
   * @param backend the database and Meshgate's service role
   * @param usersFile Meshgate's users file
   * @param policies the policies folder its managed OPA serves
   * @param opaBinary the OPA binary
   */
  public record Settings(Path java, Path jar, Path directory, Endpoint backend, Path usersFile, Path policies,
      Path opaBinary) {
    public Settings {
      requireNonNull(java, "java is null");
      requireNonNull(jar, "jar is null");
      requireNonNull(directory, "directory is null");
      requireNonNull(backend, "backend is null");
      requireNonNull(usersFile, "usersFile is null");
      requireNonNull(policies, "policies is null");
      requireNonNull(opaBinary, "opaBinary is null");
    }
  }

  private final Process process;
  private final Settings settings;
  private final int port;
  private final List<ProcessHandle> descendants;
  private final ShutdownGuard guard;

  private MeshgateProcess(Process process, Settings settings, int port, List<ProcessHandle> descendants,
      ShutdownGuard guard) {
    this.guard = guard;
    this.process = process;
    this.settings = settings;
    this.port = port;
    this.descendants = descendants;
  }

  /** Writes the configuration, starts Meshgate and returns once it listens (its OPA is then up too). */
  public static MeshgateProcess start(Settings settings) {
    requireNonNull(settings, "settings is null");
    Path directory = settings.directory();
    Path configuration = directory.resolve("meshgate.properties");
    Path output = directory.resolve("meshgate.out");
    try {
      Files.createDirectories(directory);
      Path passwordFile = directory.resolve("backend.password");
      Files.writeString(passwordFile, settings.backend().password() + "\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(configuration, configuration(settings), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot write Meshgate's configuration in " + directory + ": " + e.getMessage(), e);
    }
    Process process;
    try {
      List<String> command = new ArrayList<>(List.of(settings.java().toString()));
      command.addAll(JVM_OPTIONS);
      command.addAll(List.of("-jar", settings.jar().toString(), "serve", "--config", configuration.toString()));
      process = ListeningProcess.start(command, directory, output);
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot start Meshgate (" + settings.jar() + "): " + e.getMessage(), e);
    }
    ShutdownGuard guard = ShutdownGuard.forProcess(process, "meshgate");
    try {
      int port = ListeningProcess.awaitPort(process, output, LISTENING, "Meshgate", START_TIMEOUT);
      return new MeshgateProcess(process, settings, port, process.descendants().toList(), guard);
    } catch (RuntimeException e) {
      ListeningProcess.stop(process, process.descendants().toList());
      guard.release();
      throw e;
    }
  }

  /** The configuration: audit with fsync (the default), no metrics listener, everything else default. */
  static String configuration(Settings settings) {
    Endpoint backend = settings.backend();
    return String.join("\n",
        "# Written by the Meshgate load tests (io.meshgate.loadtests.systems.MeshgateProcess).",
        "listen.host=127.0.0.1",
        "listen.port=0",
        "metrics.port=off",
        "backend.host=" + backend.host(),
        "backend.port=" + backend.port(),
        "backend.database=" + backend.database(),
        "backend.user=" + backend.user(),
        "backend.password_file=backend.password",
        "users.file=" + settings.usersFile().toAbsolutePath(),
        "opa.policies=" + settings.policies().toAbsolutePath(),
        "opa.binary=" + settings.opaBinary().toAbsolutePath(),
        "audit.file=audit/audit.jsonl",
        "audit.fsync=always",
        "");
  }

  public long processId() {
    return process.pid();
  }

  /** The processes Meshgate started (its managed OPA), as they were once it listened. */
  public List<ProcessHandle> children() {
    return descendants;
  }

  public int port() {
    return port;
  }

  /** A client endpoint: the backend database as {@code user} sees it through Meshgate. */
  public Endpoint endpoint(String user, String password) {
    return new Endpoint("127.0.0.1", port, settings.backend().database(), user, password);
  }

  public Path directory() {
    return settings.directory();
  }

  /** The size of the audit log so far (every statement is audited; the report shows what that costs on disk). */
  public long auditBytes() {
    Path audit = settings.directory().resolve("audit");
    try (Stream<Path> files = Files.list(audit)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
    } catch (IOException e) {
      return 0;
    }
  }

  public String configurationText() {
    return configuration(settings);
  }

  /** SIGTERM (Meshgate stops its OPA and flushes its audit log), then SIGKILL for anything left. */
  @Override
  public void close() {
    ListeningProcess.stop(process, descendants);
    guard.release();
  }
}
