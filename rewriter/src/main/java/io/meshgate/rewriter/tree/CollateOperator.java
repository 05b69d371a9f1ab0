package io.meshgate.rewriter.tree;

import io.meshgate.rewriter.lexer.PgIdentifiers;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;

/**
 * PostgreSQL's {@code expression COLLATE collation}, which Calcite's parser does not read. The
 * normalizer hands it to Calcite as a call whose first operand is the expression and whose
 * other operands are the parts of the collation name as string literals (so analysis sees
 * literals, never column names); it is written back as {@code (expression COLLATE
 * "schema"."name")}, every part quoted. Keeping the clause matters: psql adds {@code COLLATE
 * pg_catalog.default} because {@code name} columns compare in the "C" collation, and regular
 * expressions behave differently there.
 */
public final class CollateOperator extends SqlSpecialOperator {
  public static final CollateOperator INSTANCE = new CollateOperator();

  /** Above every other operator: the unparsed clause brings its own parentheses. */
  private static final int PRECEDENCE = 200;

  private CollateOperator() {
    super("COLLATE", SqlKind.OTHER_FUNCTION, PRECEDENCE);
  }

  /** The collation name's parts, as PostgreSQL stores them. */
  public static List<String> collationName(SqlCall call) {
    List<String> parts = new ArrayList<>();
    for (SqlNode operand : call.getOperandList().subList(1, call.operandCount())) {
      parts.add(((SqlLiteral) operand).getValueAs(String.class));
    }
    return List.copyOf(parts);
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    call.operand(0).unparse(writer, 0, 0);
    writer.keyword("COLLATE");
    List<String> quoted = collationName(call).stream().map(PgIdentifiers::quote).toList();
    writer.print(String.join(".", quoted));
    writer.setNeedWhitespace(true);
    writer.endList(frame);
  }
}
