package io.meshgate.rewriter.tree;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlKind;

/**
 * A binary PostgreSQL operator of the "any other operator" precedence level that Calcite's
 * parser does not read: json/jsonb access and path deletion, containment and overlap (jsonb,
 * arrays, ranges, geometry, networks), range adjacency and position, full-text match, distance,
 * bitwise {@code |} and {@code #}. The normalizer hands each to Calcite as a carrier operator
 * that Calcite parses, and the parse tree gets one of these in its place (see the parse
 * package's {@code OperatorCarriers}).
 *
 * <p>Nothing in Meshgate computes types, so the operator is opaque: no return type, no operand
 * checks; PostgreSQL resolves it by its operand types, as it resolves {@code ||} (so {@code >>}
 * is a shift for integers and "strictly right of" for ranges). All share PostgreSQL's "any
 * other operator" precedence and are left associative; the unparser parenthesizes every
 * operand, so what PostgreSQL runs is the tree that was analysed.
 *
 * <p>{@code OPERATOR(pg_catalog.op)} around an operator with a precedence of its own ({@code =
 * < > <= >= <> != + - * / % ^}) is one of these too, under that spelling: inside OPERATOR(...)
 * PostgreSQL gives it the "any other operator" level, which the carrier keeps.
 *
 * <p>The {@code ?} family ({@code ? ?| ?& @? ?#}...) is not here: {@code ?} is the parameter
 * marker once {@code $n} is normalized, so those stay refused. Operators with a meaning of
 * their own in Calcite's grammar ({@code << ~ & ^ %}) are read by Calcite directly.
 */
public final class PostgresOperator extends SqlBinaryOperator {
  private static final List<String> SPELLINGS = List.of(
      // json/jsonb: field, field as text, path, path as text; jsonb: delete path
      "->", "->>", "#>", "#>>", "#-",
      // containment (jsonb, arrays, ranges, geometry, tsquery) and overlap (arrays, ranges, geometry)
      "@>", "<@", "&&",
      // ranges and geometry: adjacent, does not extend right/left of, strictly right of (or
      // integer shift right); geometry: strictly below/above, does not extend above/below
      "-|-", "&<", "&>", ">>", "<<|", "|>>", "&<|", "|&>",
      // inet: contained by or equal, contains or equals
      "<<=", ">>=",
      // full-text match (tsvector/tsquery, text), distance (geometry), starts with (text)
      "@@", "<->", "^@",
      // bitwise or, bitwise xor (integers, bit strings)
      "|", "#");

  /**
   * The operators with a precedence of their own in PostgreSQL's grammar; spelled {@code
   * OPERATOR(pg_catalog.=)} (psqlODBC's catalog functions) they take the "any other operator"
   * level instead, so they are carried in that spelling and written back in it.
   */
  private static final List<String> OWN_PRECEDENCE =
      List.of("+", "-", "*", "/", "%", "^", "<", ">", "=", "<=", ">=", "<>", "!=");

  private static final Map<String, PostgresOperator> BY_SPELLING = Stream.concat(SPELLINGS.stream(),
          OWN_PRECEDENCE.stream().map(PostgresOperator::qualifiedSpelling))
      .collect(Collectors.toUnmodifiableMap(Function.identity(), PostgresOperator::new));

  /** Calcite's precedence of {@code ||}; only the unparser looks at it, and it parenthesizes. */
  private static final int PRECEDENCE = 60;

  private PostgresOperator(String name) {
    super(name, SqlKind.OTHER, PRECEDENCE, true, null, null, null);
  }

  /** Whether {@code operator} has a precedence of its own outside {@code OPERATOR(...)}. */
  public static boolean hasOwnPrecedence(String operator) {
    return OWN_PRECEDENCE.contains(operator);
  }

  /** {@code OPERATOR(pg_catalog.op)}, the spelling under which such an operator is carried. */
  public static String qualifiedSpelling(String operator) {
    return "OPERATOR(pg_catalog." + operator + ")";
  }

  /** The operator spelled {@code spelling} in PostgreSQL, if it is one of these. */
  public static Optional<PostgresOperator> spelled(String spelling) {
    return Optional.ofNullable(BY_SPELLING.get(spelling));
  }
}
