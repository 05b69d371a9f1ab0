package io.meshgate.rewriter.tree;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;

/**
 * The right-hand side of PostgreSQL's quantified pattern match, {@code x [NOT] LIKE|ILIKE
 * ANY|SOME|ALL (array)}, which Calcite 1.42's parser does not read (it takes {@code ALL (...)}
 * and {@code SOME (...)} for calls of functions of those names, and fails on {@code ANY}). It
 * stands as the pattern operand of the LIKE call, with the array expression as
 * its one operand (never a subquery: Calcite reads {@code ANY (SELECT ...)} and {@code ANY
 * ((SELECT ...))} alike, which PostgreSQL does not, so {@code MarkerCalls} refuses a query
 * here), and is written back as {@code ANY (array)} or {@code ALL (array)}, so the
 * LIKE call writes {@code x LIKE ANY (array)}. {@code SOME} means {@code ANY} in PostgreSQL.
 */
public final class LikeQuantifierOperator extends SqlSpecialOperator {
  public static final LikeQuantifierOperator ANY = new LikeQuantifierOperator("ANY");
  public static final LikeQuantifierOperator ALL = new LikeQuantifierOperator("ALL");

  /** Above every other operator: the LIKE call never parenthesizes its quantified pattern. */
  private static final int PRECEDENCE = 200;

  private LikeQuantifierOperator(String quantifier) {
    super(quantifier, SqlKind.OTHER_FUNCTION, PRECEDENCE);
  }

  @Override
  public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    writer.keyword(getName());
    SqlWriter.Frame frame = writer.startList("(", ")");
    call.operand(0).unparse(writer, 0, 0);
    writer.endList(frame);
  }
}
