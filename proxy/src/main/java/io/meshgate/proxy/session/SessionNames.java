package io.meshgate.proxy.session;

import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.rewriter.PreparedStatementUse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What each prepared statement name and portal name of one session means at the backend: the
 * statement Meshgate governed under it. A Bind, an Execute or an EXECUTE is checked and audited
 * as the statement its name holds here, so these names must change exactly when the backend's
 * do: on success, never for a message the backend skipped or refused.
 */
final class SessionNames {
  /**
   * invalid_sql_statement_name: what PostgreSQL says for a prepared statement that does not
   * exist, and what drivers (pgjdbc) take as a cue to prepare the statement again.
   */
  static final String PREPARED_STATEMENT_INVALID = "26000";

  private final BackendNameMap<GovernedStatement> statements = new BackendNameMap<>();
  private final BackendNameMap<GovernedStatement> portals = new BackendNameMap<>();

  Optional<GovernedStatement> statement(String name) {
    return Optional.ofNullable(statements.get(name));
  }

  /** A Parse sent to the backend: the name holds {@code governed}; what it held before is returned. */
  Optional<GovernedStatement> parsed(String name, GovernedStatement governed) {
    return Optional.ofNullable(statements.put(name, governed));
  }

  /**
   * A Parse refused before the backend: the backend gets one that fails, and drops the name's
   * statement as it does for any failed Parse; what the name held is returned.
   */
  Optional<GovernedStatement> parseRefused(String name) {
    return Optional.ofNullable(statements.remove(name));
  }

  /** A Parse that did not happen at the backend: its name means what it meant before. */
  void parseUndone(String name, Optional<GovernedStatement> before) {
    before.ifPresentOrElse(statement -> statements.put(name, statement), () -> statements.remove(name));
  }

  void statementClosed(String name) {
    statements.remove(name);
  }

  void bound(String portal, GovernedStatement statement) {
    portals.put(portal, statement);
  }

  /** Whether {@code portal} was created by a Bind through Meshgate (not a DECLAREd cursor). */
  boolean isBound(String portal) {
    return portals.containsKey(portal);
  }

  Optional<GovernedStatement> portal(String name) {
    return Optional.ofNullable(portals.get(name));
  }

  void portalClosed(String name) {
    portals.remove(name);
  }

  /** The transaction ended with nothing after it: every portal is gone at the backend. */
  void portalsEnded() {
    portals.clear();
  }

  /** A PREPARE, DEALLOCATE, DECLARE or CLOSE that succeeded changes what the names mean. */
  void succeeded(GovernedStatement governed) {
    governed.preparedStatementUse().ifPresent(use -> {
      switch (use) {
        case PreparedStatementUse.Prepare prepare -> statements.put(prepare.name(), governed);
        case PreparedStatementUse.Deallocate deallocate -> statements.remove(deallocate.name());
        case PreparedStatementUse.DeallocateAll all -> statements.keySet().removeIf(name -> !name.isEmpty());
        case PreparedStatementUse.Execute execute -> {
          // runs what is there; changes nothing
        }
        // The portal of that name is a cursor now, or gone: it is no longer one Meshgate bound,
        // so a protocol Execute of it is refused rather than audited as the statement once bound.
        case PreparedStatementUse.DeclareCursor declare -> portals.remove(declare.name());
        case PreparedStatementUse.CloseCursor close -> portals.remove(close.name());
        case PreparedStatementUse.CloseAllCursors all -> portals.clear();
      }
    });
  }

  /** {@link #checkExecute} of a statement parsed alone, against the names as they are. */
  GovernedStatement checkExecute(GovernedStatement governed) {
    return checkExecute(governed, statements::get);
  }

  /**
   * {@link #checkExecute} for each statement of one Query, in order. A PREPARE or DEALLOCATE
   * earlier in the same Query counts for the statements after it, as it does when PostgreSQL
   * runs them: the Query is forwarded whole, and the backend stops at its first error, so an
   * EXECUTE never runs after a PREPARE that failed. The names themselves change only when the
   * backend says each statement succeeded ({@link #succeeded}).
   */
  List<GovernedStatement> checkExecutes(List<GovernedStatement> governedStatements) {
    Map<String, GovernedStatement> preparedEarlierInQuery = new HashMap<>();
    Set<String> deallocatedEarlierInQuery = new HashSet<>();
    List<GovernedStatement> checked = new ArrayList<>(governedStatements.size());
    for (GovernedStatement governed : governedStatements) {
      checked.add(checkExecute(governed, name -> preparedEarlierInQuery.containsKey(name)
          ? preparedEarlierInQuery.get(name)
          : deallocatedEarlierInQuery.contains(name) ? null : statements.get(name)));
      if (governed.isForwarded() && governed.preparedStatementUse().isPresent()) {
        switch (governed.preparedStatementUse().get()) {
          case PreparedStatementUse.Prepare prepare -> {
            preparedEarlierInQuery.put(prepare.name(), governed);
            deallocatedEarlierInQuery.remove(prepare.name());
          }
          case PreparedStatementUse.Deallocate deallocate -> {
            preparedEarlierInQuery.remove(deallocate.name());
            deallocatedEarlierInQuery.add(deallocate.name());
          }
          case PreparedStatementUse.DeallocateAll all -> {
            preparedEarlierInQuery.clear();
            deallocatedEarlierInQuery.addAll(statements.keySet());
          }
          case PreparedStatementUse.Execute execute -> {
            // runs what is there; changes nothing
          }
          case PreparedStatementUse.DeclareCursor declare -> {
            // portals, not prepared statements
          }
          case PreparedStatementUse.CloseCursor close -> {
            // portals, not prepared statements
          }
          case PreparedStatementUse.CloseAllCursors all -> {
            // portals, not prepared statements
          }
        }
      }
    }
    return checked;
  }

  /**
   * EXECUTE runs what was prepared earlier, under the decision of that time: it is refused
   * when the policy revision has changed since (prepare again), and audited with the prepared
   * statement's relations and decision. Any other statement is returned as it is.
   */
  private static GovernedStatement checkExecute(
      GovernedStatement governed, Function<String, GovernedStatement> preparedNamed) {
    if (!(governed.preparedStatementUse().orElse(null) instanceof PreparedStatementUse.Execute execute)
        || !governed.isForwarded()) {
      return governed;
    }
    GovernedStatement prepared = preparedNamed.apply(execute.name());
    if (prepared == null) {
      return governed.refusedWith(missing(execute.name()), GovernedStatement.Outcome.FAILED);
    }
    if (!prepared.policyRevision().equals(governed.policyRevision())) {
      return governed.refusedWith(stale(execute.name()), GovernedStatement.Outcome.FAILED);
    }
    return new GovernedStatement(governed.originalSql(), governed.forwardedSql(), Optional.empty(),
        prepared.outcome(), prepared.kind(), prepared.ddlAction(), prepared.relations(), prepared.decision(),
        prepared.policyRevision(), governed.timings(), prepared.rowFilterChecks(), governed.preparedStatementUse());
  }

  static ErrorFields missing(String name) {
    return ErrorFields.error(PREPARED_STATEMENT_INVALID, "prepared statement \"" + name + "\" does not exist");
  }

  static ErrorFields stale(String name) {
    return ErrorFields.error(PREPARED_STATEMENT_INVALID, "prepared statement \"" + name
            + "\" was governed under a policy that has changed since; Meshgate does not run it under the new policy")
        .withHint("Prepare it again (DEALLOCATE it first if it was prepared with PREPARE).");
  }
}
