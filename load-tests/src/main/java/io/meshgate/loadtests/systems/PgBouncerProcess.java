package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import com.sun.security.auth.module.UnixSystem;
import io.meshgate.loadtests.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PgBouncer (the machine's package) in session mode in front of one database, as a child
 * process: listening on 127.0.0.1 only, clients authenticated with SCRAM-SHA-256 against an
 * auth_file that holds the role's SCRAM secret copied from PostgreSQL, and PostgreSQL logins
 * made with the client's own SCRAM proof. When this JVM is root it runs as {@code nobody}
 * (PgBouncer refuses root), so its directory is handed to that account.
 */
public final class PgBouncerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final String UNPRIVILEGED_USER = "nobody";

  /**
   * How to configure it.
   *
   * @param backend the PostgreSQL database it pools, and the role clients use
   * @param scramSecret that role's SCRAM secret (PostgreSQL's {@code pg_authid.rolpassword})
   * @param maximumClients {@code max_client_conn}
   * @param poolSize {@code default_pool_size}: in session mode every connected client that has
   *     run a statement holds one server connection, so this bounds the clients served at once
   */
  public record Settings(Endpoint backend, String scramSecret, int maximumClients, int poolSize) {
    public Settings {
      requireNonNull(backend, "backend is null");
      requireNonNull(scramSecret, "scramSecret is null");
      if (maximumClients < 1 || poolSize < 1) {
        throw new IllegalArgumentException("maximumClients and poolSize must be positive");
      }
    }
  }

  private final Process process;
  private final Path directory;
  private final int port;
  private final Settings settings;
  private final ShutdownGuard guard;

  private PgBouncerProcess(Process process, Path directory, int port, Settings settings) {
    this.guard = ShutdownGuard.forProcess(process, "pgbouncer");
    this.process = process;
    this.directory = directory;
    this.port = port;
    this.settings = settings;
  }

  /** The PgBouncer binary: {@code pgbouncer} on the PATH, else Debian's {@code /usr/sbin/pgbouncer}. */
  public static Path locateBinary() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String directory : path.split(":")) {
        if (!directory.isEmpty()) {
          candidates.add(Path.of(directory, "pgbouncer"));
        }
      }
    }
    candidates.add(Path.of("/usr/sbin/pgbouncer"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new BenchmarkSetupException("pgbouncer is not installed; as root load-tests/bin/run installs it with "
            + "apt-get, otherwise run 'sudo apt-get install pgbouncer'"));
  }

  /** The first line of {@code pgbouncer --version}. */
  public static String version(Path binary) {
    try {
      Process version = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
      version.getOutputStream().close();
      String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      version.waitFor(10, TimeUnit.SECONDS);
      return output.lines().findFirst().orElse("unknown");
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot run " + binary + " --version: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkSetupException("interrupted while asking PgBouncer for its version", e);
    }
  }

  /** Writes the configuration into {@code directory} (created), starts PgBouncer and waits until a client can log in. */
  public static PgBouncerProcess start(Path binary, Path directory, Settings settings) {
    requireNonNull(binary, "binary is null");
    requireNonNull(settings, "settings is null");
    int port = LoopbackPort.free();
    boolean root = new UnixSystem().getUid() == 0;
    Path configuration = directory.resolve("pgbouncer.ini");
    Path log = directory.resolve("pgbouncer.log");
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve("userlist.txt"),
          quoted(settings.backend().user()) + " " + quoted(settings.scramSecret()) + "\n", StandardCharsets.UTF_8);
      Files.writeString(configuration, configuration(settings, port, directory), StandardCharsets.UTF_8);
      if (root) {
        handOver(directory);
      }
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot write PgBouncer's configuration in " + directory + ": " + e.getMessage(), e);
    }
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    if (root) {
      command.addAll(List.of("--user", UNPRIVILEGED_USER));
    }
    command.add(configuration.toString());
    Process process;
    try {
      process = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("pgbouncer.out").toFile()))
          .start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    PgBouncerProcess pgbouncer = new PgBouncerProcess(process, directory, port, settings);
    try {
      pgbouncer.awaitLogin(log);
    } catch (RuntimeException e) {
      pgbouncer.close();
      throw e;
    }
    return pgbouncer;
  }

  public long processId() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  /** The pooled database as a client sees it through PgBouncer. */
  public Endpoint endpoint() {
    Endpoint backend = settings.backend();
    return new Endpoint("127.0.0.1", port, backend.database(), backend.user(), backend.password());
  }

  public Path directory() {
    return directory;
  }

  /** The configuration file's text, for the report. */
  public String configurationText() {
    try {
      return Files.readString(directory.resolve("pgbouncer.ini"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + directory.resolve("pgbouncer.ini") + ": " + e.getMessage() + ")";
    }
  }

  /** SIGTERM (PgBouncer's immediate shutdown), SIGKILL if it does not exit. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      guard.release();
    }
  }

  static String configuration(Settings settings, int port, Path directory) {
    Endpoint backend = settings.backend();
    return String.join("\n",
        "; Written by the Meshgate load tests (io.meshgate.loadtests.systems.PgBouncerProcess).",
        "[databases]",
        backend.database() + " = host=" + backend.host() + " port=" + backend.port() + " dbname=" + backend.database(),
        "",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        "listen_port = " + port,
        "; no Unix socket: every system under test is reached over loopback TCP",
        "unix_socket_dir =",
        "auth_type = scram-sha-256",
        "auth_file = " + directory.resolve("userlist.txt"),
        "pool_mode = session",
        "max_client_conn = " + settings.maximumClients(),
        "default_pool_size = " + settings.poolSize(),
        "; pgjdbc sends it at login; PgBouncer would otherwise refuse the connection",
        "ignore_startup_parameters = extra_float_digits",
        "logfile = " + directory.resolve("pgbouncer.log"),
        "log_connections = 0",
        "log_disconnections = 0",
        "");
  }

  private static String quoted(String value) {
    if (value.indexOf('"') >= 0) {
      throw new IllegalArgumentException("a double quote cannot appear in a PgBouncer auth_file entry");
    }
    return "\"" + value + "\"";
  }

  /**
   * Gives the directory and its files to the unprivileged account PgBouncer runs as (its parents
   * must let that account through: the caller creates the work directory world-searchable).
   */
  private static void handOver(Path directory) throws IOException {
    int userId = accountId("-u");
    int groupId = accountId("-g");
    List<Path> paths;
    try (var walk = Files.walk(directory)) {
      paths = walk.toList();
    }
    for (Path path : paths) {
      Files.setAttribute(path, "unix:uid", userId);
      Files.setAttribute(path, "unix:gid", groupId);
    }
  }

  private static int accountId(String option) throws IOException {
    Process id = new ProcessBuilder("id", option, UNPRIVILEGED_USER).redirectErrorStream(true).start();
    String output = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (!id.waitFor(10, TimeUnit.SECONDS) || id.exitValue() != 0 || !output.matches("\\d+")) {
        throw new BenchmarkSetupException("cannot look up the account " + UNPRIVILEGED_USER + ": " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkSetupException("interrupted while looking up " + UNPRIVILEGED_USER, e);
    }
    return Integer.parseInt(output);
  }

  private void awaitLogin(Path log) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new BenchmarkSetupException("PgBouncer exited with status " + process.exitValue() + " while starting; "
            + "its log:\n" + tail(log) + "\n" + tail(directory.resolve("pgbouncer.out")));
      }
      try (Connection connection = endpoint().connect()) {
        if (connection.isValid(5)) {
          return;
        }
      } catch (SQLException e) {
        last = e;
      }
      sleep();
    }
    throw new BenchmarkSetupException("no login through PgBouncer within " + START_TIMEOUT.toSeconds() + " s (last error: "
        + (last == null ? "none" : last.getMessage()) + "); its log:\n" + tail(log), last);
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkSetupException("interrupted while waiting for PgBouncer", e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no " + file.getFileName() + ")";
    }
  }
}
