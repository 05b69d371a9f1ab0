package io.meshgate.rewriter.apply;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.mask.PostgresTypes;
import io.meshgate.rewriter.tree.AtTimeZoneOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.SqlUserDefinedTypeNameSpec;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Refuses a policy expression whose value PostgreSQL would compute differently from one client
 * session to the next. The backend evaluates a filter or mask in the client's session, whose
 * TimeZone, DateStyle, IntervalStyle, extra_float_digits, lc_monetary, lc_time, bytea_output,
 * default_text_search_config and search_path the client sets; a filter that follows them
 * admits other rows for a client that changes them, and a mask reveals what it hides (a day
 * truncated at a time zone chosen to the second tells the hidden hour).
 *
 * <p>It reads the type of every subexpression from the table's column types, far enough to see
 * the conversions PostgreSQL makes (explicitly by casts, implicitly by comparisons, operators
 * and function resolution) and the functions that read a setting. Whatever it cannot read with
 * confidence while a time, float, money or unknown type is involved is refused too: policy
 * expressions only call the built-in allowlist, so every function that takes or returns a time
 * type is known here, and anything else gets the strict reading.
 *
 * <p>This class walks the expression and reads each node's {@link ValueType}; it asks {@link
 * TypeNames} for the types columns and casts name, {@link SettingFunctions} which functions read
 * which settings, {@link Conversions} whether a conversion between types reads one, {@link
 * Arithmetic} for the operators, {@link TimeFunctions} for the date and time functions, and
 * {@link LiteralSpellings} and {@link FormatTemplates} which literals and templates every session
 * reads alike. {@link SessionRefusals} words the refusals.
 */
final class SessionIndependence implements TimeFunctions.OperandReader {
  private final TableSchema table;
  private final SessionRefusals refusals;
  private final LiteralSpellings literals;
  private final Conversions conversions;
  private final Arithmetic arithmetic;
  private final FormatTemplates formats;
  private final TimeFunctions timeFunctions;

  private SessionIndependence(TableSchema table, String context) {
    this.table = requireNonNull(table, "table is null");
    this.refusals = new SessionRefusals(context);
    this.literals = new LiteralSpellings(refusals);
    this.conversions = new Conversions(refusals, literals);
    this.arithmetic = new Arithmetic(refusals, conversions, literals);
    this.formats = new FormatTemplates(refusals);
    this.timeFunctions = new TimeFunctions(this, refusals, conversions, formats);
  }

  /** Refuses a validated filter expression (columns already unqualified) that reads settings. */
  static void check(SqlNode expression, TableSchema table, String context) throws SqlRefusal {
    new SessionIndependence(table, context).read(expression);
  }

  /**
   * Refuses a validated mask expression that reads settings, including in the cast of its
   * result back to the column's type (a timestamp cast to {@code timestamptz} is read in the
   * session's time zone).
   */
  static void checkMask(SqlNode expression, TableSchema table, ColumnSchema column, String context)
      throws SqlRefusal {
    SessionIndependence reading = new SessionIndependence(table, context);
    ValueType result = reading.read(expression);
    reading.conversions.convert(expression, result, TypeNames.ofName(column.type()));
  }

  @Override
  public ValueType read(SqlNode node) throws SqlRefusal {
    if (node instanceof SqlIdentifier identifier) {
      return identifier(identifier);
    }
    if (node instanceof SqlLiteral literal) {
      return literal(literal);
    }
    if (node instanceof SqlCase caseExpression) {
      return caseExpression(caseExpression);
    }
    if (node instanceof SqlCall call) {
      return call(call);
    }
    if (node instanceof SqlNodeList list) {
      return union(list.getList());
    }
    // type names and interval qualifiers are read by the call they belong to
    return ValueType.PLAIN;
  }

