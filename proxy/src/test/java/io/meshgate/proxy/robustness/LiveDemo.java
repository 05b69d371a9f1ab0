package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.DoublePredicate;
import java.util.stream.Stream;

/**
 * The demo (PostgreSQL, OPA, Meshgate) running in this JVM for the robustness ITs, watched for
 * buffer leaks and unexpected errors from before it starts, with one healthy pgjdbc session
 * as user carol whose answers are known, and the probes the tests assert with.
 */
final class LiveDemo implements AutoCloseable {
  static final String USER = "carol";
  static final String COUNT_STORES = "SELECT count(*) FROM sales.stores";
  private static final String COUNT_LARGE_TRANSACTIONS =
      "SELECT count(*) FROM sales.store_transactions WHERE amount > ?";

  private final LeakWatch leaks;
  private final DemoEnvironment demo;
  private final Connection healthy;
  private final long expectedStores;
  private final long expectedLargeTransactions;

  private LiveDemo(LeakWatch leaks, DemoEnvironment demo, Connection healthy, long expectedStores,
      long expectedLargeTransactions) {
    this.leaks = leaks;
    this.demo = demo;
    this.healthy = healthy;
    this.expectedStores = expectedStores;
    this.expectedLargeTransactions = expectedLargeTransactions;
  }

  static LiveDemo start(Path work) throws IOException, SQLException {
    // Before the server starts, so that every line it logs is watched.
    LeakWatch leaks = LeakWatch.start();
    DemoEnvironment demo = null;
    try {
      Path root = RepositoryRoot.find().orElseThrow();
      demo = DemoEnvironment.start(new DemoEnvironment.Settings(root, work, 0, Optional.empty(), Duration.ofSeconds(5)));
      Connection healthy = connect(demo);
      long stores = countStores(healthy);
      long largeTransactions = countLargeTransactions(healthy);
      assertTrue(stores > 0 && largeTransactions > 0, "the demo data is there");
      return new LiveDemo(leaks, demo, healthy, stores, largeTransactions);
    } catch (IOException | SQLException | RuntimeException | Error e) {
      if (demo != null) {
        demo.close();
      }
      leaks.close();
      throw e;
    }
  }

  int port() {
    return demo.meshgate().port();
  }

  String database() {
    return demo.backend().database();
  }

  long expectedStores() {
    return expectedStores;
  }

  LeakWatch leaks() {
    return leaks;
  }

  /** The session opened at start; one thread at a time. */
  Connection healthy() {
    return healthy;
  }

  Connection connect() throws SQLException {
    return connect(demo);
  }

  Connection connectToBackendAsSuperuser() throws SQLException {
    return demo.postgres().connectAsSuperuser(database());
  }

  boolean backendIsRunning() {
    return demo.postgres().isRunning();
  }

  /** Same answers as at start, and still governed: a denied table is still denied. */
  void assertHealthy(Connection connection) throws SQLException {
    assertEquals(expectedStores, countStores(connection), "count of stores through Meshgate");
    assertEquals(expectedLargeTransactions, countLargeTransactions(connection), "count of large transactions");
    SQLException denied = assertThrows(SQLException.class, () -> {
      try (Statement statement = connection.createStatement()) {
        statement.executeQuery("SELECT * FROM weather.stations_raw").close();
      }
    });
    assertEquals("42501", denied.getSQLState(), "still governed: " + denied.getMessage());
  }

  /** Client sessions Meshgate has open ({@code meshgate_active_sessions}). */
  double activeSessions() {
    Double value = demo.meshgate().metrics().registry().getSampleValue("meshgate_active_sessions");
    return value == null ? 0 : value;
  }

  /** Connections Meshgate holds to PostgreSQL, as PostgreSQL counts them. */
  int backendSessions() throws SQLException {
    try (Connection backend = connectToBackendAsSuperuser();
        PreparedStatement statement = backend.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE usename = ?")) {
      statement.setString(1, demo.backend().serviceUser());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  /** Queries running at the backend for Meshgate whose text contains {@code marker}. */
  int runningBackendQueries(Connection backend, String marker) throws SQLException {
    try (PreparedStatement statement = backend.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND state = 'active' AND strpos(query, ?) > 0")) {
      statement.setString(1, demo.backend().serviceUser());
      statement.setString(2, marker);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  /** Audit events whose line contains {@code marker}. */
  long auditedStatements(String marker) throws IOException {
    try (Stream<String> lines = Files.lines(demo.auditFile())) {
      return lines.filter(line -> line.contains(marker)).count();
    }
  }

  /** ClientSession's log entries (line and exception line) for errors it did not expect. */
  List<String> unexpectedErrorEntries() {
    return leaks.errorEntries("closing after an unexpected error");
  }

  /**
   * Fails on log entries that mean an exception escaped the protocol handling. A connection
   * reset by the peer is not one: it is only counted, and returned.
   */
  long assertNoUnexpectedServerErrors(String context) {
    List<String> entries = new ArrayList<>(unexpectedErrorEntries());
    long resets = entries.stream().filter(LiveDemo::isPeerReset).count();
    entries.removeIf(LiveDemo::isPeerReset);
    entries.addAll(leaks.errorLinesContaining("reached at the tail of the pipeline"));
    entries.addAll(leaks.errorLinesContaining("OutOfMemoryError"));
    assertEquals(List.of(), entries, "the server logged unexpected errors (" + context + ")");
    return resets;
  }

  private static boolean isPeerReset(String entry) {
    return entry.contains("java.net.SocketException: Connection reset");
  }

  interface Measure {
    double value() throws Exception;
  }

  /** Waits up to ten seconds for {@code condition} to hold for the measured value. */
  static void eventually(Measure measure, DoublePredicate condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    double value = measure.value();
    while (!condition.test(value)) {
      if (System.nanoTime() > deadline) {
        fail(what + ": still " + value + " after 10 s");
      }
      Thread.sleep(50);
      value = measure.value();
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      healthy.close();
    } finally {
      try {
        demo.close();
      } finally {
        leaks.close();
      }
    }
  }

  private static Connection connect(DemoEnvironment demo) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", USER);
    properties.setProperty("password", USER);
    properties.setProperty("sslmode", "disable");
    return DriverManager.getConnection(demo.jdbcUrl(), properties);
  }

  private static long countStores(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(COUNT_STORES)) {
      assertTrue(rows.next());
      return rows.getLong(1);
    }
  }

  private static long countLargeTransactions(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(COUNT_LARGE_TRANSACTIONS)) {
      statement.setBigDecimal(1, BigDecimal.valueOf(100));
      try (ResultSet rows = statement.executeQuery()) {
        assertTrue(rows.next());
        return rows.getLong(1);
      }
    }
  }
}
