package io.meshgate.rewriter.unparse;

import io.meshgate.rewriter.tree.FetchWithTiesOperator;
import io.meshgate.rewriter.tree.RowOperator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's PostgreSQL dialect with the fixes needed for its output to be valid PostgreSQL
 * that means what was parsed: plain string literals (never {@code _UTF16'...'} or {@code
 * U&'...'}), {@code LIMIT}/{@code OFFSET}, table functions without {@code TABLE(...)},
 * {@code double precision}, subscripts of parenthesized expressions, {@code (a, b) OVERLAPS
 * (c, d)}, {@code CURRENT_TIMESTAMP(0)} and its kin, and function names
 * written so PostgreSQL finds the same function ({@code greatest(...)}, not {@code
 * "greatest"(...)}).
 */
public final class PostgresDialect extends PostgresqlSqlDialect {
  public static final PostgresDialect INSTANCE = new PostgresDialect();

  private static final Pattern PLAIN_NAME = Pattern.compile("[a-z_][a-z0-9_$]*");

  /** PostgreSQL's fully reserved keywords: a function of that name must be quoted. */
  private static final Set<String> RESERVED_KEYWORDS =
      Set.of(
          "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
          "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
          "current_date", "current_role", "current_time", "current_timestamp", "current_user",
          "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
          "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
          "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp",
          "not", "null", "offset", "on", "only", "or", "order", "placing", "primary",
          "references", "returning", "select", "session_user", "some", "symmetric",
          "system_user", "table", "then", "to", "trailing", "true", "union", "unique", "user",
          "using", "variadic", "when", "where", "window", "with");

  /**
   * The date/time functions PostgreSQL calls without parentheses, or with a precision in them
   * ({@code CURRENT_TIMESTAMP(0)}): special syntax of its grammar, not functions it can look
   * up, so the precision form must be written with the bare keyword, never quoted.
   */
  private static final Set<String> PRECISION_KEYWORDS =
      Set.of("current_time", "current_timestamp", "localtime", "localtimestamp");

  private PostgresDialect() {
    super(PostgresqlSqlDialect.DEFAULT_CONTEXT);
  }

  /**
   * Always a standard-conforming {@code '...'} literal: with standard_conforming_strings on
   * (which Meshgate enforces) only the quote needs doubling, and any other character,
   * newlines and emoji included, stands for itself.
   */
  @Override
  public void quoteStringLiteral(StringBuilder buffer, String charsetName, String value) {
    buffer.append('\'').append(value.replace("'", "''")).append('\'');
  }

  @Override
  public void unparseOffsetFetch(SqlWriter writer, SqlNode offset, SqlNode fetch) {
    if (fetch instanceof SqlCall withTies && withTies.getOperator() == FetchWithTiesOperator.INSTANCE) {
      // LIMIT has no WITH TIES: the standard spelling, which PostgreSQL reads after OFFSET
      if (offset != null) {
        writer.newlineAndIndent();
        SqlWriter.Frame offsetFrame = writer.startList(SqlWriter.FrameTypeEnum.OFFSET);
        writer.keyword("OFFSET");
        offset.unparse(writer, -1, -1);
        writer.endList(offsetFrame);
      }
      writer.newlineAndIndent();
      SqlWriter.Frame fetchFrame = writer.startList(SqlWriter.FrameTypeEnum.FETCH);
      // the operator itself: as a call the writer would put the clause in parentheses
      withTies.getOperator().unparse(writer, withTies, 0, 0);
      writer.endList(fetchFrame);
      return;
    }
    unparseFetchUsingLimit(writer, offset, fetch);
  }

