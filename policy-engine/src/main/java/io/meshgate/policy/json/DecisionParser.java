package io.meshgate.policy.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.PolicyEngineException.MalformedDecision;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a decision of policy contract v1, strictly. A decision is applied to SQL, so anything
 * that does not follow the contract (an undefined result, a wrong type, an unknown operator or
 * mask function, a missing required field, a relation key that is not {@code
 * catalog.schema.table}, a filter that is neither or both kinds, the wrong number of values)
 * is a {@link MalformedDecision} that names the field, rather than a guess. Messages never
 * contain values from the decision, which may come from data. Unknown extra fields are
 * ignored so that the contract can grow additively; {@code deny_reasons}, {@code relations}
 * and {@code policies} default to empty, as do the three parts of a relation's entry, and the
 * {@code policy} id of a row filter or mask is optional.
 */
public final class DecisionParser {

  /** The message of a decision that is undefined, i.e. OPA's response has no {@code result}. */
  public static final String UNDEFINED = "policy returned no decision (undefined)";

  private static final String OPERATORS =
      Arrays.stream(FilterOperator.values())
          .map(FilterOperator::wireName)
          .collect(Collectors.joining(", "));

  private static final String MASK_FUNCTIONS =
      "null, redact, constant, hash, show_last, show_first, email, truncate_date, round, expression";

  private static final int DEFAULT_SHOWN_CHARACTERS = 4;

  private DecisionParser() {}

  /**
   * Parses a whole OPA data API response, {@code {"result": <decision>, …}}.
   *
   * @throws MalformedDecision if the body is not JSON, has no {@code result} (undefined), or the
   *     decision does not follow the contract
   */
  public static Decision parseResponse(byte[] body) throws MalformedDecision {
    return parse(resultOf(body));
  }

  /**
   * The {@code result} member of an OPA data API response, or {@code null} when there is none
   * (the decision is undefined).
   *
   * @throws MalformedDecision if the body is not a JSON object
   */
  public static JsonNode resultOf(byte[] body) throws MalformedDecision {
    JsonNode response;
    try {
      response = ContractJson.MAPPER.readTree(body);
    } catch (JacksonException e) {
      // The parser's message quotes the offending input; keep only where it went wrong.
      throw new MalformedDecision(
          "policy engine response is not valid JSON (at "
              + Optional.ofNullable(e.getLocation())
                  .map(location -> "line " + location.getLineNr() + ", column " + location.getColumnNr())
                  .orElse("an unknown position")
              + ")");
    } catch (IOException e) {
      // Reading from a byte array does no I/O; only a parse error can end up here.
      throw new MalformedDecision("policy engine response could not be read as JSON");
    }
    if (response == null || !response.isObject()) {
      throw new MalformedDecision("policy engine response is not a JSON object");
    }
    return response.get("result");
  }

  /**
   * Parses OPA's {@code result}: the decision object itself.
   *
   * @param result the decision, or {@code null} (or a missing node) when the response had none
   * @throws MalformedDecision if it is undefined or does not follow the contract
   */
  public static Decision parse(JsonNode result) throws MalformedDecision {
    if (result == null || result.isMissingNode()) {
      throw new MalformedDecision(UNDEFINED);
    }
    if (!result.isObject()) {
      throw new MalformedDecision("decision must be an object, not " + typeOf(result));
    }
    JsonNode allow = result.get("allow");
    if (allow == null) {
      throw new MalformedDecision("decision.allow is missing");
    }
    if (!allow.isBoolean()) {
      throw new MalformedDecision("decision.allow must be a boolean, not " + typeOf(allow));
    }
    List<String> denyReasons = stringList(result.get("deny_reasons"), "deny_reasons");
    if (allow.booleanValue() && !denyReasons.isEmpty()) {
      // Contradictory: refusing is the only safe reading.
      throw new MalformedDecision("decision.allow is true but decision.deny_reasons is not empty");
    }
    Map<String, RelationPolicy> relations = relations(result.get("relations"));
    List<String> policies = stringList(result.get("policies"), "policies");
    return new Decision(allow.booleanValue(), denyReasons, relations, policies);
  }

