package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.tree.ArraySliceOperator;
import io.meshgate.rewriter.tree.BitStringOperator;
import io.meshgate.rewriter.tree.CollateOperator;
import io.meshgate.rewriter.tree.DistinctOnOperator;
import io.meshgate.rewriter.tree.LikeQuantifierOperator;
import io.meshgate.rewriter.tree.OnlyOperator;
import io.meshgate.rewriter.tree.RowOperator;
import io.meshgate.rewriter.tree.WithOrdinalityOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Function calls the normalizer writes in place of PostgreSQL constructs Calcite's parser does
 * not read, and their replacement by the operators that write the construct back. The names
 * contain {@code $} and are refused when a client writes them, so a marker in the parse tree
 * always comes from the normalizer.
 */
final class MarkerCalls {
  /** {@code marker(expression, 'part', ...)} for {@code expression COLLATE part.part}. */
  static final String COLLATE = "meshgate$collate";

  /** {@code marker(function(...))} for {@code function(...) WITH ORDINALITY}. */
  static final String WITH_ORDINALITY = "meshgate$with_ordinality";

  /** {@code marker(table)} for {@code ONLY table} in FROM. */
  static final String ONLY = "meshgate$only";

  /**
   * {@code SELECT DISTINCT marker(e1, e2), items} for {@code SELECT DISTINCT ON (e1, e2) items}:
   * the first select item, moved into the SELECT's keyword list once parsed.
   */
  static final String DISTINCT_ON = "meshgate$distinct_on";

  /**
   * {@code marker('101')} for the bit string {@code B'101'}, which Calcite would read as the
   * column {@code b} with the alias {@code "101"}.
   */
  static final String BIT_STRING = "meshgate$bit_string";

  /**
   * {@code marker(array, lower, upper, ...)} for the slice chain {@code array[lower:upper]...},
   * a lower and an upper bound per subscript.
   */
  static final String ARRAY_SLICE = "meshgate$array_slice";

  /** {@code marker()} for a bound omitted in a slice ({@code a[:2]}, {@code a[2:]}). */
  static final String OMITTED_BOUND = "meshgate$omitted_bound";

  /** {@code marker(a, b)} for the row constructor {@code ROW(a, b)}. */
  static final String ROW = "meshgate$row";

  /**
   * {@code x LIKE marker(array)} for {@code x LIKE ANY|SOME (array)} (and NOT LIKE, ILIKE, NOT
   * ILIKE): the pattern operand of the LIKE call, nowhere else.
   */
  static final String LIKE_ANY = "meshgate$like_any";

  /** {@code x LIKE marker(array)} for {@code x LIKE ALL (array)}, as {@link #LIKE_ANY}. */
  static final String LIKE_ALL = "meshgate$like_all";

  private MarkerCalls() {}

