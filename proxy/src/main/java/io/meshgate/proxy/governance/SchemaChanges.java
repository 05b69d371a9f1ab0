package io.meshgate.proxy.governance;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Access;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.StatementKind;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One session's DDL as it completes, so the schema metadata never serves a changed table's old
 * shape. A target is forgotten when the backend's CommandComplete arrives, and again when the
 * transaction ends (ReadyForQuery outside a transaction): the metadata is read over another
 * connection, which sees the change only once it is committed, and may have read the old shape
 * in between. Used on the session's event loop only.
 */
public final class SchemaChanges {
  private final StatementGovernor governor;
  private final Set<RelationName> inOpenTransaction = new LinkedHashSet<>();

  public SchemaChanges(StatementGovernor governor) {
    this.governor = requireNonNull(governor, "governor is null");
  }

  /** The backend completed {@code statement} (CommandComplete). */
  public void completed(GovernedStatement statement) {
    if (!StatementKind.DDL.wireName().equals(statement.kind())) {
      return;
    }
    for (RelationAccess target : statement.relations()) {
      if (target.access() == Access.DDL) {
        governor.schemaChanged(target.relation());
        inOpenTransaction.add(target.relation());
      }
    }
  }

  /** ReadyForQuery: {@code idle} when no transaction is open any more (committed or rolled back). */
  public void readyForQuery(boolean idle) {
    if (idle && !inOpenTransaction.isEmpty()) {
      inOpenTransaction.forEach(governor::schemaChanged);
      inOpenTransaction.clear();
    }
  }
}
