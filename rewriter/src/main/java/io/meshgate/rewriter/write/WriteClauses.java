package io.meshgate.rewriter.write;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.lexer.StatementText;
import java.util.List;
import java.util.Optional;

/**
 * The clauses of one INSERT, UPDATE or DELETE as {@link WriteStatementParser} read them, and
 * the query built from them for analysis:
 *
 * <pre>
 * SELECT &lt;assigned values&gt;, &lt;RETURNING items&gt; FROM &lt;target&gt; [AS alias], &lt;source or FROM/USING items&gt; WHERE &lt;condition&gt;
 * </pre>
 *
 * An upsert ({@code ON CONFLICT DO UPDATE}) adds {@code (SELECT 1) AS excluded} after its
 * source, so {@code EXCLUDED.col} resolves to no governed table.
 *
 * Its FROM clause starts with the target, so the target's columns resolve in the assigned
 * values, the condition and RETURNING exactly as in the write; the other FROM items are the
 * write's own (UPDATE's FROM, DELETE's USING) or the INSERT's source as a derived table.
 *
 * @param kind INSERT, UPDATE or DELETE
 * @param analysisQuery the query above, tokens of the client's statement spliced in
 * @param only whether the target was written {@code ONLY name}
 * @param insertColumns INSERT's column list as written (folded); empty when there is none
 * @param insertSource what an INSERT inserts
 * @param assignments UPDATE's or ON CONFLICT DO UPDATE's assignments, in order; their values
 *     are the first select items
 * @param hasOtherFromItems whether UPDATE ... FROM or DELETE ... USING has items
 * @param hasCondition whether there is a WHERE clause (of ON CONFLICT DO UPDATE for an INSERT)
 * @param hasReturning whether there is a RETURNING clause; its items are the last select items
 * @param conflict INSERT's ON CONFLICT clause, if any
 */
record WriteClauses(
    StatementKind kind,
    StatementText analysisQuery,
    boolean only,
    List<String> insertColumns,
    InsertSource insertSource,
    List<Assignment> assignments,
    boolean hasOtherFromItems,
    boolean hasCondition,
    boolean hasReturning,
    Optional<Conflict> conflict) {

  WriteClauses {
    requireNonNull(kind, "kind is null");
    requireNonNull(analysisQuery, "analysisQuery is null");
    insertColumns = List.copyOf(requireNonNull(insertColumns, "insertColumns is null"));
    requireNonNull(insertSource, "insertSource is null");
    assignments = List.copyOf(requireNonNull(assignments, "assignments is null"));
    requireNonNull(conflict, "conflict is null");
  }

  /** What an INSERT inserts; {@code NONE} for UPDATE and DELETE. */
  enum InsertSource {
    NONE,
    /** {@code DEFAULT VALUES}: no source item in the analysis query. */
    DEFAULT_VALUES,
    /** {@code VALUES (...)}, rows of which may hold {@code DEFAULT}. */
    VALUES,
    /** Any other query. */
    QUERY
  }

  /** {@code column = value} or {@code column = DEFAULT}. */
  record Assignment(String column, boolean isDefault) {
    Assignment {
      requireNonNull(column, "column is null");
    }
  }

  /**
   * {@code ON CONFLICT [(columns) | ON CONSTRAINT name] DO NOTHING | DO UPDATE}. For DO UPDATE
   * the SET assignments are the clauses' {@code assignments} and its WHERE their condition.
   */
  record Conflict(List<String> columns, Optional<String> constraint, boolean doUpdate) {
    Conflict {
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      requireNonNull(constraint, "constraint is null");
    }
  }
}
