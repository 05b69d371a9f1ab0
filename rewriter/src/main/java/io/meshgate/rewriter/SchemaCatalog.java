package io.meshgate.rewriter;

import java.util.Optional;

/**
 * Schema metadata, implemented by the proxy (which does the I/O and caching); the rewriter
 * never talks to a database itself.
 *
 * <p>Names are exact, as PostgreSQL stores them (already case-folded or unquoted). The
 * rewriter asks for {@code pg_catalog} relations too, because PostgreSQL resolves an
 * unqualified name in {@code pg_catalog} before the search path. Implementations must be
 * thread-safe.
 */
public interface SchemaCatalog {
  /** Columns of a table or view in ordinal order, or empty if the relation does not exist. */
  Optional<TableSchema> table(String schema, String table);

  /**
   * Whether {@link #table} would answer exactly {@code answer} for {@code schema.table} now,
   * known from memory alone: never blocks and never loads. False when the catalog would have
   * to look (nothing held, or expired) or holds another answer. Lets a caller on a thread that
   * must not block (the proxy's event loop) reuse work that depends on the answer. The
   * default, for catalogs that cannot tell without I/O, is always false.
   */
  default boolean answersFromMemory(String schema, String table, Optional<TableSchema> answer) {
    return false;
  }

  /**
   * The schema an entry of the search path names, as stored, when it exists and the backend
   * role may use it ({@code $user}: the backend role's own schema); this is where PostgreSQL
   * creates a table given without a schema. Empty when it does not exist or the catalog cannot
   * tell, which refuses such a CREATE TABLE (the client can still name the schema).
   */
  default Optional<String> schema(String searchPathEntry) {
    return Optional.empty();
  }

  /**
   * The table the index {@code schema.index} belongs to (an index lives in its table's schema),
   * or empty if there is no such index or the catalog cannot tell, which refuses DROP INDEX.
   */
  default Optional<String> indexTable(String schema, String index) {
    return Optional.empty();
  }

  /**
   * Forgets what is known of {@code schema.table}: a DDL statement has just changed (or
   * created, renamed, dropped) it, so its old shape must not be served again. Catalogs that do
   * not cache have nothing to do.
   */
  default void invalidate(String schema, String table) {}
}