  private ValueType identifier(SqlIdentifier identifier) throws SqlRefusal {
    if (ExpressionValidator.isNiladicFunction(identifier)) {
      return niladic(identifier.getSimple().toLowerCase(Locale.ROOT));
    }
    String name = identifier.names.get(identifier.names.size() - 1);
    String type = table.column(name).map(ColumnSchema::type).orElse("");
    ValueType valueType = TypeNames.ofName(type);
    if (valueType == ValueType.MONEY) {
      throw refusals.refusal("column " + name + " has type money, whose values and text follow the"
          + " client's lc_monetary; cast it in the table to numeric, or mask it without an"
          + " expression");
    }
    return valueType;
  }

  private ValueType niladic(String name) throws SqlRefusal {
    return switch (name) {
      case "current_timestamp" -> ValueType.TIMESTAMP_WITH_TIME_ZONE;
      case "current_user", "session_user", "user", "current_role", "current_catalog",
          "system_user" -> ValueType.TEXT;
      default -> throw sessionFunction(name);
    };
  }

  private SqlRefusal sessionFunction(String name) {
    return refusals.refusal(SettingFunctions.sessionFunctionProblem(name));
  }

  private ValueType literal(SqlLiteral literal) throws SqlRefusal {
    if (literal instanceof SqlCharStringLiteral) {
      return ValueType.STRING_LITERAL;
    }
    if (literal instanceof SqlNumericLiteral) {
      return ValueType.PLAIN; // PostgreSQL reads 1.5e3 as numeric, not double precision
    }
    if (literal instanceof SqlUnknownLiteral typed) {
      // DATE '…', TIME '…', TIMESTAMP '…': a string literal with its type written before it
      ValueType type = TypeNames.ofName(typed.tag);
      literals.check(typed, typed.getValue(), type);
      return type;
    }
    if (literal instanceof SqlIntervalLiteral interval) {
      SqlIntervalLiteral.IntervalValue value =
          literal.getValueAs(SqlIntervalLiteral.IntervalValue.class);
      literals.checkInterval(value.getIntervalLiteral());
      return ValueType.INTERVAL;
    }
    // otherwise booleans, bit strings and keywords such as TRIM's BOTH
    return literal.getTypeName() == SqlTypeName.NULL ? ValueType.NULL : ValueType.PLAIN;
  }

  private ValueType caseExpression(SqlCase caseExpression) throws SqlRefusal {
    if (caseExpression.getValueOperand() != null) {
      List<SqlNode> compared = new ArrayList<>();
      compared.add(caseExpression.getValueOperand());
      compared.addAll(caseExpression.getWhenOperands().getList());
      union(compared);
    } else {
      for (SqlNode condition : caseExpression.getWhenOperands()) {
        read(condition);
      }
    }
    List<SqlNode> results = new ArrayList<>(caseExpression.getThenOperands().getList());
    if (caseExpression.getElseOperand() != null) {
      results.add(caseExpression.getElseOperand());
    }
    return union(results);
  }

