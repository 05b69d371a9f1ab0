package io.meshgate.rewriter.ddl;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Access;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.VirtualRelation;
import io.meshgate.rewriter.analysis.NameResolver;
import io.meshgate.rewriter.analysis.Resolution;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import java.util.List;
import java.util.Optional;

/**
 * Resolves the names a DDL statement targets as PostgreSQL would: an existing table like any
 * table name (pg_catalog first, then the session's search path), a new table in the first
 * schema of the search path that exists, an index in the search path. The SQL that is
 * forwarded names each target fully qualified, so the backend's own search path cannot point
 * it elsewhere.
 */
final class DdlTargets {
  /** Schemas no DDL through Meshgate may touch: PostgreSQL's own, and Meshgate's. */
  private static final List<String> RESERVED_SCHEMAS =
      List.of(NameResolver.PG_CATALOG, NameResolver.INFORMATION_SCHEMA, VirtualRelation.SCHEMA, "pg_toast");

  private final SchemaCatalog catalog;
  private final String catalogName;
  private final List<String> searchPath;
  private final NameResolver resolver;

  DdlTargets(SchemaCatalog catalog, String catalogName, List<String> searchPath) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.catalogName = requireNonNull(catalogName, "catalogName is null");
    this.searchPath = List.copyOf(requireNonNull(searchPath, "searchPath is null"));
    this.resolver = new NameResolver(catalog, catalogName, searchPath);
  }

  /** An existing table or view, as the statement names it. */
  TableSchema existing(List<String> names) throws SqlRefusal {
    Resolution resolution;
    try {
      resolution = resolver.resolve(names);
    } catch (SqlRefusal refusal) {
      throw refusal.withStatementKind(StatementKind.DDL);
    }
    return switch (resolution) {
      case Resolution.Governed governed -> {
        if (isReserved(governed.relation().schema())) {
          throw reserved(governed.relation().schema(), governed.relation().table());
        }
        yield governed.table();
      }
      case Resolution.CatalogRelation relation -> throw reserved(relation.schema(), relation.table());
      case Resolution.Virtual virtual -> throw reserved(VirtualRelation.SCHEMA, virtual.relation().table());
    };
  }

  /**
   * An existing table, or for a name that resolves to none, a table without columns where a
   * CREATE TABLE of that name would put it (DROP ... IF EXISTS). Only a missing table is
   * forgiven: a reserved schema or anything else that refuses still refuses.
   */
  TableSchema existingOrAbsent(List<String> names) throws SqlRefusal {
    try {
      return existing(names);
    } catch (SqlRefusal refusal) {
      if (refusal.reason() != Reason.UNDEFINED_TABLE) {
        throw refusal;
      }
      return new TableSchema(created(names), List.of());
    }
  }

  /** The relation a CREATE TABLE makes, and the table already there under that name, if any. */
  RelationName created(List<String> names) throws SqlRefusal {
    String table = names.get(names.size() - 1);
    String schema = switch (names.size()) {
      case 1 -> creationSchema();
      case 2 -> names.get(0);
      case 3 -> {
        if (!names.get(0).equals(catalogName)) {
          throw new SqlRefusal(Reason.NOT_GOVERNED,
              "cross-database references are not implemented: " + String.join(".", names), StatementKind.DDL);
        }
        yield names.get(1);
      }
      default -> throw new SqlRefusal(Reason.SYNTAX_ERROR,
          "improper qualified name (too many dotted names): " + String.join(".", names), StatementKind.DDL);
    };
    return sibling(schema, table);
  }

  /** A new name in the schema of an existing table (ALTER TABLE ... RENAME TO). */
  RelationName sibling(String schema, String table) throws SqlRefusal {
    if (isReserved(schema)) {
      throw reserved(schema, table);
    }
    return new RelationName(catalogName, schema, table);
  }

  /** The columns a table has now; none for a name that is free. */
  List<String> currentColumns(RelationName relation) {
    return catalog.table(relation.schema(), relation.table()).map(TableSchema::columnNames).orElse(List.of());
  }

  /** The table an index (as the statement names it) belongs to. */
  TableSchema indexed(List<String> names) throws SqlRefusal {
    String index = names.get(names.size() - 1);
    List<String> schemas = switch (names.size()) {
      case 1 -> searchPath;
      case 2 -> List.of(names.get(0));
      default -> throw new SqlRefusal(Reason.NOT_GOVERNED,
          "write the index name as schema.index: " + String.join(".", names), StatementKind.DDL);
    };
    for (String entry : schemas) {
      if (entry.isEmpty() || entry.equals("$user") || entry.startsWith("pg_temp")) {
        continue;
      }
      Optional<String> table = catalog.indexTable(entry, index);
      if (table.isPresent()) {
        if (isReserved(entry)) {
          throw reserved(entry, index);
        }
        return existing(List.of(entry, table.get()));
      }
    }
    throw new SqlRefusal(Reason.UNDEFINED_TABLE, "index \"" + String.join(".", names) + "\" does not exist"
        + " (or Meshgate cannot tell its table); the statement was not forwarded", StatementKind.DDL);
  }

  static RelationAccess target(RelationName relation, List<String> columns, List<String> referenced) {
    return new RelationAccess(relation, Access.DDL, columns, referenced);
  }

  static String qualified(RelationName relation) {
    return PgIdentifiers.quote(relation.schema()) + "." + PgIdentifiers.quote(relation.table());
  }

  /** PostgreSQL creates an unqualified table in the first schema of the search path that exists. */
  private String creationSchema() throws SqlRefusal {
    for (String entry : searchPath) {
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.startsWith("pg_temp")) {
        throw new SqlRefusal(Reason.NOT_GOVERNED,
            "temporary tables are not governed by Meshgate (they belong to no domain); write the schema:"
                + " CREATE TABLE schema.name (...)", StatementKind.DDL);
      }
      Optional<String> schema = catalog.schema(entry);
      if (schema.isPresent()) {
        return schema.get();
      }
    }
    throw new SqlRefusal(Reason.NOT_GOVERNED,
        "Meshgate found no schema of the search path to create the table in; write the schema:"
            + " CREATE TABLE schema.name (...)", StatementKind.DDL);
  }

  private static boolean isReserved(String schema) {
    return RESERVED_SCHEMAS.contains(schema) || schema.startsWith("pg_temp") || schema.startsWith("pg_toast");
  }

  private static SqlRefusal reserved(String schema, String name) {
    return new SqlRefusal(Reason.PERMISSION_DENIED,
        "permission denied: " + schema + "." + name + " belongs to "
            + (schema.equals(VirtualRelation.SCHEMA) ? "Meshgate, which answers it from the policies"
                : "PostgreSQL's own catalog")
            + "; DDL on it is not allowed through Meshgate", StatementKind.DDL);
  }
}
