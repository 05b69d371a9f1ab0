package io.meshgate.rewriter.tree;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlKind;

/**
 * PostgreSQL's json/jsonb access operators ({@code -> ->> #> #>>}) and its containment
 * operators ({@code @> <@}, for jsonb, arrays and ranges), which Calcite's parser does not
 * read. The normalizer hands each to Calcite as a carrier operator that Calcite parses, and the
 * parse tree gets one of these in its place (see the parse package's {@code OperatorCarriers}).
 *
 * <p>Nothing in Meshgate computes types, so the operator is opaque: no return type, no operand
 * checks; PostgreSQL resolves it by its operand types, as it resolves {@code ||}. All share
 * PostgreSQL's "any other operator" precedence and are left associative; the unparser
 * parenthesizes every operand, so what PostgreSQL runs is the tree that was analysed.
 */
public final class JsonAndContainmentOperator extends SqlBinaryOperator {
  public static final JsonAndContainmentOperator FIELD = new JsonAndContainmentOperator("->");
  public static final JsonAndContainmentOperator FIELD_AS_TEXT =
      new JsonAndContainmentOperator("->>");
  public static final JsonAndContainmentOperator PATH = new JsonAndContainmentOperator("#>");
  public static final JsonAndContainmentOperator PATH_AS_TEXT =
      new JsonAndContainmentOperator("#>>");
  public static final JsonAndContainmentOperator CONTAINS = new JsonAndContainmentOperator("@>");
  public static final JsonAndContainmentOperator CONTAINED_BY =
      new JsonAndContainmentOperator("<@");

  private static final List<JsonAndContainmentOperator> ALL =
      List.of(FIELD, FIELD_AS_TEXT, PATH, PATH_AS_TEXT, CONTAINS, CONTAINED_BY);

  /** Calcite's precedence of {@code ||}; only the unparser looks at it, and it parenthesizes. */
  private static final int PRECEDENCE = 60;

  private JsonAndContainmentOperator(String name) {
    super(name, SqlKind.OTHER, PRECEDENCE, true, null, null, null);
  }

  /** The operator spelled {@code spelling} in PostgreSQL, if it is one of these. */
  public static Optional<JsonAndContainmentOperator> spelled(String spelling) {
    return ALL.stream().filter(operator -> operator.getName().equals(spelling)).findFirst();
  }
}
