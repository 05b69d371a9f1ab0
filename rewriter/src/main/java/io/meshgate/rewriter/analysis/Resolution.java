package io.meshgate.rewriter.analysis;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.VirtualRelation;

/** What a table name in a FROM clause refers to. */
public sealed interface Resolution {

  /** A relation of pg_catalog or information_schema: read as is, without a decision. */
  record CatalogRelation(String schema, String table) implements Resolution {
    public CatalogRelation {
      requireNonNull(schema, "schema is null");
      requireNonNull(table, "table is null");
    }
  }

  /** A table or view that policies govern. */
  record Governed(RelationName relation, TableSchema table) implements Resolution {
    public Governed {
      requireNonNull(relation, "relation is null");
      requireNonNull(table, "table is null");
    }
  }

  /** A relation of the {@code meshgate} schema, which Meshgate answers itself. */
  record Virtual(VirtualRelation relation) implements Resolution {
    public Virtual {
      requireNonNull(relation, "relation is null");
    }
  }
}
