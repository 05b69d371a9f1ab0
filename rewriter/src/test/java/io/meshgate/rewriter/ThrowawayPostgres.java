package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster for one test class, from this machine's server binaries: initdb into a
 * temporary directory, started with pg_ctl on a free loopback port, trust authentication for
 * the superuser {@code postgres}, stopped and deleted on {@link #close()}. PostgreSQL refuses
 * to run as root, so as root the server runs as {@code nobody}.
 */
final class ThrowawayPostgres implements AutoCloseable {
  private static final String SERVER_USER = "nobody";
  private static final long COMMAND_TIMEOUT_SECONDS = 60;

  private final Path binDirectory;
  private final Path directory;
  private final int port;

  private ThrowawayPostgres(Path binDirectory, Path directory, int port) {
    this.binDirectory = binDirectory;
    this.directory = directory;
    this.port = port;
  }

  /**
   * The server binaries: {@code MESHGATE_PG_BIN}, else PostgreSQL 15's Debian location (the
   * version the client fixtures were captured with), else empty.
   */
  static Optional<Path> binaries() {
    String configured = System.getenv("MESHGATE_PG_BIN");
    Path candidate = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of("/usr/lib/postgresql/15/bin");
    return Files.isExecutable(candidate.resolve("initdb")) ? Optional.of(candidate) : Optional.empty();
  }

  /**
   * A cluster with an empty database {@code mesh}; the calling test is skipped (an assumption
   * fails) when this machine has no server binaries.
   */
  static ThrowawayPostgres withMeshDatabase() throws Exception {
    Optional<Path> binaries = binaries();
    assumeTrue(binaries.isPresent(), "no PostgreSQL 15 server binaries (set MESHGATE_PG_BIN)");
    ThrowawayPostgres postgres = start(binaries.get());
    try (Connection admin = postgres.connect("postgres");
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE mesh");
    }
    return postgres;
  }

  static ThrowawayPostgres start(Path binDirectory) throws IOException, InterruptedException {
    requireNonNull(binDirectory, "binDirectory is null");
    Path directory = Files.createTempDirectory("meshgate-rewriter-postgres-");
    if (isRoot()) {
      UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(directory, users.lookupPrincipalByName(SERVER_USER));
    }
    ThrowawayPostgres postgres = new ThrowawayPostgres(binDirectory, directory, freePort());
    try {
      postgres.run(List.of(binDirectory.resolve("initdb").toString(), "-D", postgres.dataDirectory(),
          "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
      postgres.run(List.of(binDirectory.resolve("pg_ctl").toString(), "-D", postgres.dataDirectory(),
          "-l", directory.resolve("server.log").toString(), "-w", "-t", "30", "-o",
          "-p " + postgres.port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
              + directory + " -c fsync=off -c full_page_writes=off",
          "start"));
    } catch (IOException | RuntimeException e) {
      postgres.close();
      throw e;
    }
    return postgres;
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres");
  }

  @Override
  public void close() {
    try {
      if (Files.exists(directory.resolve("data").resolve("postmaster.pid"))) {
        run(List.of(binDirectory.resolve("pg_ctl").toString(), "-D", dataDirectory(), "-m", "fast",
            "-w", "stop"));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not stop the test PostgreSQL in " + directory + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      deleteRecursively(directory);
    }
  }

  private String dataDirectory() {
    return directory.resolve("data").toString();
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("runuser", "-u", SERVER_USER, "--"));
    }
    full.addAll(command);
    Path output = Files.createTempFile("meshgate-rewriter-postgres-command-", ".log");
    try {
      Process process = new ProcessBuilder(full)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in time");
      }
      if (process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed with exit code "
            + process.exitValue() + ":\n" + Files.readString(output, StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
