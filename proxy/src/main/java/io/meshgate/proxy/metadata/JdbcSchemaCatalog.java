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
 * breaks) and caches them briefly. Lookups block: call from worker threads only (except
 * {@link #answersFromMemory}, which reads the cache alone). A lookup
 * that cannot reach the backend throws {@link MetadataUnavailableException}, which the
 * governor turns into a refusal.
 */
public final class JdbcSchemaCatalog implements SchemaCatalog, AutoCloseable {
  private static final String COLUMNS_SQL = """
      SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attgenerated <> '',
        cn.nspname, co.collname
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation
      LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
      ORDER BY a.attnum""";

  /** The schema of a search path entry, as PostgreSQL picks where to create: it exists and may be used. */
  private static final String SCHEMA_SQL = """
      SELECT n.nspname FROM pg_catalog.pg_namespace n
      WHERE n.nspname = CASE WHEN ? = '$user' THEN current_user::text ELSE ? END
        AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')""";

  private static final String INDEX_TABLE_SQL = """
      SELECT t.relname
      FROM pg_catalog.pg_index x
      JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
      JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
      WHERE n.nspname = ? AND i.relname = ?""";

  /** One query over the metadata connection. */
  @FunctionalInterface
  private interface Query<T> {
    T run(Connection connection) throws SQLException;
  }

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

  /** From the cache only: an entry not loaded yet, or expired, is not known. */
  @Override
  public boolean answersFromMemory(String schema, String table, Optional<TableSchema> answer) {
    Optional<TableSchema> cached = cache.getIfPresent(new RelationName(endpoint.database(), schema, table));
    return cached != null && cached.equals(answer);
  }

  /** Not cached: asked only for DDL, which is rare. */
  @Override
  public Optional<String> schema(String searchPathEntry) {
    return run(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(SCHEMA_SQL)) {
        statement.setString(1, searchPathEntry);
        statement.setString(2, searchPathEntry);
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /** Not cached: asked only for DROP INDEX. */
  @Override
  public Optional<String> indexTable(String schema, String index) {
    return run(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(INDEX_TABLE_SQL)) {
        statement.setString(1, schema);
        statement.setString(2, index);
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void invalidate(String schema, String table) {
    cache.invalidate(new RelationName(endpoint.database(), schema, table));
  }

  /** Forgets everything. */
  public void invalidateAll() {
    cache.invalidateAll();
  }

  private Optional<TableSchema> load(RelationName name) {
    return run(connection -> query(connection, name));
  }

  private synchronized <T> T run(Query<T> query) {
    try {
      return query.run(connection());
    } catch (SQLException first) {
      closeQuietly();
      try {
        return query.run(connection());
      } catch (SQLException second) {
        closeQuietly();
        throw new MetadataUnavailableException(
            "cannot read schema metadata from " + endpoint.displayName() + ": " + second.getMessage(), second);
      }
    }
  }

  private static Optional<TableSchema> query(Connection connection, RelationName name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(COLUMNS_SQL)) {
      statement.setString(1, name.schema());
      statement.setString(2, name.table());
      List<ColumnSchema> columns = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          // a collation other than the type's default: the new-row check compares under it
          Optional<ColumnSchema.Collation> collation = rows.getString(5) == null
              ? Optional.empty()
              : Optional.of(new ColumnSchema.Collation(rows.getString(4), rows.getString(5)));
          columns.add(new ColumnSchema(rows.getString(1), rows.getString(2), rows.getBoolean(3), collation));
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