  private ValueType call(SqlCall call) throws SqlRefusal {
    List<SqlNode> operands = call.getOperandList();
    if (call.getOperator() == AtTimeZoneOperator.INSTANCE) {
      return timeFunctions.atTimeZone(operands.get(0), operands.get(1));
    }
    if (call.getOperator().getName().equals("||") && operands.size() == 2) {
      return concatenation(operands.get(0), operands.get(1));
    }
    if (call.getOperator().getName().startsWith("@@") && operands.size() == 2) {
      return textSearchMatch(operands.get(0), operands.get(1));
    }
    switch (call.getKind()) {
      case AND, OR, NOT, IS_NULL, IS_NOT_NULL, IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE,
          IS_UNKNOWN -> {
        readAll(operands);
        return ValueType.PLAIN;
      }
      case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN,
          GREATER_THAN_OR_EQUAL, IS_DISTINCT_FROM, IS_NOT_DISTINCT_FROM, BETWEEN -> {
        union(operands);
        return ValueType.PLAIN;
      }
      case IN, NOT_IN -> {
        List<SqlNode> compared = new ArrayList<>();
        for (SqlNode operand : operands) {
          if (operand instanceof SqlNodeList list) {
            compared.addAll(list.getList());
          } else {
            compared.add(operand);
          }
        }
        union(compared);
        return ValueType.PLAIN;
      }
      case LIKE, SIMILAR -> {
        for (SqlNode operand : operands) {
          conversions.convert(operand, read(operand), ValueType.TEXT);
        }
        return ValueType.PLAIN;
      }
      case PLUS -> {
        ValueType left = read(operands.get(0));
        return arithmetic.plus(operands.get(0), left, operands.get(1), read(operands.get(1)));
      }
      case MINUS -> {
        ValueType left = read(operands.get(0));
        return arithmetic.minus(operands.get(0), left, operands.get(1), read(operands.get(1)));
      }
      case TIMES, DIVIDE, MOD -> {
        ValueType left = read(operands.get(0));
        return arithmetic.multiply(left, read(operands.get(1)));
      }
      case MINUS_PREFIX, PLUS_PREFIX -> {
        ValueType type = read(operands.get(0));
        return type == ValueType.STRING_LITERAL ? ValueType.PLAIN : type;
      }
      case CAST -> {
        ValueType source = read(operands.get(0));
        ValueType target = TypeNames.ofCastTarget(operands.get(1));
        conversions.convert(operands.get(0), source, target);
        return target;
      }
      case EXTRACT -> {
        return timeFunctions.extract(call);
      }
      case DATE_TRUNC -> {
        return timeFunctions.dateTrunc(operands);
      }
      case CEIL, FLOOR -> {
        return mathematical(operands);
      }
      default -> {
        List<String> name = FunctionAllowlist.functionName(call);
        if (!name.isEmpty()) {
          return function(name.get(name.size() - 1).toLowerCase(Locale.ROOT), call);
        }
        return readOtherCall(call.getOperator().getName(), operands);
      }
    }
  }

  private ValueType function(String name, SqlCall call) throws SqlRefusal {
    List<SqlNode> arguments = call.getOperandList();
    switch (name) {
      case "now", "transaction_timestamp", "statement_timestamp", "clock_timestamp",
          "current_timestamp", "pg_postmaster_start_time", "pg_conf_load_time" -> {
        readAll(arguments);
        return ValueType.TIMESTAMP_WITH_TIME_ZONE;
      }
      case "current_date", "current_time", "localtime", "localtimestamp", "timeofday",
          "current_setting", "current_schema", "current_schemas" -> throw sessionFunction(name);
      case "coalesce", "greatest", "least", "nullif" -> {
        return union(arguments);
      }
      case "timezone" -> {
        if (arguments.size() != 2) {
          return readOtherCall(name, arguments);
        }
        return timeFunctions.atTimeZone(arguments.get(1), arguments.get(0));
      }
      case "date_trunc" -> {
        return timeFunctions.dateTrunc(arguments);
      }
      case "date_part" -> {
        return timeFunctions.extract(call);
      }
      case "age" -> {
        return timeFunctions.age(arguments);
      }
      case "date_bin" -> {
        if (arguments.size() != 3) {
          return readOtherCall(name, arguments);
        }
        return timeFunctions.dateBin(arguments);
      }
      case "justify_days", "justify_hours", "justify_interval" -> {
        for (SqlNode argument : arguments) {
          conversions.convert(argument, read(argument), ValueType.INTERVAL);
        }
        return ValueType.INTERVAL;
      }
      case "make_timestamptz" -> {
        return timeFunctions.makeTimestampWithTimeZone(arguments);
      }
      case "tstzrange", "tsrange", "daterange" -> {
        // bounds given as string literals are read by DateStyle and the time zone, and a range
        // of times is no type read here: anything done with it is refused
        readOtherCall(name, arguments);
        return ValueType.UNKNOWN;
      }
      case "to_char" -> {
        return timeFunctions.toChar(arguments);
      }
      case "to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery",
          "websearch_to_tsquery", "json_to_tsvector", "jsonb_to_tsvector", "ts_headline" -> {
        int withConfiguration = switch (name) {
          case "json_to_tsvector", "jsonb_to_tsvector" -> 3;
          case "ts_headline" -> 4; // with three arguments the configuration is not told apart
          default -> 2;
        };
        if (arguments.size() < withConfiguration) {
          throw defaultTextSearchConfiguration(name);
        }
        return readOtherCall(name, arguments);
      }
      case "to_number" -> {
        readAll(arguments);
        if (arguments.size() == 2) {
          formats.checkNumericFormat(arguments.get(1), "to_number");
        }
        return ValueType.PLAIN;
      }
      case "to_date" -> {
        readAll(arguments);
        if (arguments.size() == 2) {
          formats.checkDateFormat(arguments.get(1), "to_date");
        }
        return ValueType.DATE;
      }
      case "to_timestamp" -> {
        return timeFunctions.toTimestamp(arguments);
      }
      default -> {
        Optional<ValueType> madeFromParts = SettingFunctions.madeFromParts(name);
        if (madeFromParts.isPresent()) {
          readAll(arguments);
          return madeFromParts.get();
        }
        if (SettingFunctions.hasFloatResult(name)) {
          readOtherCall(name, arguments);
          return ValueType.FLOAT;
        }
        if (SettingFunctions.hasFloatResultUnlessNumeric(name)) {
          ValueType result = mathematical(arguments);
          return arguments.stream().anyMatch(this::isNumeric) ? result : ValueType.FLOAT;
        }
        if (SettingFunctions.isMathematical(name)) {
          return mathematical(arguments);
        }
        if (SettingFunctions.readsSearchPath(name)) {
          throw refusals.refusal(name + " looks up or writes names by the client's search_path, where a"
              + " schema the client puts first may hold objects of the same names; write the"
              + " value it stands for");
        }
        if (SettingFunctions.writesAnyAsText(name)) {
          for (SqlNode argument : arguments) {
            conversions.convert(argument, read(argument), ValueType.TEXT);
          }
          return ValueType.TEXT;
        }
        return readOtherCall(name, arguments);
      }
    }
  }