  static boolean isMarkerName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.equals(COLLATE) || lower.equals(WITH_ORDINALITY) || lower.equals(ONLY)
        || lower.equals(DISTINCT_ON) || lower.equals(BIT_STRING) || lower.equals(ARRAY_SLICE)
        || lower.equals(OMITTED_BOUND) || lower.equals(ROW) || lower.equals(LIKE_ANY)
        || lower.equals(LIKE_ALL);
  }

  /** Replaces, in place, every marker call below {@code node} by its operator. */
  static void restore(SqlNode node) {
    if (node instanceof SqlNodeList list) {
      for (SqlNode element : list) {
        if (element != null) {
          restore(element);
        }
      }
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    if (call instanceof SqlSelect select) {
      moveDistinctOn(select);
    }
    if (call instanceof SqlBasicCall basic && isMarkerCall(basic, ARRAY_SLICE)) {
      restoreArraySlice(basic); // before the recursion, which refuses omitted bounds
    }
    if (call.getKind() == SqlKind.LIKE) {
      quantifyPattern(call);
    }
    for (SqlNode operand : call.getOperandList()) {
      if (operand != null) {
        restore(operand);
      }
    }
    if (call instanceof SqlBasicCall basic
        && basic.getOperator() instanceof SqlUnresolvedFunction function) {
      SqlIdentifier name = function.getSqlIdentifier();
      if (name == null || !name.isSimple()) {
        return;
      }
      String simple = name.getSimple().toLowerCase(Locale.ROOT);
      if (simple.equals(COLLATE)) {
        checkCollate(basic.getOperandList());
        basic.setOperator(CollateOperator.INSTANCE);
      } else if (simple.equals(WITH_ORDINALITY)) {
        checkWithOrdinality(basic.getOperandList());
        basic.setOperator(WithOrdinalityOperator.INSTANCE);
      } else if (simple.equals(ONLY)) {
        checkOnly(basic.getOperandList());
        basic.setOperator(OnlyOperator.INSTANCE);
      } else if (simple.equals(BIT_STRING)) {
        checkBitString(basic.getOperandList());
        basic.setOperator(BitStringOperator.INSTANCE);
      } else if (simple.equals(ROW)) {
        if (basic.getFunctionQuantifier() != null) {
          throw new IllegalStateException("ROW takes no DISTINCT or ALL");
        }
        basic.setOperator(RowOperator.INSTANCE);
      } else if (simple.equals(ARRAY_SLICE) || simple.equals(OMITTED_BOUND)) {
        // a slice is restored before its operands, so one left here was misread
        throw new IllegalStateException("malformed array slice");
      } else if (simple.equals(LIKE_ANY) || simple.equals(LIKE_ALL)) {
        // a quantified pattern is claimed by its LIKE call above; anywhere else it was misread
        throw new IllegalStateException("ANY or ALL (...) here is not the pattern of a LIKE");
      } else if (simple.equals(DISTINCT_ON)) {
        // only the first item of a SELECT DISTINCT is moved; anywhere else it was misread
        throw new IllegalStateException("DISTINCT ON must be followed by the select list");
      }
    }
  }

  /**
   * Moves a DISTINCT ON marker, the first select item, into the keyword list after DISTINCT.
   * It is checked to be exactly what the normalizer wrote: a plain call with at least one
   * expression, in a SELECT DISTINCT with more items after it (PostgreSQL refuses {@code
   * DISTINCT ON ()} and {@code DISTINCT ON (*)}).
   */
  private static void moveDistinctOn(SqlSelect select) {
    SqlNodeList items = select.getSelectList();
    if (items.isEmpty() || !(items.get(0) instanceof SqlBasicCall marker)
        || !isMarkerCall(marker, DISTINCT_ON)) {
      return;
    }
    boolean valid = select.isDistinct() && items.size() > 1 && marker.operandCount() > 0
        && marker.getFunctionQuantifier() == null
        && marker.getOperandList().stream().noneMatch(operand ->
            operand instanceof SqlIdentifier identifier && identifier.isStar());
    if (!valid) {
      throw new IllegalStateException("malformed DISTINCT ON");
    }
    select.setSelectList(
        new SqlNodeList(items.getList().subList(1, items.size()), items.getParserPosition()));
    SqlNodeList keywords = (SqlNodeList) select.getOperandList().get(0);
    List<SqlNode> withOn = new ArrayList<>(keywords.getList());
    withOn.add(DistinctOnOperator.of(marker.getOperandList()));
    select.setOperand(0, new SqlNodeList(withOn, keywords.getParserPosition()));
  }

  /**
   * Turns a quantifier marker standing as the pattern of a LIKE call (ILIKE, NOT LIKE and NOT
   * ILIKE share the kind) into the quantifier it stands for. PostgreSQL's grammar has no ESCAPE
   * clause after a quantified pattern, so one is refused rather than written back.
   */
  private static void quantifyPattern(SqlCall like) {
    if (like.operandCount() < 2 || !(like.operand(1) instanceof SqlBasicCall pattern)) {
      return;
    }
    boolean any = isMarkerCall(pattern, LIKE_ANY);
    if (!any && !isMarkerCall(pattern, LIKE_ALL)) {
      return;
    }
    if (like.operandCount() != 2) {
      throw new IllegalStateException("ESCAPE cannot follow LIKE ANY or ALL (...)");
    }
    if (pattern.operandCount() != 1 || pattern.getFunctionQuantifier() != null) {
      throw new IllegalStateException("LIKE ANY or ALL takes one array expression in parentheses");
    }
    if (pattern.operand(0).isA(SqlKind.QUERY)) {
      // Calcite drops the difference between ANY (SELECT ...), a set of patterns, and ANY
      // ((SELECT ...)), one array-valued row, so neither can be written back as the client meant
      throw new IllegalStateException("LIKE ANY or ALL (SELECT ...) is not supported by Meshgate;"
          + " write LIKE ANY (ARRAY(SELECT ...))");
    }
    pattern.setOperator(any ? LikeQuantifierOperator.ANY : LikeQuantifierOperator.ALL);
  }

  private static boolean isMarkerCall(SqlBasicCall call, String marker) {
    if (!(call.getOperator() instanceof SqlUnresolvedFunction function)) {
      return false;
    }
    SqlIdentifier name = function.getSqlIdentifier();
    return name != null && name.isSimple() && name.getSimple().toLowerCase(Locale.ROOT).equals(marker);
  }

  private static void checkCollate(List<SqlNode> operands) {
    boolean valid = operands.size() >= 2
        && operands.subList(1, operands.size()).stream().allMatch(operand ->
            operand instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.CHAR);
    if (!valid) {
      throw new IllegalStateException("malformed COLLATE marker: " + operands);
    }
  }

  /** {@code ONLY (select ...)} or {@code ONLY f(x)} are not PostgreSQL: only a table name. */
  private static void checkOnly(List<SqlNode> operands) {
    if (operands.size() != 1 || !(operands.get(0) instanceof SqlIdentifier)) {
      throw new IllegalStateException("ONLY must be followed by a table name");
    }
  }

  /**
   * The slice's omitted bounds are marker calls of their own, restored with it; anywhere else
   * they are refused (the array expression and the bounds are restored as usual).
   */
  private static void restoreArraySlice(SqlBasicCall slice) {
    List<SqlNode> operands = slice.getOperandList();
    if (operands.size() < 3 || operands.size() % 2 == 0) {
      throw new IllegalStateException("malformed array slice marker: " + operands);
    }
    for (SqlNode bound : operands.subList(1, operands.size())) {
      if (bound instanceof SqlBasicCall call && isMarkerCall(call, OMITTED_BOUND)) {
        if (call.operandCount() != 0) {
          throw new IllegalStateException("malformed omitted bound: " + call);
        }
        call.setOperator(ArraySliceOperator.OMITTED_BOUND);
      }
    }
    slice.setOperator(ArraySliceOperator.INSTANCE);
  }

  private static void checkBitString(List<SqlNode> operands) {
    if (operands.size() != 1 || !(operands.get(0) instanceof SqlLiteral literal
        && literal.getTypeName() == SqlTypeName.CHAR)) {
      throw new IllegalStateException("malformed bit string marker: " + operands);
    }
  }

  private static void checkWithOrdinality(List<SqlNode> operands) {
    if (operands.size() != 1 || !(operands.get(0) instanceof SqlCall call
        && call.getOperator() instanceof SqlFunction)) {
      throw new IllegalStateException("malformed WITH ORDINALITY marker: " + operands);
    }
  }
}
