package io.meshgate.rewriter.analysis;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.VirtualRelation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves table names the way PostgreSQL does: {@code catalog.schema.table} (the catalog
 * must be this database), {@code schema.table}, or {@code table} looked up in {@code
 * pg_catalog} first and then in each schema of the search path. Results are remembered so
 * that a rewrite resolves exactly as the analysis did, without asking the catalog again.
 */
public final class NameResolver {
  public static final String PG_CATALOG = "pg_catalog";
  public static final String INFORMATION_SCHEMA = "information_schema";

  /**
   * Catalog relations that expose column values of other tables, or (pg_stat_activity) the
   * query texts of other users: every session runs as the one service role, so the backend
   * would show each user everyone's statements, literals included. pg_prepared_statements and
   * pg_cursors show the session's own statements as Meshgate rewrote them, with what a plan
   * must not show either (a hash mask's salt, see EXPLAIN).
   */
  public static final Set<String> VALUE_EXPOSING_CATALOG_RELATIONS =
      Set.of(
          "pg_stats", "pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic",
          "pg_statistic_ext_data", "pg_largeobject", "pg_stat_activity", "pg_prepared_statements",
          "pg_cursors");

  private final SchemaCatalog catalog;
  private final String catalogName;
  private final List<String> searchPath;
  private final Map<List<String>, Resolution> resolved;
  private final boolean frozen;

  public NameResolver(SchemaCatalog catalog, String catalogName, List<String> searchPath) {
    this(
        requireNonNull(catalog, "catalog is null"),
        requireNonNull(catalogName, "catalogName is null"),
        effectiveSearchPath(requireNonNull(searchPath, "searchPath is null")),
        new LinkedHashMap<>(),
        false);
  }

  private NameResolver(
      SchemaCatalog catalog,
      String catalogName,
      List<String> searchPath,
      Map<List<String>, Resolution> resolved,
      boolean frozen) {
    this.catalog = catalog;
    this.catalogName = catalogName;
    this.searchPath = searchPath;
    this.resolved = resolved;
    this.frozen = frozen;
  }

  /**
   * A resolver that answers only what this one has resolved so far (also under the
   * schema-qualified names the rewrite writes out); safe to share between threads.
   */
  public NameResolver frozen() {
    Map<List<String>, Resolution> copy = new LinkedHashMap<>(resolved);
    for (Resolution resolution : resolved.values()) {
      switch (resolution) {
        case Resolution.Governed governed -> copy.putIfAbsent(
            List.of(governed.relation().schema(), governed.relation().table()), governed);
        case Resolution.CatalogRelation catalogRelation -> copy.putIfAbsent(
            List.of(catalogRelation.schema(), catalogRelation.table()), catalogRelation);
        case Resolution.Virtual virtual -> copy.putIfAbsent(
            List.of(VirtualRelation.SCHEMA, virtual.relation().table()), virtual);
      }
    }
    return new NameResolver(catalog, catalogName, searchPath, Map.copyOf(copy), true);
  }

  /** Resolves a table name (not a CTE name: the caller checks those first). */
  public Resolution resolve(List<String> names) throws SqlRefusal {
    Resolution known = resolved.get(names);
    if (known != null) {
      return known;
    }
    if (frozen) {
      throw new IllegalStateException("name was not resolved during analysis: " + names);
    }
    Resolution resolution = resolveUncached(names);
    resolved.put(List.copyOf(names), resolution);
    return resolution;
  }

  private Resolution resolveUncached(List<String> names) throws SqlRefusal {
    String display = String.join(".", names);
    return switch (names.size()) {
      case 1 -> resolveUnqualified(names.get(0));
      case 2 -> resolveQualified(names.get(0), names.get(1), display);
      case 3 -> {
        if (!names.get(0).equals(catalogName)) {
          throw new SqlRefusal(
              Reason.NOT_GOVERNED,
              "cross-database references are not implemented: " + display);
        }
        yield resolveQualified(names.get(1), names.get(2), display);
      }
      default ->
          throw new SqlRefusal(
              Reason.SYNTAX_ERROR, "improper qualified name (too many dotted names): " + display);
    };
  }

  private Resolution resolveQualified(String schema, String table, String display)
      throws SqlRefusal {
    if (schema.equals(PG_CATALOG) || schema.equals(INFORMATION_SCHEMA)) {
      return catalogRelation(schema, table);
    }
    if (schema.equals(VirtualRelation.SCHEMA)) {
      return virtual(table).orElseThrow(() -> undefined(display));
    }
    Optional<TableSchema> found = catalog.table(schema, table);
    if (found.isEmpty()) {
      throw undefined(display);
    }
    return governed(schema, table, found.get());
  }

  private Resolution resolveUnqualified(String table) throws SqlRefusal {
    if (VALUE_EXPOSING_CATALOG_RELATIONS.contains(table)) {
      return catalogRelation(PG_CATALOG, table);
    }
    for (String schema : searchPath) {
      if (schema.equals(VirtualRelation.SCHEMA)) {
        Optional<Resolution> virtual = virtual(table);
        if (virtual.isPresent()) {
          return virtual.get();
        }
        continue;
      }
      Optional<TableSchema> found = catalog.table(schema, table);
      if (found.isPresent()) {
        if (schema.equals(PG_CATALOG) || schema.equals(INFORMATION_SCHEMA)) {
          return catalogRelation(schema, table);
        }
        return governed(schema, table, found.get());
      }
    }
    throw undefined(table);
  }

  private Resolution catalogRelation(String schema, String table) throws SqlRefusal {
    if (schema.equals(PG_CATALOG) && VALUE_EXPOSING_CATALOG_RELATIONS.contains(table)) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "reading pg_catalog." + table
              + " is not allowed through Meshgate: it exposes column values or rewritten statements");
    }
    return new Resolution.CatalogRelation(schema, table);
  }

  /**
   * The schema {@value VirtualRelation#SCHEMA} is Meshgate's own: its names are never looked up
   * in the backend, so a backend schema of that name cannot stand in for discovery.
   */
  private static Optional<Resolution> virtual(String table) {
    return VirtualRelation.named(table).map(Resolution.Virtual::new);
  }

  private Resolution governed(String schema, String table, TableSchema found) {
    RelationName relation = new RelationName(catalogName, schema, table);
    return new Resolution.Governed(relation, new TableSchema(relation, found.columns()));
  }

  private static SqlRefusal undefined(String display) {
    return new SqlRefusal(Reason.UNDEFINED_TABLE, "relation \"" + display + "\" does not exist");
  }

  /**
   * pg_catalog is searched first unless the search path names it; {@code $user}, {@code
   * pg_temp} (no temporary tables can be created through Meshgate) and empty entries are
   * skipped.
   */
  private static List<String> effectiveSearchPath(List<String> searchPath) {
    List<String> effective = new ArrayList<>();
    if (!searchPath.contains(PG_CATALOG)) {
      effective.add(PG_CATALOG);
    }
    for (String schema : searchPath) {
      if (schema == null || schema.isEmpty() || schema.equals("$user")
          || schema.startsWith("pg_temp")) {
        continue;
      }
      if (!effective.contains(schema)) {
        effective.add(schema);
      }
    }
    return List.copyOf(effective);
  }
}