  /**
   * Whether {@code node} is visibly of type numeric: a numeric column, a cast to numeric, or a
   * literal with a decimal point or exponent (PostgreSQL reads 2 as an integer, 2.0 as numeric).
   */
  private boolean isNumeric(SqlNode node) {
    if (node instanceof SqlNumericLiteral literal) {
      String digits = literal.toValue();
      return digits != null && (digits.contains(".") || digits.contains("e") || digits.contains("E"));
    }
    if (node instanceof SqlIdentifier identifier && !ExpressionValidator.isNiladicFunction(identifier)) {
      String type = table.column(identifier.names.get(identifier.names.size() - 1))
          .map(ColumnSchema::type).orElse("");
      return TypeNames.isNumericName(type);
    }
    if (node instanceof SqlCall call && call.getKind() == SqlKind.CAST
        && call.operand(1) instanceof SqlDataTypeSpec spec) {
      return TypeNames.isNumericCastTarget(spec);
    }
    return false;
  }

  /**
   * bytea || bytea joins bytes; otherwise || is text || the other's text form (anytextcat,
   * textanycat), and a function's text result reads as a plain value here, so both sides must
   * convert to text alike in every session.
   */
  private ValueType concatenation(SqlNode left, SqlNode right) throws SqlRefusal {
    ValueType leftType = read(left);
    ValueType rightType = read(right);
    Set<ValueType> bytes = Set.of(ValueType.BYTEA, ValueType.STRING_LITERAL, ValueType.NULL);
    if ((leftType == ValueType.BYTEA || rightType == ValueType.BYTEA)
        && bytes.contains(leftType) && bytes.contains(rightType)) {
      return ValueType.BYTEA;
    }
    conversions.convert(left, leftType, ValueType.TEXT);
    conversions.convert(right, rightType, ValueType.TEXT);
    return ValueType.TEXT;
  }

  /**
   * tsvector @@ tsquery reads no setting, but a text operand is parsed by the client's
   * default_text_search_config ({@code text @@ text}, {@code text @@ tsquery}); only operands
   * that are text search values themselves are accepted, and a string literal beside one.
   */
  private ValueType textSearchMatch(SqlNode left, SqlNode right) throws SqlRefusal {
    readOtherCall("@@", List.of(left, right));
    boolean leftSearchable = isTextSearchValue(left);
    boolean rightSearchable = isTextSearchValue(right);
    if ((leftSearchable || left instanceof SqlCharStringLiteral)
        && (rightSearchable || right instanceof SqlCharStringLiteral)
        && (leftSearchable || rightSearchable)) {
      return ValueType.PLAIN;
    }
    throw defaultTextSearchConfiguration("@@ over text");
  }

