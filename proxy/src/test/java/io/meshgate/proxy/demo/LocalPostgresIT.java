package io.meshgate.proxy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real PostgreSQL from this machine's binaries: start, log in, restart, stop, clean up. */
class LocalPostgresIT {
  private static LocalPostgres postgres;

  @BeforeAll
  static void start() {
    postgres = LocalPostgres.start(LocalPostgres.Options.defaults());
  }

  @AfterAll
  static void close() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void acceptsTheSuperuserOnLoopbackOnly() throws SQLException {
    assertTrue(postgres.isRunning());
    assertEquals("127.0.0.1", postgres.host());
    try (Connection connection = postgres.connectAsSuperuser("postgres");
        Statement statement = connection.createStatement()) {
      assertEquals("on", single(statement, "SHOW is_superuser"));
      assertEquals("127.0.0.1", single(statement, "SHOW listen_addresses"));
      assertEquals("", single(statement, "SHOW unix_socket_directories"));
      assertEquals("UTF8", single(statement, "SHOW server_encoding"));
      // The fast, not crash-safe defaults for tests.
      assertEquals("off", single(statement, "SHOW fsync"));
      assertEquals("off", single(statement, "SHOW synchronous_commit"));
      assertEquals("off", single(statement, "SHOW full_page_writes"));
    }
  }

  @Test
  void refusesAWrongPassword() {
    SQLException error = assertThrows(SQLException.class,
        () -> postgres.connect("postgres", postgres.superuser(), postgres.superuserPassword() + "x").close());

    assertEquals("28P01", error.getSQLState());
  }

  @Test
  void runsAsAnUnprivilegedAccountWhenWeAreRoot() throws IOException {
    Path logFile = postgres.logFile();
    assertTrue(Files.isRegularFile(logFile));
    assertTrue(Files.readString(logFile).contains("database system is ready to accept connections"));
    int owner = (Integer) Files.getAttribute(postgres.dataDirectory(), "unix:uid");
    if (new UnixSystem().getUid() == 0) {
      assertTrue(owner != 0, "the data directory of a server started by root must not belong to root");
    } else {
      assertEquals(new UnixSystem().getUid(), (long) owner);
    }
    assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(postgres.dataDirectory()));
  }

  @Test
  void restartsOnTheSamePortWithTheSameData() throws SQLException {
    int port = postgres.port();
    try (Connection connection = postgres.connectAsSuperuser("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS survives_restart (value integer)");
      statement.execute("INSERT INTO survives_restart VALUES (42)");
    }

    postgres.stop();
    assertFalse(postgres.isRunning());
    assertThrows(SQLException.class, () -> postgres.connectAsSuperuser("postgres").close());
    postgres.start();

    assertTrue(postgres.isRunning());
    assertEquals(port, postgres.port());
    try (Connection connection = postgres.connectAsSuperuser("postgres");
        Statement statement = connection.createStatement()) {
      assertEquals("1", single(statement, "SELECT count(*) FROM survives_restart WHERE value = 42"));
      statement.execute("DROP TABLE survives_restart");
    }
  }

  @Test
  void stopDoesNotWaitForOpenTransactions() throws SQLException {
    Connection connection = postgres.connectAsSuperuser("postgres");
    try {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TEMPORARY TABLE open_transaction (value integer)");
      }
      long started = System.nanoTime();
      postgres.stop();
      // A smart shutdown (SIGTERM) would wait for this session; the fast one (SIGINT) ends it.
      assertTrue(System.nanoTime() - started < 10_000_000_000L, "stop took too long");
      assertFalse(postgres.isRunning());
      assertFalse(connection.isValid(1));
    } finally {
      connection.close();
      postgres.start();
    }
    assertTrue(postgres.isRunning());
  }

  @Test
  void closeDeletesATemporaryDataDirectory() throws SQLException {
    LocalPostgres other = LocalPostgres.start(LocalPostgres.Options.defaults());
    Path directory = other.dataDirectory();
    assertTrue(Files.isDirectory(directory));
    assertTrue(other.port() != postgres.port());

    other.close();

    assertFalse(other.isRunning());
    assertFalse(Files.exists(directory));
    assertThrows(IllegalStateException.class, other::start);
  }

  @Test
  void reusesAGivenDataDirectoryAcrossInstances() throws IOException, SQLException {
    // The unprivileged account must be able to reach the directory, so not under a 0700 parent.
    Path parent = Files.createTempDirectory("meshgate-local-postgres-it-");
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path directory = parent.resolve("cluster");
    try {
      String password;
      try (LocalPostgres first = LocalPostgres.start(LocalPostgres.Options.defaults().withDataDirectory(directory))) {
        password = first.superuserPassword();
        try (Connection connection = first.connectAsSuperuser("postgres");
            Statement statement = connection.createStatement()) {
          statement.execute("CREATE TABLE kept (value text)");
          statement.execute("INSERT INTO kept VALUES ('still here')");
        }
      }
      assertTrue(Files.isDirectory(directory), "a given data directory is kept on close");
      try (LocalPostgres second = LocalPostgres.start(LocalPostgres.Options.defaults().withDataDirectory(directory))) {
        assertEquals(password, second.superuserPassword());
        try (Connection connection = second.connectAsSuperuser("postgres");
            Statement statement = connection.createStatement()) {
          assertEquals("still here", single(statement, "SELECT value FROM kept"));
        }
      }
    } finally {
      new DataDirectory(parent).deleteQuietly();
    }
  }

  @Test
  void aPortInUseIsReportedWithTheServerLog() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      LocalPostgresException error = assertThrows(LocalPostgresException.class,
          () -> LocalPostgres.start(LocalPostgres.Options.defaults().withPort(taken.getLocalPort())).close());

      assertTrue(error.getMessage().contains("in use"), error.getMessage());
      assertTrue(error.getMessage().contains("could not bind"), error.getMessage());
    }
  }

  @Test
  void aStartFailureIncludesTheTailOfTheServerLog() {
    LocalPostgresException error = assertThrows(LocalPostgresException.class, () -> LocalPostgres.start(
        LocalPostgres.Options.defaults().withServerSetting("shared_buffers", "plenty")).close());

    assertTrue(error.getMessage().contains("shared_buffers"), error.getMessage());
    assertTrue(error.getMessage().contains("server log"), error.getMessage());
  }

  private static String single(Statement statement, String query) throws SQLException {
    try (ResultSet result = statement.executeQuery(query)) {
      assertTrue(result.next());
      return result.getString(1);
    }
  }
}