  @Override
  public void unparseCall(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
    if (call.getKind() == SqlKind.COLLECTION_TABLE) {
      // PostgreSQL calls a set-returning function in FROM without Calcite's TABLE(...) wrapper,
      // and without parentheses around the call (f(x) WITH ORDINALITY must stay bare)
      call.operand(0).unparse(writer, 0, 0);
      return;
    }
    if (call.getKind() == SqlKind.DOT && call.operandCount() == 2) {
      // PostgreSQL selects a field only from a name or a parenthesized expression:
      // (information_schema._pg_expandarray(x)).n, as pgjdbc writes it
      SqlWriter.Frame operand = writer.startList("(", ")");
      call.operand(0).unparse(writer, 0, 0);
      writer.endList(operand);
      writer.setNeedWhitespace(false);
      writer.print(".");
      writer.setNeedWhitespace(false);
      call.operand(1).unparse(writer, 0, 0);
      return;
    }
    if (call.getKind() == SqlKind.ORDER_BY && needsSubqueryParentheses(writer)) {
      // Calcite parenthesizes a plain SELECT used as an expression but not one with ORDER BY,
      // LIMIT or OFFSET inside CASE or a function's arguments: psql's
      // CASE WHEN c THEN (SELECT ... LIMIT 1) END lost its parentheses.
      SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.SUB_QUERY, "(", ")");
      super.unparseCall(writer, call, 0, 0);
      writer.endList(frame);
      return;
    }
    if (isSubscript(call)) {
      unparseSubscript(writer, call);
      return;
    }
    if (call.getKind() == SqlKind.CAST && call.operandCount() == 2) {
      unparseCast(writer, call);
      return;
    }
    if (call.getKind() == SqlKind.OVERLAPS && call.operandCount() == 2) {
      unparseOverlaps(writer, call);
      return;
    }
    if (call.getOperator() instanceof SqlUnresolvedFunction function
        && function.getSqlIdentifier() != null) {
      unparseFunction(writer, call, function.getSqlIdentifier());
      return;
    }
    super.unparseCall(writer, call, leftPrec, rightPrec);
  }

  /**
   * Whether a query written now stands as an expression that nothing has parenthesized yet:
   * not at the top or in a query clause, and not inside the plain parentheses Calcite puts
   * around an expression (a SIMPLE frame).
   */
  private static boolean isSubscript(SqlNode node) {
    return node instanceof SqlCall call && call.getKind() == SqlKind.ITEM && call.operandCount() == 2;
  }

  /**
   * {@code (array)[i][j]}: PostgreSQL subscripts only names and parenthesized expressions
   * ({@code f(x)[1]} is an error), and a chain stays one chain, because {@code (a[1])[2]} of a
   * two-dimensional array is NULL where {@code a[1][2]} is an element.
   */
  private static void unparseSubscript(SqlWriter writer, SqlCall call) {
    if (isSubscript(call.operand(0))) {
      unparseSubscript(writer, call.operand(0));
    } else {
      SqlWriter.Frame operand = writer.startList("(", ")");
      call.operand(0).unparse(writer, 0, 0);
      writer.endList(operand);
    }
    writer.setNeedWhitespace(false);
    SqlWriter.Frame subscript = writer.startList("[", "]");
    call.operand(1).unparse(writer, 0, 0);
    writer.endList(subscript);
  }

  private static boolean needsSubqueryParentheses(SqlWriter writer) {
    if (writer.inQuery()) {
      return false;
    }
    return !(writer instanceof PostgresSqlWriter postgresWriter)
        || postgresWriter.currentFrameType() != SqlWriter.FrameTypeEnum.SIMPLE;
  }

  private void unparseCast(SqlWriter writer, SqlCall call) {
    SqlWriter.Frame frame = writer.startFunCall("CAST");
    call.operand(0).unparse(writer, 0, 0);
    writer.sep("AS");
    unparseType(writer, call.operand(1));
    writer.endFunCall(frame);
  }

  /** A type as PostgreSQL spells it, after {@code AS} in a cast or in a column definition list. */
  public static void unparseType(SqlWriter writer, SqlNode type) {
    if (type instanceof SqlDataTypeSpec spec
        && spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic
        && SqlTypeName.get(basic.getTypeName().getSimple()) == SqlTypeName.DOUBLE) {
      PostgresTypeNameSpec.of("double precision").unparse(writer, 0, 0);
    } else {
      type.unparse(writer, 0, 0);
    }
  }

  /**
   * PostgreSQL's {@code (start, end) OVERLAPS (start, end)}; Calcite writes each pair as its
   * own {@code PERIOD (start, end)}, which PostgreSQL does not read. A pair is a row to Calcite;
   * anything else is written as it is and left to PostgreSQL to reject, as it rejects the
   * client's text.
   */
  private static void unparseOverlaps(SqlWriter writer, SqlCall call) {
    // the writer parenthesizes a SIMPLE frame itself (every operand is parenthesized)
    SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.SIMPLE);
    unparsePeriod(writer, call.operand(0));
    writer.sep("OVERLAPS");
    unparsePeriod(writer, call.operand(1));
    writer.endList(frame);
  }

  private static void unparsePeriod(SqlWriter writer, SqlNode period) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    // (a, b) reaches here as Calcite's ROW, ROW(a, b) as the normalizer's RowOperator
    if (period instanceof SqlCall row
        && (row.getKind() == SqlKind.ROW || row.getOperator() == RowOperator.INSTANCE)) {
      for (SqlNode bound : row.getOperandList()) {
        writer.sep(",");
        bound.unparse(writer, 0, 0);
      }
    } else {
      period.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }

  private void unparseFunction(SqlWriter writer, SqlCall call, SqlIdentifier name) {
    List<String> parts = name.names;
    if (parts.size() == 1 && PRECISION_KEYWORDS.contains(parts.getFirst())
        && call.operandCount() == 1 && call.getFunctionQuantifier() == null) {
      // CURRENT_TIMESTAMP(0): the keyword, since "current_timestamp"(0) is no function
      writer.keyword(parts.getFirst().toUpperCase(Locale.ROOT));
      writer.setNeedWhitespace(false);
      SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.FUN_CALL, "(", ")");
      call.operand(0).unparse(writer, 0, 0);
      writer.endList(frame);
      return;
    }
    StringBuilder rendered = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        rendered.append('.');
      }
      rendered.append(functionNamePart(parts.get(i)));
    }
    writer.print(rendered.toString());
    writer.setNeedWhitespace(false);
    SqlWriter.Frame frame = writer.startList(SqlWriter.FrameTypeEnum.FUN_CALL, "(", ")");
    SqlLiteral quantifier = call.getFunctionQuantifier();
    if (quantifier != null) {
      quantifier.unparse(writer, 0, 0);
    }
    for (SqlNode operand : call.getOperandList()) {
      writer.sep(",");
      operand.unparse(writer, 0, 0);
    }
    writer.endList(frame);
  }

  /**
   * Functions PostgreSQL has under these names and Calcite reads unquoted as its own syntax. Only
   * a quoted name in the client's text ({@code "substring"(x, 7)}, DBeaver) is a plain call here;
   * written back unquoted it would come back as Calcite's SUBSTRING when the forwarded text is
   * read again, so it stays quoted, which PostgreSQL resolves as the client's text did.
   */
  private static final Set<String> CALCITE_SYNTAX_FUNCTIONS = Set.of("substring", "position", "overlay");

  /**
   * Unquoted when PostgreSQL would read the unquoted name as the same function (lower case,
   * not reserved): quoting would turn keyword-like functions such as {@code greatest} into
   * lookups of a function that does not exist.
   */
  private String functionNamePart(String part) {
    if (PLAIN_NAME.matcher(part).matches() && !RESERVED_KEYWORDS.contains(part)
        && !CALCITE_SYNTAX_FUNCTIONS.contains(part)) {
      return part;
    }
    return quoteIdentifier(part);
  }
}