  private static Map<String, RelationPolicy> relations(JsonNode node) throws MalformedDecision {
    if (node == null) {
      return Map.of();
    }
    requireObject(node, "relations");
    Map<String, RelationPolicy> relations = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = entry.getKey();
      String path = "relations[" + quote(key) + "]";
      String[] parts = key.split("\\.", -1);
      if (parts.length != 3 || Arrays.stream(parts).anyMatch(String::isEmpty)) {
        throw new MalformedDecision(path + ": a relation key must be catalog.schema.table");
      }
      relations.put(key, relation(entry.getValue(), path));
    }
    return relations;
  }

  private static RelationPolicy relation(JsonNode node, String path) throws MalformedDecision {
    requireObject(node, path);
    List<RowFilter> rowFilters = new ArrayList<>();
    List<Optional<String>> rowFilterPolicies = new ArrayList<>();
    rowFilters(node.get("row_filters"), path + ".row_filters", rowFilters, rowFilterPolicies);
    Map<String, ColumnMask> columnMasks = new LinkedHashMap<>();
    Map<String, String> columnMaskPolicies = new LinkedHashMap<>();
    columnMasks(node.get("column_masks"), path + ".column_masks", columnMasks, columnMaskPolicies);
    return new RelationPolicy(
        rowFilters,
        columnMasks,
        deniedColumns(node.get("denied_columns"), path + ".denied_columns"),
        rowFilterPolicies,
        columnMaskPolicies);
  }

  /** Adds each filter to {@code filters} and its optional rule id to {@code policies}. */
  private static void rowFilters(
      JsonNode node, String path, List<RowFilter> filters, List<Optional<String>> policies)
      throws MalformedDecision {
    if (node == null) {
      return;
    }
    requireArray(node, path);
    for (int index = 0; index < node.size(); index++) {
      String filterPath = path + "[" + index + "]";
      filters.add(rowFilter(node.get(index), filterPath));
      policies.add(policyId(node.get(index), filterPath));
    }
  }

  /** Puts each mask into {@code masks} and, where it names one, its rule id into {@code policies}. */
  private static void columnMasks(
      JsonNode node, String path, Map<String, ColumnMask> masks, Map<String, String> policies)
      throws MalformedDecision {
    if (node == null) {
      return;
    }
    requireObject(node, path);
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String maskPath = path + "[" + quote(entry.getKey()) + "]";
      if (entry.getKey().isEmpty()) {
        throw new MalformedDecision(maskPath + ": a column name must not be empty");
      }
      masks.put(entry.getKey(), columnMask(entry.getValue(), maskPath));
      Optional<String> policy = policyId(entry.getValue(), maskPath);
      policy.ifPresent(id -> policies.put(entry.getKey(), id));
    }
  }

  /**
   * The optional {@code policy} of a row filter or mask (already checked to be an object): the
   * id of the rule that produced it, for the audit log. Added to contract v1 later, so absent is
   * fine; present, it must be a non-empty string.
   */
  private static Optional<String> policyId(JsonNode node, String path) throws MalformedDecision {
    JsonNode policy = node.get("policy");
    if (policy == null) {
      return Optional.empty();
    }
    String id = requiredString(policy, path + ".policy");
    if (id.isEmpty()) {
      throw new MalformedDecision(path + ".policy must not be empty");
    }
    return Optional.of(id);
  }

  private static RowFilter rowFilter(JsonNode node, String path) throws MalformedDecision {
    requireObject(node, path);
    boolean structured = node.has("column");
    boolean expression = node.has("expression");
    if (structured == expression) {
      throw new MalformedDecision(
          path + ": a row filter has either column (structured) or expression, not "
              + (structured ? "both" : "neither"));
    }
    if (expression) {
      for (String field : List.of("op", "value", "values")) {
        if (node.has(field)) {
          throw new MalformedDecision(path + "." + field + " does not belong to an expression filter");
        }
      }
      return new RowFilter.Expression(nonBlankString(node.get("expression"), path + ".expression"));
    }
    String column = nonBlankString(node.get("column"), path + ".column");
    String operatorName = requiredString(node.get("op"), path + ".op");
    FilterOperator operator =
        FilterOperator.fromWireName(operatorName)
            .orElseThrow(
                () ->
                    new MalformedDecision(
                        path + ".op is not an operator of contract v1 (" + OPERATORS + ")"));
    return new RowFilter.Comparison(column, operator, filterValues(node, operator, path));
  }

  private static List<Object> filterValues(JsonNode filter, FilterOperator operator, String path)
      throws MalformedDecision {
    JsonNode single = filter.get("value");
    JsonNode many = filter.get("values");
    if (single != null && many != null) {
      throw new MalformedDecision(path + ": a row filter has value or values, not both");
    }
    List<Object> values = new ArrayList<>();
    if (single != null) {
      values.add(filterValue(single, path + ".value"));
    } else if (many != null) {
      requireArray(many, path + ".values");
      for (int index = 0; index < many.size(); index++) {
        values.add(filterValue(many.get(index), path + ".values[" + index + "]"));
      }
    }
    String valuesPath = path + "." + (single != null ? "value" : "values");
    switch (operator.arity()) {
      case NONE -> {
        if (!values.isEmpty()) {
          throw new MalformedDecision(valuesPath + ": " + operator.wireName() + " takes no value");
        }
      }
      case ONE -> {
        if (values.size() != 1) {
          throw new MalformedDecision(
              valuesPath + ": " + operator.wireName() + " takes exactly one value");
        }
      }
      case MANY -> {
        if (values.isEmpty()) {
          throw new MalformedDecision(
              valuesPath + ": " + operator.wireName() + " needs at least one value");
        }
      }
    }
    return values;
  }

  private static Object filterValue(JsonNode node, String path) throws MalformedDecision {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNumber()) {
      return decimal(node);
    }
    // null in particular: "column IN (NULL)" never matches and "= NULL" is never true, so a
    // policy that emits null has a bug that SQL would hide.
    throw new MalformedDecision(
        path + " must be a string, number or boolean, not " + typeOf(node));
  }

  private static ColumnMask columnMask(JsonNode node, String path) throws MalformedDecision {
    requireObject(node, path);
    String function = requiredString(node.get("function"), path + ".function");
    return switch (function) {
      case "null" -> new ColumnMask.Null();
      case "redact" -> new ColumnMask.Redact();
      case "email" -> new ColumnMask.Email();
      case "constant" -> new ColumnMask.Constant(constantValue(node.get("value"), path + ".value"));
      case "hash" -> new ColumnMask.Hash(optionalString(node.get("salt"), path + ".salt", ""));
      case "show_last" ->
          new ColumnMask.ShowLast(count(node.get("n"), path + ".n", DEFAULT_SHOWN_CHARACTERS));
      case "show_first" ->
          new ColumnMask.ShowFirst(count(node.get("n"), path + ".n", DEFAULT_SHOWN_CHARACTERS));
      case "truncate_date" -> new ColumnMask.TruncateDate(dateUnit(node.get("unit"), path + ".unit"));
      case "round" -> new ColumnMask.Round(requiredInteger(node.get("digits"), path + ".digits"));
      case "expression" ->
          new ColumnMask.Expression(nonBlankString(node.get("expression"), path + ".expression"));
      default ->
          throw new MalformedDecision(
              path + ".function is not a mask function of contract v1 (" + MASK_FUNCTIONS + ")");
    };
  }

  /** The text form of a constant: strings as they are, numbers and booleans as JSON writes them. */
  private static String constantValue(JsonNode node, String path) throws MalformedDecision {
    if (node == null) {
      throw new MalformedDecision(path + " is missing");
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isNumber()) {
      return decimal(node).toPlainString();
    }
    if (node.isBoolean()) {
      return Boolean.toString(node.booleanValue());
    }
    throw new MalformedDecision(path + " must be a string, number or boolean, not " + typeOf(node));
  }

  private static ColumnMask.DateUnit dateUnit(JsonNode node, String path) throws MalformedDecision {
    String unit = requiredString(node, path);
    return switch (unit) {
      case "year" -> ColumnMask.DateUnit.YEAR;
      case "month" -> ColumnMask.DateUnit.MONTH;
      case "day" -> ColumnMask.DateUnit.DAY;
      default -> throw new MalformedDecision(path + " must be year, month or day");
    };
  }

  private static int count(JsonNode node, String path, int defaultValue) throws MalformedDecision {
    if (node == null) {
      return defaultValue;
    }
    int value = requiredInteger(node, path);
    if (value < 0) {
      throw new MalformedDecision(path + " must not be negative");
    }
    return value;
  }

  private static int requiredInteger(JsonNode node, String path) throws MalformedDecision {
    if (node == null) {
      throw new MalformedDecision(path + " is missing");
    }
    if (!node.isNumber()) {
      throw new MalformedDecision(path + " must be an integer, not " + typeOf(node));
    }
    try {
      // OPA may write 4 as 4.0 after arithmetic; a fraction is still an error.
      return decimal(node).intValueExact();
    } catch (ArithmeticException e) {
      throw new MalformedDecision(path + " must be an integer within the range of int");
    }
  }

  private static Set<String> deniedColumns(JsonNode node, String path) throws MalformedDecision {
    List<String> columns = stringList(node, path);
    for (int index = 0; index < columns.size(); index++) {
      if (columns.get(index).isEmpty()) {
        throw new MalformedDecision(path + "[" + index + "] must not be empty");
      }
    }
    return new LinkedHashSet<>(columns);
  }

  private static List<String> stringList(JsonNode node, String path) throws MalformedDecision {
    if (node == null) {
      return List.of();
    }
    requireArray(node, path);
    List<String> strings = new ArrayList<>(node.size());
    for (int index = 0; index < node.size(); index++) {
      strings.add(requiredString(node.get(index), path + "[" + index + "]"));
    }
    return strings;
  }

  private static String optionalString(JsonNode node, String path, String defaultValue)
      throws MalformedDecision {
    return node == null ? defaultValue : requiredString(node, path);
  }

  private static String nonBlankString(JsonNode node, String path) throws MalformedDecision {
    String value = requiredString(node, path);
    if (value.isBlank()) {
      throw new MalformedDecision(path + " must not be blank");
    }
    return value;
  }

  private static String requiredString(JsonNode node, String path) throws MalformedDecision {
    if (node == null) {
      throw new MalformedDecision(path + " is missing");
    }
    if (!node.isTextual()) {
      throw new MalformedDecision(path + " must be a string, not " + typeOf(node));
    }
    return node.textValue();
  }

  private static void requireObject(JsonNode node, String path) throws MalformedDecision {
    if (!node.isObject()) {
      throw new MalformedDecision(path + " must be an object, not " + typeOf(node));
    }
  }

  private static void requireArray(JsonNode node, String path) throws MalformedDecision {
    if (!node.isArray()) {
      throw new MalformedDecision(path + " must be an array, not " + typeOf(node));
    }
  }

  private static BigDecimal decimal(JsonNode number) {
    return number.isIntegralNumber() ? new BigDecimal(number.bigIntegerValue()) : number.decimalValue();
  }

  /** The JSON type of a node, never its value. */
  private static String typeOf(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case BINARY, STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case MISSING, NULL -> "null";
      case NUMBER -> "a number";
      case OBJECT, POJO -> "an object";
    };
  }

  /** A name as it appears inside a field path: JSON-quoted so dots and quotes stay readable. */
  private static String quote(String name) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char character : name.toCharArray()) {
      switch (character) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        default -> {
          if (character < 0x20) {
            quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) character));
          } else {
            quoted.append(character);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
