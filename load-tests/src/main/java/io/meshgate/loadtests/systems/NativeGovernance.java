package io.meshgate.loadtests.systems;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.LocalPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The governed workload's rules enforced by PostgreSQL itself, as a team without Meshgate would:
 * row-level security on the base tables and masking views, for one role that stands for the
 * demo analyst alice (region {@value #REGION}, e-mail, phone and birth date masked).
 *
 * <p>The views live in schemas {@value #SALES_VIEWS} and {@value #CUSTOMERS_VIEWS} under the
 * tables' own names, so the workload differs between the two systems only in its schema
 * names. They are {@code security_invoker} views, so the row-level security policies of the
 * role reading them apply; that needs the role to hold SELECT on the base tables too, which it
 * could read unmasked. A stricter native setup (security-definer functions, or views owned by
 * a role whose policies look up the session user) costs about the same per row and is more
 * work for every new table; for a comparison of costs this is the fair, common form.
 *
 * <p>Row-level security on a table applies to every role that does not own it, Meshgate's
 * service role included: that role gets a policy {@code USING (true)}, because Meshgate does
 * the filtering for the sessions it serves (PostgreSQL drops the constant qualifier when
 * planning, so it costs nothing).
 */
public final class NativeGovernance {
  public static final String ROLE = "native_alice";
  public static final String REGION = "EU";
  public static final String SALES_VIEWS = "native_sales";
  public static final String CUSTOMERS_VIEWS = "native_customers";

  /** The tables with a region column that alice may read only the EU rows of. */
  private static final List<String> REGIONAL_TABLES =
      List.of("sales.stores", "sales.store_transactions", "customers.customers");

  /** The same expressions Meshgate's PostgreSQL mask renderer writes for email, show_last(4) and truncate_date(year). */
  private static final String EMAIL_MASK = "regexp_replace(regexp_replace(%s::text, '^[^@]*$', 'xxxx'), '^.*@', 'xxxx@')";
  private static final String SHOW_LAST_FOUR_MASK = "lpad(right(%1$s::text, 4), char_length(%1$s::text), 'x')";
  private static final String YEAR_MASK = "date_trunc('year', %s)::date";

  private NativeGovernance() {}

  /** Installs the role, policies and views in the demo database; returns the role's endpoint. */
  public static Endpoint install(LocalPostgres postgres, DemoBackend mesh) {
    requireNonNull(postgres, "postgres is null");
    requireNonNull(mesh, "mesh is null");
    String password = Secrets.password();
    try (Connection connection = postgres.connectAsSuperuser(mesh.database())) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("DROP ROLE IF EXISTS " + ROLE);
        statement.execute("CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
      }
      connection.unwrap(PGConnection.class).alterUserPassword(ROLE, password.toCharArray(), "scram-sha-256");
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String table : REGIONAL_TABLES) {
          statement.execute("ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
          statement.execute("CREATE POLICY native_region ON " + table + " FOR SELECT TO " + ROLE
              + " USING (region = '" + REGION + "')");
          statement.execute("CREATE POLICY meshgate_filters ON " + table + " FOR SELECT TO " + mesh.serviceUser()
              + " USING (true)");
        }
        statement.execute("CREATE SCHEMA " + SALES_VIEWS);
        statement.execute("CREATE SCHEMA " + CUSTOMERS_VIEWS);
        statement.execute("CREATE VIEW " + SALES_VIEWS + ".stores WITH (security_invoker = true) AS "
            + "SELECT store_id, zip_code, region FROM sales.stores");
        statement.execute("CREATE VIEW " + SALES_VIEWS + ".store_transactions WITH (security_invoker = true) AS "
            + "SELECT transaction_id, store_id, day, amount, " + EMAIL_MASK.formatted("customer_email")
            + " AS customer_email, region FROM sales.store_transactions");
        statement.execute("CREATE VIEW " + CUSTOMERS_VIEWS + ".customers WITH (security_invoker = true) AS "
            + "SELECT customer_id, name, " + EMAIL_MASK.formatted("email") + " AS email, "
            + SHOW_LAST_FOUR_MASK.formatted("phone") + " AS phone, " + YEAR_MASK.formatted("birth_date")
            + " AS birth_date, region FROM customers.customers");
        statement.execute("GRANT CONNECT ON DATABASE " + mesh.database() + " TO " + ROLE);
        statement.execute("GRANT USAGE ON SCHEMA sales, customers, " + SALES_VIEWS + ", " + CUSTOMERS_VIEWS + " TO " + ROLE);
        statement.execute("GRANT SELECT ON " + String.join(", ", REGIONAL_TABLES) + " TO " + ROLE);
        statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + SALES_VIEWS + ", " + CUSTOMERS_VIEWS + " TO " + ROLE);
      }
      connection.commit();
    } catch (SQLException e) {
      throw new BenchmarkSetupException("cannot install row-level security and masking views in " + mesh + ": "
          + e.getMessage(), e);
    }
    return new Endpoint(postgres.host(), postgres.port(), mesh.database(), ROLE, password);
  }
}
