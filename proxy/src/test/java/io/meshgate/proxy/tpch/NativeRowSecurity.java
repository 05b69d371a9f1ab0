package io.meshgate.proxy.tpch;

import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.LocalPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * PostgreSQL's own row-level security with the predicates that the analysts' row filters of
 * {@code tpch/policy.rego} (test resources) give Meshgate, for a role of its own: the truth
 * {@link TpchFilteredIT} compares Meshgate's filtered results with. Meshgate's service role gets
 * {@code USING (true)}, since row-level security applies to every role that does not own a table.
 */
final class NativeRowSecurity {
  static final String ROLE = "tpch_native_analyst";
  static final String PASSWORD = "tpch_native_analyst";

  /** Table → predicate; keep in step with analyst_filters in policy.rego. */
  static final Map<String, String> PREDICATES = Map.of(
      "customer", "c_nationkey IN (1, 2, 3, 6, 7, 8, 9, 12, 17, 18, 19, 21, 22, 23, 24)",
      "supplier", "s_acctbal > 2500",
      "part", "p_size <= 45",
      "orders", "o_orderdate >= '1993-01-01'",
      "lineitem", "l_discount <= 0.08 AND l_shipmode NOT IN ('REG AIR')");

  private NativeRowSecurity() {}

  static void install(LocalPostgres postgres, DemoBackend backend) throws SQLException {
    try (Connection connection = postgres.connectAsSuperuser(backend.database())) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
      }
      connection.unwrap(PGConnection.class).alterUserPassword(ROLE, PASSWORD.toCharArray(), "scram-sha-256");
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (Map.Entry<String, String> entry : PREDICATES.entrySet()) {
          String table = TpchDatabase.SCHEMA + "." + entry.getKey();
          statement.execute("ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
          statement.execute("CREATE POLICY analyst_rows ON " + table + " FOR SELECT TO " + ROLE
              + " USING (" + entry.getValue() + ")");
          statement.execute("CREATE POLICY meshgate_filters ON " + table + " FOR SELECT TO "
              + backend.serviceUser() + " USING (true)");
        }
        statement.execute("GRANT CONNECT ON DATABASE " + backend.database() + " TO " + ROLE);
        statement.execute("GRANT USAGE ON SCHEMA " + TpchDatabase.SCHEMA + " TO " + ROLE);
        statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + TpchDatabase.SCHEMA + " TO " + ROLE);
      }
      connection.commit();
    }
  }
}
