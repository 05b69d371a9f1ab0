package io.meshgate.rewriter.tree;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A WITH query that carries PostgreSQL's {@code [NOT] MATERIALIZED} hint, which Calcite's parser
 * does not read. It stays a {@link SqlWithItem}, so analysis scopes its name exactly as any
 * other WITH query's, and it is written back as {@code name [(columns)] AS [NOT] MATERIALIZED
 * (query)}. Its operator rebuilds the hinted item, so a copy of the tree keeps the hint.
 */
public final class MaterializationHintedWithItem extends SqlWithItem {
  private final CteMaterialization materialization;

  private MaterializationHintedWithItem(
      SqlParserPos position,
      SqlIdentifier name,
      SqlNodeList columnList,
      SqlNode query,
      SqlLiteral recursive,
      CteMaterialization materialization) {
    super(position, name, columnList, query, recursive);
    this.materialization = requireNonNull(materialization, "materialization is null");
  }

  /** {@code item} with the hint. */
  public static MaterializationHintedWithItem of(
      SqlWithItem item, CteMaterialization materialization) {
    return new MaterializationHintedWithItem(item.getParserPosition(), item.name,
        item.columnList, item.query, item.recursive, materialization);
  }

  public CteMaterialization materialization() {
    return materialization;
  }

  @Override
  public SqlOperator getOperator() {
    return new HintedOperator(materialization);
  }

  /** Writes the item as Calcite's own WITH item operator does, with the hint after AS. */
  private static final class HintedOperator extends SqlSpecialOperator {
    private final CteMaterialization materialization;

    HintedOperator(CteMaterialization materialization) {
      super("WITH_ITEM", SqlKind.WITH_ITEM, 0);
      this.materialization = materialization;
    }

    @Override
    public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      SqlWithItem item = (SqlWithItem) call;
      item.name.unparse(writer, getLeftPrec(), getRightPrec());
      if (item.columnList != null) {
        item.columnList.unparse(writer, getLeftPrec(), getRightPrec());
      }
      writer.keyword("AS");
      writer.keyword(materialization.keywords());
      // the precedence makes the query parenthesized, as PostgreSQL requires
      item.query.unparse(writer, 200, 200);
    }

    @Override
    public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos position,
        SqlNode... operands) {
      return new MaterializationHintedWithItem(position, (SqlIdentifier) operands[0],
          (SqlNodeList) operands[1], operands[2], (SqlLiteral) operands[3], materialization);
    }
  }
}
