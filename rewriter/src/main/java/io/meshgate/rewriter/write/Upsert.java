package io.meshgate.rewriter.write;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.analysis.ColumnReference;
import io.meshgate.rewriter.analysis.StatementAnalysis;
import io.meshgate.rewriter.analysis.TableReference;
import io.meshgate.rewriter.write.WriteClauses.Assignment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;

/**
 * What an {@code INSERT ... ON CONFLICT ... DO UPDATE} writes and reads beyond the INSERT: the
 * columns its SET assigns and the columns of the proposed row ({@code EXCLUDED.col}) its SET
 * values and WHERE read. Reading the proposed row is not a read of the table (it holds the
 * client's own values); reading the existing row ({@code t.col}) is, and sees masks as in an
 * UPDATE.
 *
 * <p>The DO UPDATE part is governed only in the forms read with certainty: no subquery in its
 * SET values or WHERE, every column qualified (PostgreSQL itself finds an unqualified column
 * there ambiguous between the existing and the proposed row), EXCLUDED only as {@code
 * EXCLUDED.col}, and a target not exposed under the name {@code excluded}.
 *
 * @param isUpsert whether the statement is an INSERT with ON CONFLICT DO UPDATE
 * @param setColumns the columns DO UPDATE assigns, in order, without repetition
 * @param excludedColumns the columns of the proposed row DO UPDATE reads
 */
record Upsert(boolean isUpsert, List<String> setColumns, List<String> excludedColumns) {
  private static final Upsert NONE = new Upsert(false, List.of(), List.of());

  Upsert {
    setColumns = List.copyOf(requireNonNull(setColumns, "setColumns is null"));
    excludedColumns = List.copyOf(requireNonNull(excludedColumns, "excludedColumns is null"));
  }

  static Upsert of(
      WriteClauses clauses, SqlSelect select, StatementAnalysis analysis, TableReference target)
      throws SqlRefusal {
    if (clauses.conflict().isEmpty() || !clauses.conflict().get().doUpdate()) {
      return NONE;
    }
    if (target.exposedName().equals(WriteStatementParser.EXCLUDED)) {
      throw notGoverned("ON CONFLICT DO UPDATE into a table exposed as \"excluded\", the name of"
          + " the proposed row (give the table another alias)");
    }
    List<SqlNode> parts = new ArrayList<>();
    int values = (int) clauses.assignments().stream().filter(a -> !a.isDefault()).count();
    parts.addAll(select.getSelectList().getList().subList(0, values));
    if (clauses.hasCondition()) {
      parts.add(select.getWhere());
    }
    Set<SqlIdentifier> identifiers = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<String> excluded = new LinkedHashSet<>();
    for (SqlNode part : parts) {
      collect(part, identifiers, excluded);
    }
    for (ColumnReference reference : analysis.columnReferences()) {
      if (reference.table() == target && identifiers.contains(reference.identifier())
          && reference.identifier().names.size() == 1) {
        throw new SqlRefusal(
            Reason.SYNTAX_ERROR,
            "column reference " + reference.identifier().getSimple() + " in ON CONFLICT DO UPDATE"
                + " is ambiguous: write " + target.exposedName() + "." + reference.identifier()
                .getSimple() + " for the existing row or EXCLUDED."
                + reference.identifier().getSimple() + " for the proposed one");
      }
    }
    return new Upsert(true,
        clauses.assignments().stream().map(Assignment::column).distinct().toList(),
        List.copyOf(excluded));
  }

  private static void collect(SqlNode node, Set<SqlIdentifier> identifiers, Set<String> excluded)
      throws SqlRefusal {
    if (node == null) {
      return;
    }
    if (node instanceof SqlIdentifier identifier) {
      identifiers.add(identifier);
      List<String> names = identifier.names;
      boolean namesExcluded = names.get(0).equals(WriteStatementParser.EXCLUDED);
      if (namesExcluded && names.size() == 2 && !identifier.isStar()) {
        excluded.add(names.get(1));
      } else if (namesExcluded) {
        throw notGoverned("EXCLUDED other than EXCLUDED.column (a whole row, *, a field)");
      } else if (names.get(0).startsWith(WriteStatementParser.RESERVED_PREFIX)) {
        // the names of the derived tables Meshgate writes into the statement
        throw notGoverned("names starting with " + WriteStatementParser.RESERVED_PREFIX
            + ", which are reserved for Meshgate,");
      }
      return;
    }
    if (node instanceof SqlSelect || node.getKind() == SqlKind.VALUES
        || node.getKind() == SqlKind.UNION || node.getKind() == SqlKind.INTERSECT
        || node.getKind() == SqlKind.EXCEPT || node.getKind() == SqlKind.WITH
        || node.getKind() == SqlKind.ORDER_BY) {
      throw notGoverned("a subquery in the SET or WHERE of ON CONFLICT DO UPDATE");
    }
    if (node instanceof SqlNodeList list) {
      for (SqlNode element : list) {
        collect(element, identifiers, excluded);
      }
    } else if (node instanceof SqlCall call) {
      for (SqlNode operand : call.getOperandList()) {
        collect(operand, identifiers, excluded);
      }
    }
  }

  private static SqlRefusal notGoverned(String construct) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "not supported by Meshgate yet: " + construct + "; the statement was not forwarded");
  }
}
