package io.meshgate.proxy.demo;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.demo.data.Customer;
import io.meshgate.proxy.demo.data.DailyTemperature;
import io.meshgate.proxy.demo.data.DemoDataset;
import io.meshgate.proxy.demo.data.HourlyTemperature;
import io.meshgate.proxy.demo.data.StationObservation;
import io.meshgate.proxy.demo.data.Store;
import io.meshgate.proxy.demo.data.StoreTransaction;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Creates the demo data mesh in a {@link LocalPostgres}: database {@value #DATABASE} with one
 * schema per domain ({@code weather}, {@code sales}, {@code customers}), the same rows on every
 * run (see {@link DemoDataset}), and the role {@value #SERVICE_USER} that Meshgate logs in as.
 *
 * <p>Seeding replaces any earlier {@value #DATABASE} database and gives the service role a new
 * random password, so it can be repeated on one server. The service role is deliberately weak:
 * it may connect to {@value #DATABASE}, use the three schemas and SELECT their tables, and
 * nothing else (not superuser, no CREATEDB, CREATEROLE, REPLICATION or BYPASSRLS, no INSERT,
 * UPDATE, DELETE, TEMP or CREATE, no login to the cluster's other databases), so a bug in the
 * proxy cannot write through it. Seeding changes cluster-wide settings to achieve that (PUBLIC
 * loses CONNECT on {@code postgres} and {@code template1}), which is why it takes a
 * {@link LocalPostgres} and not an arbitrary server.
 */
public final class DemoDataMesh {
  public static final String DATABASE = "mesh";
  public static final String SERVICE_USER = "meshgate_service";
  static final List<String> SCHEMAS = List.of("weather", "sales", "customers");

  private static final List<String> TABLES = List.of(
      """
      CREATE TABLE weather.stations_raw (
        station_id text NOT NULL,
        zip_code text NOT NULL,
        observed_at timestamp NOT NULL,
        temperature_c double precision,
        humidity double precision,
        raw_payload text NOT NULL)""",
      """
      CREATE TABLE weather.daily_temperatures (
        zip_code text NOT NULL,
        day date NOT NULL,
        min_temp double precision NOT NULL,
        max_temp double precision NOT NULL,
        avg_temp double precision NOT NULL)""",
      """
      CREATE TABLE weather.hourly_temperatures (
        zip_code text NOT NULL,
        hour timestamp NOT NULL,
        min_temp double precision NOT NULL,
        max_temp double precision NOT NULL,
        avg_temp double precision NOT NULL)""",
      """
      CREATE TABLE sales.stores (
        store_id integer NOT NULL,
        zip_code text NOT NULL,
        region text NOT NULL CHECK (region IN ('EU', 'US', 'APAC')))""",
      """
      CREATE TABLE sales.store_transactions (
        transaction_id bigint NOT NULL,
        store_id integer NOT NULL,
        day date NOT NULL,
        amount numeric(12,2) NOT NULL,
        customer_email text NOT NULL,
        region text NOT NULL CHECK (region IN ('EU', 'US', 'APAC')))""",
      """
      CREATE TABLE customers.customers (
        customer_id integer NOT NULL,
        name text NOT NULL,
        email text NOT NULL,
        phone text NOT NULL,
        birth_date date NOT NULL,
        region text NOT NULL CHECK (region IN ('EU', 'US', 'APAC')))""");

  /** Keys and indexes are built after loading, which is faster than maintaining them row by row. */
  private static final List<String> INDEXES = List.of(
      "ALTER TABLE weather.daily_temperatures ADD PRIMARY KEY (zip_code, day)",
      "ALTER TABLE weather.hourly_temperatures ADD PRIMARY KEY (zip_code, hour)",
      "CREATE INDEX stations_raw_zip_code_observed_at ON weather.stations_raw (zip_code, observed_at)",
      "ALTER TABLE sales.stores ADD PRIMARY KEY (store_id)",
      "CREATE INDEX stores_zip_code ON sales.stores (zip_code)",
      "ALTER TABLE sales.store_transactions ADD PRIMARY KEY (transaction_id)",
      "ALTER TABLE sales.store_transactions ADD FOREIGN KEY (store_id) REFERENCES sales.stores (store_id)",
      "CREATE INDEX store_transactions_store_id_day ON sales.store_transactions (store_id, day)",
      "CREATE INDEX store_transactions_day ON sales.store_transactions (day)",
      "CREATE INDEX store_transactions_customer_email ON sales.store_transactions (customer_email)",
      "ALTER TABLE customers.customers ADD PRIMARY KEY (customer_id)",
      "ALTER TABLE customers.customers ADD UNIQUE (email)",
      "CREATE INDEX customers_region ON customers.customers (region)");

  /** What each data product is, for catalog browsers (psql's \dt+, DBeaver) and the domain owners. */
  private static final List<String> COMMENTS = List.of(
      "COMMENT ON SCHEMA weather IS 'Weather domain: station readings and temperature aggregates per zip code'",
      "COMMENT ON SCHEMA sales IS 'Sales domain: stores and their transactions'",
      "COMMENT ON SCHEMA customers IS 'Customers domain: customer master data (personal data)'",
      "COMMENT ON TABLE weather.stations_raw IS 'Readings as the stations sent them, local time; "
          + "the weather team''s source data'",
      "COMMENT ON TABLE weather.daily_temperatures IS 'Minimum, maximum and mean temperature (°C) "
          + "per zip code and day of 2025'",
      "COMMENT ON TABLE weather.hourly_temperatures IS 'Minimum, maximum and mean temperature (°C) "
          + "per zip code and hour, 2 to 29 June 2025, local time'",
      "COMMENT ON TABLE sales.stores IS 'Stores, their zip code and region'",
      "COMMENT ON TABLE sales.store_transactions IS 'Every sale in a store in 2025; region is the store''s'",
      "COMMENT ON TABLE customers.customers IS 'Customers with contact details'");

  private DemoDataMesh() {}

  /** Creates (or re-creates) the demo database and the service role, and loads the rows. */
  public static DemoBackend seed(LocalPostgres postgres) {
    requireNonNull(postgres, "postgres is null");
    DemoDataset dataset = DemoDataset.generate();
    String servicePassword = RandomPassword.generate();
    try {
      try (Connection connection = postgres.connectAsSuperuser("postgres");
          Statement statement = connection.createStatement()) {
        // FORCE: a demo re-seeded while a client is still connected should not fail.
        statement.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        statement.execute("CREATE DATABASE " + DATABASE + " TEMPLATE template0 ENCODING 'UTF8'");
        createServiceRole(connection, servicePassword);
        // Every role may connect to every database unless told otherwise; the service role is
        // meant to reach the mesh only. The cluster is the demo's own, so nobody else relies on it.
        statement.execute("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC");
        statement.execute("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC");
      }
      try (Connection connection = postgres.connectAsSuperuser(DATABASE)) {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          for (String schema : SCHEMAS) {
            statement.execute("CREATE SCHEMA " + schema);
          }
          for (String table : TABLES) {
            statement.execute(table);
          }
          load(connection.unwrap(PGConnection.class).getCopyAPI(), dataset);
          for (String index : INDEXES) {
            statement.execute(index);
          }
          for (String comment : COMMENTS) {
            statement.execute(comment);
          }
          grantReadOnly(statement);
        }
        connection.commit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("ANALYZE");
        }
      }
    } catch (SQLException | IOException e) {
      throw new LocalPostgresException("cannot seed the demo data mesh into " + postgres + ": " + e.getMessage(), e);
    }
    return new DemoBackend(postgres.host(), postgres.port(), DATABASE, SERVICE_USER, servicePassword,
        postgres.superuserUri(DATABASE));
  }

  private static void createServiceRole(Connection connection, String password) throws SQLException {
    boolean exists;
    try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      query.setString(1, SERVICE_USER);
      try (ResultSet result = query.executeQuery()) {
        exists = result.next();
      }
    }
    try (Statement statement = connection.createStatement()) {
      // Spelled out rather than relying on defaults, and re-applied to a role left by an earlier seed.
      statement.execute((exists ? "ALTER" : "CREATE") + " ROLE " + SERVICE_USER
          + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
    }
    // Hashed on our side (SCRAM), so the password never appears in the server's statement log.
    connection.unwrap(PGConnection.class).alterUserPassword(SERVICE_USER, password.toCharArray(), "scram-sha-256");
  }

  private static void grantReadOnly(Statement statement) throws SQLException {
    // PUBLIC gets CONNECT and TEMP on new databases and, before PostgreSQL 15, CREATE on schema
    // public: take all of that away so the service role has exactly what is granted below.
    statement.execute("REVOKE ALL ON DATABASE " + DATABASE + " FROM PUBLIC");
    statement.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
    statement.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + SERVICE_USER);
    String schemas = String.join(", ", SCHEMAS);
    statement.execute("GRANT USAGE ON SCHEMA " + schemas + " TO " + SERVICE_USER);
    statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schemas + " TO " + SERVICE_USER);
  }

  private static void load(CopyManager copy, DemoDataset dataset) throws SQLException, IOException {
    CopyText stations = new CopyText();
    for (StationObservation row : dataset.stationObservations()) {
      stations.row(row.stationId(), row.zipCode(), row.observedAt(), row.temperatureCelsius(), row.humidity(),
          row.rawPayload());
    }
    copyIn(copy, "weather.stations_raw", stations);
    CopyText daily = new CopyText();
    for (DailyTemperature row : dataset.dailyTemperatures()) {
      daily.row(row.zipCode(), row.day(), row.minimum(), row.maximum(), row.average());
    }
    copyIn(copy, "weather.daily_temperatures", daily);
    CopyText hourly = new CopyText();
    for (HourlyTemperature row : dataset.hourlyTemperatures()) {
      hourly.row(row.zipCode(), row.hour(), row.minimum(), row.maximum(), row.average());
    }
    copyIn(copy, "weather.hourly_temperatures", hourly);
    CopyText stores = new CopyText();
    for (Store row : dataset.stores()) {
      stores.row(row.storeId(), row.zipCode(), row.region());
    }
    copyIn(copy, "sales.stores", stores);
    CopyText transactions = new CopyText();
    for (StoreTransaction row : dataset.storeTransactions()) {
      transactions.row(row.transactionId(), row.storeId(), row.day(), row.amount(), row.customerEmail(), row.region());
    }
    copyIn(copy, "sales.store_transactions", transactions);
    CopyText customers = new CopyText();
    for (Customer row : dataset.customers()) {
      customers.row(row.customerId(), row.name(), row.email(), row.phone(), row.birthDate(), row.region());
    }
    copyIn(copy, "customers.customers", customers);
  }

  private static void copyIn(CopyManager copy, String table, CopyText rows) throws SQLException, IOException {
    long loaded = copy.copyIn("COPY " + table + " FROM STDIN", new StringReader(rows.toString()));
    if (loaded != rows.rows()) {
      throw new SQLException("COPY into " + table + " loaded " + loaded + " of " + rows.rows() + " rows");
    }
  }
}
