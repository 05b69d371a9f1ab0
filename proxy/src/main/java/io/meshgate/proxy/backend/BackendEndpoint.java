package io.meshgate.proxy.backend;

import static java.util.Objects.requireNonNull;

/** Where a PostgreSQL backend is and the service identity Meshgate uses there. */
public record BackendEndpoint(String host, int port, String database, String user, String password) {
  public BackendEndpoint {
    requireNonNull(host, "host is null");
    requireNonNull(database, "database is null");
    requireNonNull(user, "user is null");
    requireNonNull(password, "password is null");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535");
    }
  }

  /** For logs and audit: the address without credentials. */
  public String displayName() {
    return "postgresql://" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return displayName() + " as " + user;
  }
}
