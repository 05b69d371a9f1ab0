package io.meshgate.proxy.demo;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.command.StopWithParent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from this machine's binaries for the demo and for integration tests,
 * listening on loopback TCP only, with a superuser {@value #SUPERUSER} whose password is random.
 *
 * <pre>{@code
 * try (LocalPostgres postgres = LocalPostgres.start(LocalPostgres.Options.defaults())) {
 *     try (Connection connection = postgres.connectAsSuperuser("postgres")) { ... }
 *     postgres.stop();   // fast shutdown; the data directory stays
 *     postgres.start();  // same port, same data
 * }                      // stops, and deletes the data directory if it was temporary
 * }</pre>
 *
 * <p>When this JVM runs as root (containers, CI) the server runs as {@link Options#unprivilegedUser()},
 * because PostgreSQL refuses root. The server log is {@link #logFile()} inside the data directory.
 * A shutdown hook stops the server if the JVM exits (including Ctrl-C) while it runs; a JVM
 * killed with SIGKILL cannot run hooks and leaves the server behind.
 */
public final class LocalPostgres implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  public static final String SUPERUSER = "postgres";
  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  private static final int PORT_ATTEMPTS = 5;
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final Duration HOOK_GRACE = Duration.ofSeconds(5);
  private static final int LOG_TAIL_LINES = 30;

  /**
   * How to run the server.
   *
   * @param dataDirectory where the cluster lives; empty: a new temporary directory, deleted on
   *     {@link #close()}. A missing or empty directory is initialised; one this class
   *     initialised before is reused with its data and password.
   * @param port the TCP port on 127.0.0.1; 0: a free port chosen at the first start and kept
   *     for restarts
   * @param binDirectory where {@code initdb} and {@code postgres} are; empty: {@link PostgresBinaries#locate()}
   * @param crashSafe false (the default, for demos and tests): {@code fsync}, {@code
   *     synchronous_commit} and {@code full_page_writes} are off and initdb skips its sync,
   *     which makes start-up and loading several times faster but can lose or corrupt data if
   *     the machine (not just PostgreSQL) crashes. True: PostgreSQL's own durable defaults.
   * @param serverSettings further {@code -c name=value} settings, applied last so they win
   *     (for example {@code max_connections} for load tests)
   * @param startTimeout how long to wait for the server to accept a login
   * @param unprivilegedUser the account the server runs as when this JVM is root
   */
  public record Options(
      Optional<Path> dataDirectory,
      int port,
      Optional<Path> binDirectory,
      boolean crashSafe,
      Map<String, String> serverSettings,
      Duration startTimeout,
      String unprivilegedUser) {
    public Options {
      requireNonNull(dataDirectory, "dataDirectory is null");
      requireNonNull(binDirectory, "binDirectory is null");
      requireNonNull(serverSettings, "serverSettings is null");
      requireNonNull(startTimeout, "startTimeout is null");
      requireNonNull(unprivilegedUser, "unprivilegedUser is null");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 (choose a free one) or 1-65535, not " + port);
      }
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, not " + startTimeout);
      }
      if (unprivilegedUser.isBlank()) {
        throw new IllegalArgumentException("unprivilegedUser is blank");
      }
      serverSettings.forEach((name, value) -> {
        if (!name.matches("[a-z][a-z0-9_.]*")) {
          throw new IllegalArgumentException("'" + name + "' is not a PostgreSQL setting name");
        }
        if (requireNonNull(value, "value of " + name + " is null").indexOf('\0') >= 0) {
          throw new IllegalArgumentException("the value of setting " + name + " contains a NUL character");
        }
      });
      // Keep the caller's order: later settings override earlier ones on the command line.
      serverSettings = Collections.unmodifiableMap(new LinkedHashMap<>(serverSettings));
    }

    /** A temporary data directory, a free port, fast but not crash-safe, 20 s to start, {@code nobody} when root. */
    public static Options defaults() {
      return new Options(Optional.empty(), 0, Optional.empty(), false, Map.of(), Duration.ofSeconds(20), "nobody");
    }

    public Options withDataDirectory(Path directory) {
      return new Options(Optional.of(directory), port, binDirectory, crashSafe, serverSettings, startTimeout,
          unprivilegedUser);
    }

    public Options withPort(int newPort) {
      return new Options(dataDirectory, newPort, binDirectory, crashSafe, serverSettings, startTimeout,
          unprivilegedUser);
    }

    public Options withBinDirectory(Path directory) {
      return new Options(dataDirectory, port, Optional.of(directory), crashSafe, serverSettings, startTimeout,
          unprivilegedUser);
    }

    public Options withCrashSafe(boolean newCrashSafe) {
      return new Options(dataDirectory, port, binDirectory, newCrashSafe, serverSettings, startTimeout,
          unprivilegedUser);
    }

    public Options withServerSetting(String name, String value) {
      Map<String, String> settings = new LinkedHashMap<>(serverSettings);
      settings.remove(name);
      settings.put(name, value);
      return new Options(dataDirectory, port, binDirectory, crashSafe, settings, startTimeout, unprivilegedUser);
    }

    public Options withStartTimeout(Duration timeout) {
      return new Options(dataDirectory, port, binDirectory, crashSafe, serverSettings, timeout, unprivilegedUser);
    }

    public Options withUnprivilegedUser(String user) {
      return new Options(dataDirectory, port, binDirectory, crashSafe, serverSettings, startTimeout, user);
    }
  }

  private enum Launch {
    READY,
    PORT_TAKEN
  }

  private final Options options;
  private final Path binDirectory;
  private final ServerAccount account;
  private final DataDirectory dataDirectory;
  private final boolean temporary;
  private final String superuserPassword;
  private int port;
  private boolean portFixed;
  private boolean closed;
  // Read without the lock by the shutdown hook, which must not wait for a start in progress.
  private volatile Process process;
  private Thread shutdownHook;

  private LocalPostgres(Options options, Path binDirectory, ServerAccount account, DataDirectory dataDirectory,
      boolean temporary, String superuserPassword) {
    this.options = options;
    this.binDirectory = binDirectory;
    this.account = account;
    this.dataDirectory = dataDirectory;
    this.temporary = temporary;
    this.superuserPassword = superuserPassword;
    this.port = options.port();
    this.portFixed = options.port() != 0;
  }

  /** Initialises the data directory if needed and starts the server; returns once a superuser login works. */
  public static LocalPostgres start(Options options) {
    requireNonNull(options, "options is null");
    Path binDirectory = options.binDirectory().orElseGet(PostgresBinaries::locate);
    if (!PostgresBinaries.hasServer(binDirectory)) {
      throw new LocalPostgresException(binDirectory + " has no initdb and postgres");
    }
    ServerAccount account = ServerAccount.forThisProcess(options.unprivilegedUser());
    boolean temporary = options.dataDirectory().isEmpty();
    DataDirectory dataDirectory;
    try {
      dataDirectory = new DataDirectory(temporary
          ? Files.createTempDirectory("meshgate-postgres-")
          : options.dataDirectory().get());
    } catch (IOException e) {
      throw new LocalPostgresException("cannot create a temporary data directory: " + e.getMessage(), e);
    }
    try {
      String password = dataDirectory.isInitialized()
          ? dataDirectory.readSuperuserPassword()
          : dataDirectory.initialize(binDirectory, account, options.crashSafe());
      LocalPostgres postgres = new LocalPostgres(options, binDirectory, account, dataDirectory, temporary, password);
      postgres.start();
      return postgres;
    } catch (RuntimeException e) {
      if (temporary) {
        dataDirectory.deleteQuietly();
      }
      throw e;
    }
  }

  /** Starts the server again after {@link #stop()}, on the same port and data directory; a no-op if it runs. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("this LocalPostgres is closed");
    }
    if (isRunning()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      if (!portFixed) {
        port = freeLoopbackPort();
      }
      // Registered before launching, so that a JVM stopped while we wait leaves nothing behind.
      registerShutdownHook();
      Launch launch;
      try {
        launch = launchAndAwaitReady();
      } catch (RuntimeException e) {
        removeShutdownHook();
        throw e;
      }
      if (launch == Launch.READY) {
        portFixed = true;
        LOG.info("PostgreSQL running on {}:{} from {} (data {}, as {})", HOST, port, binDirectory,
            dataDirectory.path(), account);
        return;
      }
      // Another process took the port between our probe and the server's bind: try another
      // one, but only while we are still free to choose.
      if (portFixed || attempt == PORT_ATTEMPTS) {
        removeShutdownHook();
        throw new LocalPostgresException("port " + port + " on " + HOST + " is in use; server log ("
            + logFile() + "):\n" + dataDirectory.logTail(0, LOG_TAIL_LINES));
      }
    }
  }

  /** Fast shutdown (SIGINT: roll back open transactions, disconnect clients); kills the server if that hangs. */
  public synchronized void stop() {
    stopProcess(STOP_GRACE);
    removeShutdownHook();
  }

  public synchronized boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /** Stops the server and deletes the data directory if it was temporary. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      stop();
    } finally {
      closed = true;
      if (temporary) {
        dataDirectory.deleteQuietly();
      }
    }
  }

  public String host() {
    return HOST;
  }

  public synchronized int port() {
    return port;
  }

  public String superuser() {
    return SUPERUSER;
  }

  public String superuserPassword() {
    return superuserPassword;
  }

  public Path dataDirectory() {
    return dataDirectory.path();
  }

  public Path logFile() {
    return dataDirectory.logFile();
  }

  public Path binDirectory() {
    return binDirectory;
  }

  /** A pgjdbc URL without credentials, for example {@code jdbc:postgresql://127.0.0.1:5433/mesh}. */
  public String jdbcUrl(String database) {
    requireNonNull(database, "database is null");
    return "jdbc:postgresql://" + HOST + ":" + port() + "/" + UriText.encode(database);
  }

  /**
   * The superuser's libpq URI, {@code postgresql://postgres:<password>@127.0.0.1:<port>/<database>},
   * for operators only.
   */
  public String superuserUri(String database) {
    requireNonNull(database, "database is null");
    return "postgresql://" + SUPERUSER + ":" + UriText.encode(superuserPassword) + "@" + HOST + ":" + port()
        + "/" + UriText.encode(database);
  }

  public Connection connectAsSuperuser(String database) throws SQLException {
    return connect(database, SUPERUSER, superuserPassword);
  }

  /** A pgjdbc connection to {@code database} as {@code user}, with short network timeouts. */
  public Connection connect(String database, String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", requireNonNull(user, "user is null"));
    properties.setProperty("password", requireNonNull(password, "password is null"));
    properties.setProperty("connectTimeout", "5");
    // Bounds the whole login, so a peer that accepts TCP but never answers cannot hang us.
    properties.setProperty("loginTimeout", "10");
    properties.setProperty("ApplicationName", "meshgate-local-postgres");
    return DriverManager.getConnection(jdbcUrl(database), properties);
  }

  @Override
  public String toString() {
    return "LocalPostgres[" + HOST + ":" + port + ", data " + dataDirectory.path() + "]";
  }

  private Launch launchAndAwaitReady() {
    long logOffset = dataDirectory.logSize();
    Process started;
    try {
      // The standard input pipe stays open for the life of the server: its closing (this JVM
      // dying, even by SIGKILL) makes PostgreSQL shut down fast rather than run on, orphaned,
      // and a temporary data directory goes with it: no shutdown hook deletes it after SIGKILL.
      Optional<Path> removeIfKilled = temporary ? Optional.of(dataDirectory.path()) : Optional.empty();
      ProcessBuilder builder = new ProcessBuilder(
          StopWithParent.wrap(account.command(serverCommand()), "INT", removeIfKilled))
          .directory(dataDirectory.workingDirectory().toFile())
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
      builder.environment().remove("PGDATA");
      started = builder.start();
    } catch (IOException e) {
      throw new LocalPostgresException("cannot start " + binDirectory.resolve("postgres") + ": " + e.getMessage(), e);
    }
    process = started;
    long deadline = System.nanoTime() + options.startTimeout().toNanos();
    SQLException lastFailure = null;
    while (true) {
      if (!started.isAlive()) {
        process = null;
        String tail = dataDirectory.logTail(logOffset, LOG_TAIL_LINES);
        if (tail.contains("Address already in use")) {
          return Launch.PORT_TAKEN;
        }
        throw new LocalPostgresException("PostgreSQL exited with code " + started.exitValue()
            + " while starting; server log (" + logFile() + "):\n" + tail);
      }
      // Only log in once our own postmaster says it is ready: whatever else listens on the port
      // (when our server could not bind it) must not be mistaken for ours.
      if (dataDirectory.postmasterReady(processId -> isOurPostmaster(started, processId))) {
        try (Connection connection = connectAsSuperuser("postgres")) {
          if (connection.isValid(2)) {
            return Launch.READY;
          }
        } catch (SQLException e) {
          lastFailure = e;
          if (isAuthenticationFailure(e)) {
            stopProcess(STOP_GRACE);
            throw new LocalPostgresException("PostgreSQL in " + dataDirectory.path()
                + " rejected the superuser password kept in " + DataDirectory.PASSWORD_FILE, e);
          }
        }
      }
      if (System.nanoTime() > deadline) {
        stopProcess(STOP_GRACE);
        throw new LocalPostgresException("PostgreSQL did not accept a login within " + options.startTimeout()
            + " (last error: " + (lastFailure == null ? "none" : lastFailure.getMessage())
            + "); server log (" + logFile() + "):\n"
            + dataDirectory.logTail(logOffset, LOG_TAIL_LINES), lastFailure);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        stopProcess(STOP_GRACE);
        Thread.currentThread().interrupt();
        throw new LocalPostgresException("interrupted while waiting for PostgreSQL to start", e);
      }
    }
  }

  private List<String> serverCommand() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("listen_addresses", HOST);
    // No Unix socket: nothing to clean up, no directory the unprivileged account must own.
    settings.put("unix_socket_directories", "");
    // Timestamps in logs and in `now()` the same on every machine.
    settings.put("timezone", "UTC");
    settings.put("log_timezone", "UTC");
    String durability = options.crashSafe() ? "on" : "off";
    settings.put("fsync", durability);
    settings.put("synchronous_commit", durability);
    settings.put("full_page_writes", durability);
    settings.putAll(options.serverSettings());
    List<String> command = new ArrayList<>(List.of(
        binDirectory.resolve("postgres").toString(),
        "-D", dataDirectory.path().toString(),
        "-p", Integer.toString(port)));
    settings.forEach((name, value) -> command.addAll(List.of("-c", name + "=" + value)));
    return command;
  }

  private static boolean isAuthenticationFailure(SQLException e) {
    // 28P01 invalid_password, 28000 invalid_authorization_specification.
    return "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState());
  }

  /** SIGINT, then SIGQUIT (immediate shutdown), then SIGKILL, each after a grace period. */
  private void stopProcess(Duration grace) {
    Process current = process;
    if (current == null) {
      return;
    }
    if (current.isAlive()) {
      long processId = postmasterProcessId(current);
      if (!(signal(processId, "INT") && exited(current, grace))
          && !(signal(processId, "QUIT") && exited(current, Duration.ofSeconds(5)))) {
        LOG.warn("PostgreSQL (process {}) ignored SIGINT and SIGQUIT; killing it", processId);
        current.destroyForcibly();
        signal(processId, "KILL");
        exited(current, Duration.ofSeconds(5));
      }
    }
    process = null;
  }

  /**
   * The postmaster is our child when setpriv or no wrapper is used; with runuser it is a
   * grandchild, named in postmaster.pid. A stale pid file (from an earlier run) is ignored.
   */
  private long postmasterProcessId(Process current) {
    return dataDirectory.postmasterProcessId()
        .filter(processId -> isOurPostmaster(current, processId))
        .orElse(current.pid());
  }

  private static boolean isOurPostmaster(Process current, long processId) {
    return processId == current.pid()
        || current.descendants().anyMatch(descendant -> descendant.pid() == processId);
  }

  private static boolean signal(long processId, String signalName) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signalName, Long.toString(processId))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      LOG.warn("cannot send SIG{} to PostgreSQL (process {}): {}", signalName, processId, e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean exited(Process current, Duration grace) {
    try {
      return current.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !current.isAlive();
    }
  }

  private void registerShutdownHook() {
    if (shutdownHook != null) {
      return;
    }
    Thread hook = new Thread(this::stopOnExit, "meshgate-local-postgres-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    shutdownHook = hook;
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    shutdownHook = null;
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and the hook is running or ran; nothing to undo.
    }
  }

  /** Runs in the shutdown hook: no lock (a start may hold it), short grace, then the temporary directory goes. */
  private void stopOnExit() {
    stopProcess(HOOK_GRACE);
    if (temporary) {
      dataDirectory.deleteQuietly();
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    }
  }

  /** Percent-encoding for the user-information and path parts of a URI. */
  static final class UriText {
    private UriText() {}

    static String encode(String text) {
      StringBuilder encoded = new StringBuilder();
      for (byte value : text.getBytes(StandardCharsets.UTF_8)) {
        char character = (char) (value & 0xff);
        if ((character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z')
            || (character >= '0' && character <= '9') || "-._~".indexOf(character) >= 0) {
          encoded.append(character);
        } else {
          encoded.append('%').append(String.format(Locale.ROOT, "%02X", value & 0xff));
        }
      }
      return encoded.toString();
    }
  }
}
