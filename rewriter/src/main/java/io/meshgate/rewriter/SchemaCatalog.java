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
}
