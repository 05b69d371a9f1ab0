package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.tree.TypedColumnName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Puts back the types the normalizer took out of column definition lists ({@code f(...) AS
 * r(a int, b text)} becomes {@code ... AS r(a, b)} for Calcite). The normalizer remembers each
 * list's types, spelled as after {@code CAST(... AS}, by the offset of its first column name;
 * the alias list of a FROM item that starts there gets {@link TypedColumnName}s, each type read
 * by Calcite as a cast's type. A list no FROM item claims, or whose length differs, is an error,
 * so the statement is refused rather than forwarded without the client's types.
 */
final class ColumnDefinitionLists {
  private final String text;
  private final Map<Integer, List<String>> unclaimed;

  private ColumnDefinitionLists(NormalizedText normalized) {
    this.text = normalized.text();
    this.unclaimed = new HashMap<>(normalized.columnDefinitionTypes());
  }

  /** Replaces, in place, the column names of every typed alias list below {@code root}. */
  static void restore(SqlNode root, NormalizedText normalized) {
    if (normalized.columnDefinitionTypes().isEmpty()) {
      return;
    }
    ColumnDefinitionLists lists = new ColumnDefinitionLists(normalized);
    ParseTrees.eachCallBottomUp(root, lists::claim);
    if (!lists.unclaimed.isEmpty()) {
      throw new IllegalStateException("a column definition list stands only after a function in FROM");
    }
  }

  private void claim(SqlCall call) {
    if (call.getKind() != SqlKind.AS || call.operandCount() < 3
        || !(call.operand(2) instanceof SqlIdentifier first)) {
      return;
    }
    List<String> types = unclaimed.remove(offset(first.getParserPosition()));
    if (types == null) {
      return;
    }
    if (types.size() != call.operandCount() - 2 || !isFunctionCall(call.operand(0))) {
      throw new IllegalStateException("a column definition list stands only after a function in FROM");
    }
    for (int i = 0; i < types.size(); i++) {
      SqlIdentifier name = (SqlIdentifier) call.operand(i + 2);
      call.setOperand(i + 2, new TypedColumnName(name.getSimple(), name.getParserPosition(), type(types.get(i))));
    }
  }

  /** A function in FROM: a call, or Calcite's TABLE(call) wrapper the normalizer may have written. */
  private static boolean isFunctionCall(SqlNode item) {
    return item instanceof SqlCall call
        && (call.getKind() == SqlKind.COLLECTION_TABLE || call.getOperator().getSyntax() == SqlSyntax.FUNCTION);
  }

  private static SqlDataTypeSpec type(String spelling) {
    try {
      SqlNode cast = SqlParser.create("CAST(NULL AS " + spelling + ")", SqlParsing.CONFIG).parseExpression();
      return (SqlDataTypeSpec) ((SqlCall) cast).operand(1);
    } catch (SqlParseException | ClassCastException e) {
      throw new IllegalStateException("cannot read the type " + spelling, e);
    }
  }

  private int offset(SqlParserPos position) {
    if (position.getLineNum() <= 0) {
      return -1;
    }
    return SourcePositions.offsetOf(text, position.getLineNum(), position.getColumnNum());
  }
}
