package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.tree.FetchWithTiesOperator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Puts back the {@code WITH TIES} the normalizer took out of {@code FETCH FIRST n ROWS WITH
 * TIES} (Calcite reads it as {@code ... ROWS ONLY}). The normalizer remembers the offset of each
 * such count in the normalized text; the query whose fetch starts there gets a {@link
 * FetchWithTiesOperator} call around its count, at any nesting level. A count no query claims
 * is an error, so the statement is refused rather than forwarded as {@code ONLY}.
 */
final class FetchesWithTies {
  private final String text;
  private final Set<Integer> unclaimed;

  private FetchesWithTies(NormalizedText normalized) {
    this.text = normalized.text();
    this.unclaimed = new HashSet<>(normalized.fetchesWithTies());
  }

  /** Returns {@code root} with every fetch WITH TIES marked, in place where it can be. */
  static SqlNode restore(SqlNode root, NormalizedText normalized) {
    if (normalized.fetchesWithTies().isEmpty()) {
      return root;
    }
    FetchesWithTies fetches = new FetchesWithTies(normalized);
    SqlNode marked = fetches.mark(root);
    if (!fetches.unclaimed.isEmpty()) {
      throw new IllegalStateException("cannot tell which query FETCH ... WITH TIES belongs to");
    }
    return marked;
  }

  private SqlNode mark(SqlNode node) {
    if (node instanceof SqlNodeList list) {
      for (int i = 0; i < list.size(); i++) {
        SqlNode element = list.get(i);
        if (element != null) {
          list.set(i, mark(element));
        }
      }
      return list;
    }
    if (!(node instanceof SqlCall call)) {
      return node;
    }
    if (call instanceof SqlOrderBy orderBy) {
      // SqlOrderBy's parts are final: a new one carries the marked query or fetch
      SqlNode query = mark(orderBy.query);
      mark(orderBy.orderList);
      SqlNode fetch = withTies(orderBy.fetch);
      return query == orderBy.query && fetch == orderBy.fetch
          ? orderBy
          : new SqlOrderBy(orderBy.getParserPosition(), query, orderBy.orderList, orderBy.offset, fetch);
    }
    List<SqlNode> operands = call.getOperandList();
    for (int i = 0; i < operands.size(); i++) {
      SqlNode operand = operands.get(i);
      if (operand == null) {
        continue;
      }
      SqlNode marked = mark(operand);
      if (marked != operand) {
        call.setOperand(i, marked);
      }
    }
    if (call instanceof SqlSelect select && select.getFetch() != null) {
      select.setFetch(withTies(select.getFetch()));
    }
    return call;
  }

  private SqlNode withTies(SqlNode fetch) {
    if (fetch == null) {
      return null;
    }
    SqlParserPos position = fetch.getParserPosition();
    if (position.getLineNum() <= 0
        || !unclaimed.remove(SourcePositions.offsetOf(text, position.getLineNum(), position.getColumnNum()))) {
      return fetch;
    }
    return FetchWithTiesOperator.INSTANCE.createCall(position, fetch);
  }
}
