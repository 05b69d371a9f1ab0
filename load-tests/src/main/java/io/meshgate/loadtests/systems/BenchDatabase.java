package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import io.meshgate.loadtests.pgbench.Pgbench;
import io.meshgate.proxy.demo.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * The database {@value #DATABASE} with pgbench's own tables, in the same PostgreSQL cluster as
 * the demo mesh, and the role {@value #ROLE} that the select-only, connection-storm and
 * idle-connection scenarios log in as (directly, through PgBouncer and, under the same name,
 * through Meshgate).
 *
 * <p>{@value #ROLE} may only connect and read pgbench's tables; so may Meshgate's service
 * role, which serves this database as a second catalog.
 *
 * @param client the role's endpoint on PostgreSQL itself
 * @param scramSecret the role's SCRAM-SHA-256 secret as PostgreSQL stores it, for PgBouncer's
 *     auth_file: PgBouncer then checks clients against it and logs in to PostgreSQL with the
 *     client's own proof, so no password is written to disk
 */
public record BenchDatabase(Endpoint client, String scramSecret) {
  public static final String DATABASE = "bench";
  public static final String ROLE = "bench";

  public BenchDatabase {
    requireNonNull(client, "client is null");
    requireNonNull(scramSecret, "scramSecret is null");
    if (!scramSecret.startsWith("SCRAM-SHA-256$")) {
      throw new IllegalArgumentException("not a SCRAM-SHA-256 secret");
    }
  }

  /**
   * Creates (or re-creates) the database and role and runs {@code pgbench --initialize}.
   *
   * @param serviceRole Meshgate's backend role, which gets the same read access
   * @param outputPrefix where pgbench's initialisation output goes
   */
  public static BenchDatabase create(LocalPostgres postgres, Pgbench pgbench, int scale, String serviceRole,
      Path outputPrefix) {
    requireNonNull(postgres, "postgres is null");
    requireNonNull(pgbench, "pgbench is null");
    requireNonNull(serviceRole, "serviceRole is null");
    String password = Secrets.password();
    try {
      try (Connection connection = postgres.connectAsSuperuser("postgres");
          Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        statement.execute("CREATE DATABASE " + DATABASE + " TEMPLATE template0 ENCODING 'UTF8'");
        statement.execute("DROP ROLE IF EXISTS " + ROLE);
        statement.execute("CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
        // Hashed on our side, so the password never appears in the server's statement log.
        connection.unwrap(PGConnection.class).alterUserPassword(ROLE, password.toCharArray(), "scram-sha-256");
      }
      pgbench.initialize(new Endpoint(postgres.host(), postgres.port(), DATABASE, postgres.superuser(),
          postgres.superuserPassword()), scale, outputPrefix);
      try (Connection connection = postgres.connectAsSuperuser(DATABASE);
          Statement statement = connection.createStatement()) {
        statement.execute("REVOKE ALL ON DATABASE " + DATABASE + " FROM PUBLIC");
        statement.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + ROLE + ", " + serviceRole);
        statement.execute("GRANT USAGE ON SCHEMA public TO " + ROLE + ", " + serviceRole);
        statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + ROLE + ", " + serviceRole);
        statement.execute("ANALYZE");
      }
      return new BenchDatabase(new Endpoint(postgres.host(), postgres.port(), DATABASE, ROLE, password),
          scramSecret(postgres, ROLE));
    } catch (SQLException e) {
      throw new BenchmarkSetupException("cannot create the benchmark database in " + postgres + ": " + e.getMessage(), e);
    }
  }

  static String scramSecret(LocalPostgres postgres, String role) throws SQLException {
    try (Connection connection = postgres.connectAsSuperuser("postgres");
        PreparedStatement query = connection.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
      query.setString(1, role);
      try (ResultSet result = query.executeQuery()) {
        if (!result.next() || result.getString(1) == null) {
          throw new BenchmarkSetupException("role " + role + " has no password");
        }
        return result.getString(1);
      }
    }
  }
}
