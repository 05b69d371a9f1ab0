package io.meshgate.rewriter.analysis;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.TableSchema;
import java.util.function.Consumer;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;

/**
 * One occurrence of a governed table in a FROM position, with what is needed to replace it
 * in place: the node that holds it and how it is exposed to the rest of the statement.
 */
public final class TableReference {
  private final SqlIdentifier name;
  private final Consumer<SqlNode> replacer;
  private final SqlCall aliasCall;
  private final RelationName relation;
  private final TableSchema table;
  private final String exposedName;
  private final TableModifiers modifiers;

  TableReference(
      SqlIdentifier name,
      Consumer<SqlNode> replacer,
      SqlCall aliasCall,
      RelationName relation,
      TableSchema table,
      String exposedName,
      TableModifiers modifiers) {
    this.name = requireNonNull(name, "name is null");
    this.replacer = requireNonNull(replacer, "replacer is null");
    this.aliasCall = aliasCall;
    this.relation = requireNonNull(relation, "relation is null");
    this.table = requireNonNull(table, "table is null");
    this.exposedName = requireNonNull(exposedName, "exposedName is null");
    this.modifiers = requireNonNull(modifiers, "modifiers is null");
  }

  /** The identifier as the client wrote it. */
  public SqlIdentifier name() {
    return name;
  }

  public RelationName relation() {
    return relation;
  }

  public TableSchema table() {
    return table;
  }

  /** The alias, or the bare table name when the client gave none. */
  public String exposedName() {
    return exposedName;
  }

  /** ONLY and TABLESAMPLE as the client wrote them for this reference. */
  public TableModifiers modifiers() {
    return modifiers;
  }

  /** Whether the client gave an alias ({@code FROM t AS x} or {@code FROM t x}). */
  public boolean isAliased() {
    return aliasCall != null;
  }

  /**
   * Puts {@code replacement} where the table name stood. When the client gave an alias the
   * replacement takes the table's place inside the client's {@code AS} (keeping any column
   * alias list); otherwise the caller passes a node that carries the exposed name itself.
   */
  public void replaceWith(SqlNode replacement) {
    replacer.accept(requireNonNull(replacement, "replacement is null"));
  }
}