  private boolean isTextSearchValue(SqlNode node) {
    if (node instanceof SqlIdentifier identifier && !ExpressionValidator.isNiladicFunction(identifier)) {
      String type = table.column(identifier.names.get(identifier.names.size() - 1))
          .map(ColumnSchema::type).orElse("");
      String base = PostgresTypes.baseName(type);
      return base.equals("tsvector") || base.equals("tsquery");
    }
    if (node instanceof SqlCall call && call.getKind() == SqlKind.CAST
        && call.operand(1) instanceof SqlDataTypeSpec spec
        && spec.getTypeNameSpec() instanceof SqlUserDefinedTypeNameSpec named) {
      String type = named.getTypeName().names.get(named.getTypeName().names.size() - 1);
      return type.equals("tsvector") || type.equals("tsquery");
    }
    if (node instanceof SqlCall call) {
      List<String> name = FunctionAllowlist.functionName(call);
      // the configuration of these was checked when they were read
      return !name.isEmpty()
          && SettingFunctions.buildsTextSearchValue(name.get(name.size() - 1).toLowerCase(Locale.ROOT));
    }
    return false;
  }

  private SqlRefusal defaultTextSearchConfiguration(String what) {
    return refusals.refusal(what + " without a text search configuration uses the client's"
        + " default_text_search_config; name it, e.g. to_tsvector('english', note) @@"
        + " to_tsquery('english', 'word')");
  }

  /** Any other call: safe only over values whose types read no setting. */
  @Override
  public ValueType readOtherCall(String name, List<SqlNode> operands) throws SqlRefusal {
    for (SqlNode operand : operands) {
      if (operand == null) {
        continue;
      }
      ValueType type = read(operand);
      if (type.isSensitive()) {
        throw refusals.cannotTell(name, type);
      }
    }
    return ValueType.PLAIN;
  }

  private ValueType mathematical(List<SqlNode> operands) throws SqlRefusal {
    boolean floating = false;
    for (SqlNode operand : operands) {
      if (operand == null || operand instanceof SqlIntervalQualifier) {
        continue; // CEIL(x TO unit) has a unit, not a value
      }
      ValueType type = read(operand);
      if (type == ValueType.FLOAT) {
        floating = true;
      } else if (type.isSensitive()) {
        throw refusals.cannotTell("a numeric function", type);
      }
    }
    return floating ? ValueType.FLOAT : ValueType.PLAIN;
  }

  @Override
  public void readAll(List<SqlNode> operands) throws SqlRefusal {
    for (SqlNode operand : operands) {
      if (operand != null) {
        read(operand);
      }
    }
  }

  /**
   * The type PostgreSQL resolves values compared or combined together to (a comparison, IN,
   * BETWEEN, CASE results, COALESCE), refusing a conversion between them that reads a setting;
   * string literals take the type of the others.
   */
  @Override
  public ValueType union(List<SqlNode> nodes) throws SqlRefusal {
    List<ValueType> types = new ArrayList<>();
    for (SqlNode node : nodes) {
      types.add(node == null ? ValueType.NULL : read(node));
    }
    ValueType result = null;
    for (ValueType type : types) {
      if (type == ValueType.NULL || type == ValueType.STRING_LITERAL) {
        continue;
      }
      result = result == null ? type : conversions.combine(result, type);
    }
    if (result == null) {
      return types.contains(ValueType.STRING_LITERAL) ? ValueType.TEXT : ValueType.NULL;
    }
    for (int index = 0; index < nodes.size(); index++) {
      if (types.get(index) == ValueType.STRING_LITERAL) {
        conversions.literalAs(nodes.get(index), result);
      }
    }
    return result;
  }
}
