package io.meshgate.rewriter.tree;

import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlKind;

/**
 * PostgreSQL's {@code timestamp AT TIME ZONE zone}, which Calcite's parser does not read. It
 * reaches Calcite as the same carrier as the operators {@link PostgresOperator} lists (the parse
 * package's {@code OperatorCarriers}), and this takes the carrier's place in the tree. It is a
 * binary operator over two expressions, so governance sees its operands as it sees any
 * expression's: a masked column is converted masked, a denied one is refused.
 *
 * <p>Unlike those operators it has a precedence level of its own in PostgreSQL: tighter than
 * {@code ^ * / % + -} and every other operator, looser than {@code ::}, {@code []}, unary minus
 * and {@code COLLATE}, left associative ({@code x AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Tokyo'}
 * converts twice). The parse package's {@code PrecedenceRepair} gives it that level; the
 * unparser parenthesizes every operand, so what PostgreSQL runs is the tree that was analysed.
 */
public final class AtTimeZoneOperator extends SqlBinaryOperator {
  /** How PostgreSQL spells the operator, and how it is written back. */
  public static final String SPELLING = "AT TIME ZONE";

  public static final AtTimeZoneOperator INSTANCE = new AtTimeZoneOperator();

  /** Calcite's precedence of the carrier; only the unparser looks at it, and it parenthesizes. */
  private static final int PRECEDENCE = 60;

  private AtTimeZoneOperator() {
    super(SPELLING, SqlKind.OTHER, PRECEDENCE, true, null, null, null);
  }
}
