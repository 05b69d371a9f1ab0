package io.meshgate.proxy.metadata;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meshgate.policy.RelationName;
import io.meshgate.proxy.backend.BackendEndpoint;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.TableSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads columns from the backend's pg_catalog over one JDBC connection (reopened when it
 * breaks) and caches them briefly. Lookups block: call from worker threads only. A lookup
 * that cannot reach the backend throws {@link MetadataUnavailableException}, which the
 * governor turns into a refusal.
 */
public final class JdbcSchemaCatalog implements SchemaCatalog, AutoCloseable {
  private static final String COLUMNS_SQL = """
      SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
      ORDER BY a.attnum""";

  private final BackendEndpoint endpoint;
  private final Cache<RelationName, Optional<TableSchema>> cache;
  private Connection connection;

  public JdbcSchemaCatalog(BackendEndpoint endpoint, Duration cacheTtl) {
    this.endpoint = requireNonNull(endpoint, "endpoint is null");
    this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(cacheTtl).build();
  }

  @Override
  public Optional<TableSchema> table(String schema, String table) {
    RelationName name = new RelationName(endpoint.database(), schema, table);
    return cache.get(name, this::load);
  }

  /** Forgets everything, e.g. after DDL. */
  public void invalidateAll() {
    cache.invalidateAll();
  }

  private synchronized Optional<TableSchema> load(RelationName name) {
    try {
      return query(name);
    } catch (SQLException first) {
      closeQuietly();
      try {
        return query(name);
      } catch (SQLException second) {
        closeQuietly();
        throw new MetadataUnavailableException(
            "cannot read schema metadata from " + endpoint.displayName() + ": " + second.getMessage(), second);
      }
    }
  }

  private Optional<TableSchema> query(RelationName name) throws SQLException {
    try (PreparedStatement statement = connection().prepareStatement(COLUMNS_SQL)) {
      statement.setString(1, name.schema());
      statement.setString(2, name.table());
      List<ColumnSchema> columns = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new ColumnSchema(rows.getString(1), rows.getString(2)));
        }
      }
      return columns.isEmpty() ? Optional.empty() : Optional.of(new TableSchema(name, columns));
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      Properties properties = new Properties();
      properties.setProperty("user", endpoint.user());
      properties.setProperty("password", endpoint.password());
      properties.setProperty("ApplicationName", "meshgate:metadata");
      properties.setProperty("connectTimeout", "5");
      properties.setProperty("socketTimeout", "10");
      String url = "jdbc:postgresql://" + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database();
      connection = DriverManager.getConnection(url, properties);
    }
    return connection;
  }

  private void closeQuietly() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The connection is being discarded because it failed; nothing more to do.
      }
      connection = null;
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }
}
