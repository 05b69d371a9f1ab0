package io.meshgate.proxy.demo;

import static java.util.Objects.requireNonNull;

/**
 * Where the seeded demo data mesh is and how Meshgate logs in to it.
 *
 * @param serviceUser the least-privileged role Meshgate connects as: it can read every demo
 *     table and do nothing else
 * @param postgresUri the superuser's {@code postgresql://postgres:<password>@127.0.0.1:<port>/mesh}
 *     address, for the operator only (it bypasses Meshgate); never give it to the proxy or users
 */
public record DemoBackend(
    String host, int port, String database, String serviceUser, String servicePassword, String postgresUri) {
  public DemoBackend {
    requireNonNull(host, "host is null");
    requireNonNull(database, "database is null");
    requireNonNull(serviceUser, "serviceUser is null");
    requireNonNull(servicePassword, "servicePassword is null");
    requireNonNull(postgresUri, "postgresUri is null");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, not " + port);
    }
  }

  /** A pgjdbc URL without credentials. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + LocalPostgres.UriText.encode(database);
  }

  /** Without the passwords, which must not end up in logs. */
  @Override
  public String toString() {
    return "DemoBackend[" + host + ":" + port + "/" + database + " as " + serviceUser + "]";
  }
}
