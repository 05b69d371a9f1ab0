package io.meshgate.loadtests;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where a benchmark client connects and as whom: a PostgreSQL server, PgBouncer or Meshgate on
 * loopback. Every endpoint of the benchmark is plain TCP on 127.0.0.1 without TLS, so the three
 * systems are compared on the same footing.
 */
public record Endpoint(String host, int port, String database, String user, String password) {
  public Endpoint {
    requireNonNull(host, "host is null");
    requireNonNull(database, "database is null");
    requireNonNull(user, "user is null");
    requireNonNull(password, "password is null");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, not " + port);
    }
    if (!host.equals("127.0.0.1")) {
      // Loads go to this machine only: a typo must not point a connection storm elsewhere.
      throw new IllegalArgumentException("benchmark endpoints are on 127.0.0.1 only, not " + host);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** A pgjdbc connection without TLS, with short timeouts so a stuck system fails the run instead of hanging it. */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("sslmode", "disable");
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("loginTimeout", "20");
    properties.setProperty("socketTimeout", "60");
    properties.setProperty("ApplicationName", "meshgate-load-tests");
    return DriverManager.getConnection(jdbcUrl(), properties);
  }

  /** Without the password, which must not end up in logs or the report. */
  @Override
  public String toString() {
    return "Endpoint[" + user + "@" + host + ":" + port + "/" + database + "]";
  }
}
