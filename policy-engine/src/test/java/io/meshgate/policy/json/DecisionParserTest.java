package io.meshgate.policy.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.PolicyEngineException.MalformedDecision;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecisionParserTest {

  /** The decision example of policy-contract.md, verbatim. */
  private static final String CONTRACT_EXAMPLE =
      """
      {
        "allow": true,
        "deny_reasons": [],
        "relations": {
          "mesh.sales.orders": {
            "row_filters": [
              {"column": "region", "op": "in", "values": ["EU"]},
              {"expression": "amount < 10000"}
            ],
            "column_masks": {
              "customer_email": {"function": "email"},
              "amount": {"function": "round", "digits": -2}
            },
            "denied_columns": ["card_number"]
          }
        },
        "policies": ["sales.orders.readers", "global.pii.email"]
      }
      """;

  /** Parsed as OPA's response would be, so numbers go through the contract's exact reading. */
  private static Decision parse(String json) throws Exception {
    return DecisionParser.parseResponse(("{\"result\": " + json + "}").getBytes(StandardCharsets.UTF_8));
  }

  /** A decision allowing one relation whose entry is {@code relation}. */
  private static String withRelation(String relation) {
    return "{\"allow\": true, \"relations\": {\"mesh.sales.orders\": " + relation + "}}";
  }

  private static String withFilter(String filter) {
    return withRelation("{\"row_filters\": [" + filter + "]}");
  }

  private static String withMask(String mask) {
    return withRelation("{\"column_masks\": {\"amount\": " + mask + "}}");
  }

  private static RelationPolicy orders(Decision decision) {
    return decision.policyFor(new RelationName("mesh", "sales", "orders"));
  }

  @Test
  void parsesTheContractExample() throws Exception {
    Decision decision = parse(CONTRACT_EXAMPLE);

    assertEquals(
        new Decision(
            true,
            List.of(),
            Map.of(
                "mesh.sales.orders",
                new RelationPolicy(
                    List.of(
                        new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU")),
                        new RowFilter.Expression("amount < 10000")),
                    Map.of("customer_email", new ColumnMask.Email(), "amount", new ColumnMask.Round(-2)),
                    Set.of("card_number"))),
            List.of("sales.orders.readers", "global.pii.email")),
        decision);
  }

  @Test
  void parsesAWholeOpaResponse() throws Exception {
    byte[] body = ("{\"decision_id\": \"x\", \"result\": " + CONTRACT_EXAMPLE + "}").getBytes(StandardCharsets.UTF_8);

    assertEquals(parse(CONTRACT_EXAMPLE), DecisionParser.parseResponse(body));
  }

  @Test
  void optionalPartsDefaultToEmpty() throws Exception {
    Decision denied = parse("{\"allow\": false}");
    Decision emptyEntry = parse(withRelation("{}"));

    assertEquals(new Decision(false, List.of(), Map.of(), List.of()), denied);
    assertTrue(orders(emptyEntry).isUnrestricted());
    assertTrue(emptyEntry.relations().containsKey("mesh.sales.orders"));
  }

  @Test
  void keepsDenyReasonsInOrder() throws Exception {
    Decision decision = parse("{\"allow\": false, \"deny_reasons\": [\"second\", \"first\"]}");

    assertEquals(List.of("second", "first"), decision.denyReasons());
  }

  @Test
  void ignoresUnknownFields() throws Exception {
    Decision decision =
        parse(
            """
            {"allow": true, "ttl": 30, "relations": {"mesh.sales.orders": {"note": "x",
              "row_filters": [{"column": "region", "op": "=", "value": "EU", "comment": "y"}],
              "column_masks": {"amount": {"function": "null", "why": "z"}}}}}
            """);

    assertEquals(
        List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))), orders(decision).rowFilters());
    assertEquals(Map.of("amount", new ColumnMask.Null()), orders(decision).columnMasks());
  }

  @Test
  void readsThePolicyIdOfEachFilterAndMask() throws Exception {
    Decision decision =
        parse(
            withRelation(
                """
                {"row_filters": [
                  {"column": "region", "op": "in", "values": ["EU"], "policy": "sales.regional_readers"},
                  {"expression": "amount < 10000"},
                  {"expression": "amount > 0", "policy": "sales.positive"}
                ],
                "column_masks": {
                  "customer_email": {"function": "email", "policy": "global.pii.email"},
                  "amount": {"function": "round", "digits": -2}
                }}
                """));

    RelationPolicy orders = orders(decision);
    assertEquals(
        List.of(Optional.of("sales.regional_readers"), Optional.empty(), Optional.of("sales.positive")),
        orders.rowFilterPolicies());
    assertEquals(Optional.of("sales.positive"), orders.rowFilterPolicy(2));
    assertEquals(Map.of("customer_email", "global.pii.email"), orders.columnMaskPolicies());
    assertEquals(Optional.of("global.pii.email"), orders.columnMaskPolicy("customer_email"));
    assertEquals(Optional.empty(), orders.columnMaskPolicy("amount"));
    // The id is provenance only: the filters and masks themselves are what they were without it.
    assertEquals(new RowFilter.Expression("amount > 0"), orders.rowFilters().get(2));
    assertEquals(new ColumnMask.Email(), orders.columnMasks().get("customer_email"));
  }

  @Test
  void decisionsThatDifferOnlyInAPolicyIdAreNotEqual() throws Exception {
    // The decision cache and the rewrite cache compare decisions: an id must not be lost there.
    Decision first = parse(withFilter("{\"expression\": \"a > 0\", \"policy\": \"sales.first\"}"));
    Decision second = parse(withFilter("{\"expression\": \"a > 0\", \"policy\": \"sales.second\"}"));
    Decision none = parse(withFilter("{\"expression\": \"a > 0\"}"));
    Decision firstMask = parse(withMask("{\"function\": \"null\", \"policy\": \"sales.first\"}"));
    Decision secondMask = parse(withMask("{\"function\": \"null\", \"policy\": \"sales.second\"}"));

    assertNotEquals(first, second);
    assertNotEquals(first, none);
    assertNotEquals(firstMask, secondMask);
    assertEquals(first, parse(withFilter("{\"expression\": \"a > 0\", \"policy\": \"sales.first\"}")));
  }

  @Test
  void aRelationPolicyWithoutIdsHasAnEmptyIdPerFilter() {
    RelationPolicy policy =
        new RelationPolicy(
            List.of(new RowFilter.Expression("a > 0"), new RowFilter.Expression("b > 0")),
            Map.of("c", new ColumnMask.Null()),
            Set.of());

    assertEquals(List.of(Optional.empty(), Optional.empty()), policy.rowFilterPolicies());
    assertEquals(Map.of(), policy.columnMaskPolicies());
  }

  @Test
  void aRelationPolicyRefusesIdsThatDoNotMatchItsFiltersAndMasks() {
    List<RowFilter> filters = List.of(new RowFilter.Expression("a > 0"));
    Map<String, ColumnMask> masks = Map.of("c", new ColumnMask.Null());

    assertThrows(
        IllegalArgumentException.class,
        () -> new RelationPolicy(filters, masks, Set.of(), List.of(), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RelationPolicy(filters, masks, Set.of(), List.of(Optional.empty()), Map.of("d", "x.y")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RelationPolicy(filters, masks, Set.of(), List.of(Optional.of("")), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RelationPolicy(filters, masks, Set.of(), List.of(Optional.empty()), Map.of("c", "")));
  }

  @Test
  void acceptsValueAndValuesAndTypesTheValues() throws Exception {
    Decision decision =
        parse(
            withRelation(
                """
                {"row_filters": [
                  {"column": "amount", "op": "<", "value": 0.1},
                  {"column": "amount", "op": ">=", "values": [12345678901234567890]},
                  {"column": "region", "op": "in", "value": "EU"},
                  {"column": "active", "op": "not_in", "values": [true, "x", 2.50]},
                  {"column": "deleted_at", "op": "is_null"},
                  {"column": "deleted_at", "op": "is_not_null", "values": []}
                ]}
                """));

    assertEquals(
        List.of(
            new RowFilter.Comparison("amount", FilterOperator.LESS, List.of(new BigDecimal("0.1"))),
            new RowFilter.Comparison(
                "amount", FilterOperator.GREATER_OR_EQUAL, List.of(new BigDecimal("12345678901234567890"))),
            new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU")),
            new RowFilter.Comparison(
                "active", FilterOperator.NOT_IN, List.of(true, "x", new BigDecimal("2.50"))),
            new RowFilter.Comparison("deleted_at", FilterOperator.IS_NULL, List.of()),
            new RowFilter.Comparison("deleted_at", FilterOperator.IS_NOT_NULL, List.of())),
        orders(decision).rowFilters());
  }

  @Test
  void parsesEveryMaskFunctionWithItsDefaults() throws Exception {
    Decision decision =
        parse(
            withRelation(
                """
                {"column_masks": {
                  "a": {"function": "null"},
                  "b": {"function": "redact"},
                  "c": {"function": "constant", "value": "n/a"},
                  "d": {"function": "constant", "value": 0.50},
                  "e": {"function": "constant", "value": false},
                  "f": {"function": "hash"},
                  "g": {"function": "hash", "salt": "pepper"},
                  "h": {"function": "show_last"},
                  "i": {"function": "show_first", "n": 2},
                  "j": {"function": "email"},
                  "k": {"function": "truncate_date", "unit": "month"},
                  "l": {"function": "round", "digits": 2.0},
                  "m": {"function": "expression", "expression": "upper(name)"}
                }}
                """));

    assertEquals(
        Map.ofEntries(
            Map.entry("a", new ColumnMask.Null()),
            Map.entry("b", new ColumnMask.Redact()),
            Map.entry("c", new ColumnMask.Constant("n/a")),
            Map.entry("d", new ColumnMask.Constant("0.50")),
            Map.entry("e", new ColumnMask.Constant("false")),
            Map.entry("f", new ColumnMask.Hash("")),
            Map.entry("g", new ColumnMask.Hash("pepper")),
            Map.entry("h", new ColumnMask.ShowLast(4)),
            Map.entry("i", new ColumnMask.ShowFirst(2)),
            Map.entry("j", new ColumnMask.Email()),
            Map.entry("k", new ColumnMask.TruncateDate(ColumnMask.DateUnit.MONTH)),
            Map.entry("l", new ColumnMask.Round(2)),
            Map.entry("m", new ColumnMask.Expression("upper(name)"))),
        orders(decision).columnMasks());
  }

  @Test
  void undefinedIsMalformed() {
    MalformedDecision missing = assertThrows(MalformedDecision.class, () -> DecisionParser.parse(null));
    MalformedDecision noResult =
        assertThrows(
            MalformedDecision.class,
            () -> DecisionParser.parseResponse("{\"decision_id\": \"x\"}".getBytes(StandardCharsets.UTF_8)));

    assertEquals(DecisionParser.UNDEFINED, missing.getMessage());
    assertEquals(DecisionParser.UNDEFINED, noResult.getMessage());
  }

  @Test
  void responsesThatAreNotJsonObjectsAreMalformed() {
    for (String body : List.of("", "not json {", "[]", "{\"result\": {\"allow\": true}", "{\"result\": 1, \"result\": 2}")) {
      assertThrows(
          MalformedDecision.class,
          () -> DecisionParser.parseResponse(body.getBytes(StandardCharsets.UTF_8)),
          body);
    }
  }

  @Test
  void duplicateKeysAreMalformedRatherThanLastWins() {
    byte[] body =
        ("{\"result\": {\"allow\": true, \"relations\": {\"mesh.sales.orders\": {\"column_masks\": "
                + "{\"email\": {\"function\": \"email\"}, \"email\": {\"function\": \"null\"}}}}}}")
            .getBytes(StandardCharsets.UTF_8);

    assertThrows(MalformedDecision.class, () -> DecisionParser.parseResponse(body));
  }

  static Stream<Arguments> malformedDecisions() {
    return Stream.of(
        Arguments.of("[]", "decision must be an object"),
        Arguments.of("null", "decision must be an object"),
        Arguments.of("{}", "decision.allow is missing"),
        Arguments.of("{\"allow\": \"true\"}", "decision.allow must be a boolean, not a string"),
        Arguments.of("{\"allow\": 1}", "decision.allow must be a boolean, not a number"),
        Arguments.of("{\"allow\": null}", "decision.allow must be a boolean, not null"),
        Arguments.of("{\"allow\": true, \"deny_reasons\": [\"no\"]}", "allow is true but decision.deny_reasons"),
        Arguments.of("{\"allow\": false, \"deny_reasons\": \"no\"}", "deny_reasons must be an array"),
        Arguments.of("{\"allow\": false, \"deny_reasons\": [1]}", "deny_reasons[0] must be a string"),
        Arguments.of("{\"allow\": true, \"policies\": {}}", "policies must be an array"),
        Arguments.of("{\"allow\": true, \"policies\": [\"a\", null]}", "policies[1] must be a string"),
        Arguments.of("{\"allow\": true, \"relations\": []}", "relations must be an object"),
        Arguments.of("{\"allow\": true, \"relations\": {\"sales.orders\": {}}}", "relations[\"sales.orders\"]: a relation key must be catalog.schema.table"),
        Arguments.of("{\"allow\": true, \"relations\": {\"a.b.c.d\": {}}}", "relations[\"a.b.c.d\"]: a relation key"),
        Arguments.of("{\"allow\": true, \"relations\": {\"mesh..orders\": {}}}", "relations[\"mesh..orders\"]: a relation key"),
        Arguments.of("{\"allow\": true, \"relations\": {\"mesh.sales.\": {}}}", "relations[\"mesh.sales.\"]: a relation key"),
        Arguments.of(withRelation("[]"), "relations[\"mesh.sales.orders\"] must be an object"),
        Arguments.of(withRelation("{\"row_filters\": {}}"), ".row_filters must be an array"),
        Arguments.of(withFilter("\"region = 'EU'\""), ".row_filters[0] must be an object, not a string"),
        Arguments.of(withFilter("{}"), ".row_filters[0]: a row filter has either column (structured) or expression, not neither"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"=\", \"value\": 1, \"expression\": \"a = 1\"}"), "not both"),
        Arguments.of(withFilter("{\"expression\": \"a = 1\", \"op\": \"=\"}"), ".row_filters[0].op does not belong to an expression filter"),
        Arguments.of(withFilter("{\"expression\": \"a = 1\", \"values\": [1]}"), ".row_filters[0].values does not belong"),
        Arguments.of(withFilter("{\"expression\": \"  \"}"), ".row_filters[0].expression must not be blank"),
        Arguments.of(withFilter("{\"expression\": true}"), ".row_filters[0].expression must be a string, not a boolean"),
        Arguments.of(withFilter("{\"column\": \"a\", \"value\": 1}"), ".row_filters[0].op is missing"),
        Arguments.of(withFilter("{\"column\": \"\", \"op\": \"=\", \"value\": 1}"), ".row_filters[0].column must not be blank"),
        Arguments.of(withFilter("{\"column\": 5, \"op\": \"=\", \"value\": 1}"), ".row_filters[0].column must be a string"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"like\", \"value\": \"x%\"}"), ".row_filters[0].op is not an operator of contract v1"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"==\", \"value\": 1}"), ".row_filters[0].op is not an operator"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"IN\", \"values\": [1]}"), ".row_filters[0].op is not an operator"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"=\"}"), ".row_filters[0].values: = takes exactly one value"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"=\", \"values\": [1, 2]}"), ".row_filters[0].values: = takes exactly one value"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"in\", \"values\": []}"), ".row_filters[0].values: in needs at least one value"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"in\"}"), ".row_filters[0].values: in needs at least one value"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"is_null\", \"value\": 1}"), ".row_filters[0].value: is_null takes no value"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"in\", \"value\": 1, \"values\": [1]}"), "value or values, not both"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"in\", \"values\": \"EU\"}"), ".row_filters[0].values must be an array"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"in\", \"values\": [\"EU\", null]}"), ".row_filters[0].values[1] must be a string, number or boolean, not null"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"in\", \"values\": [[\"EU\"]]}"), ".row_filters[0].values[0] must be a string, number or boolean, not an array"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"=\", \"value\": {\"x\": 1}}"), ".row_filters[0].value must be a string, number or boolean, not an object"),
        Arguments.of(withRelation("{\"column_masks\": []}"), ".column_masks must be an object, not an array"),
        Arguments.of(withRelation("{\"column_masks\": {\"\": {\"function\": \"null\"}}}"), "a column name must not be empty"),
        Arguments.of(withMask("\"email\""), "column_masks[\"amount\"] must be an object, not a string"),
        Arguments.of(withMask("{}"), "column_masks[\"amount\"].function is missing"),
        Arguments.of(withMask("{\"function\": 1}"), ".function must be a string"),
        Arguments.of(withMask("{\"function\": \"shuffle\"}"), ".function is not a mask function of contract v1"),
        Arguments.of(withMask("{\"function\": \"EMAIL\"}"), ".function is not a mask function"),
        Arguments.of(withMask("{\"function\": \"constant\"}"), "column_masks[\"amount\"].value is missing"),
        Arguments.of(withMask("{\"function\": \"constant\", \"value\": null}"), ".value must be a string, number or boolean, not null"),
        Arguments.of(withMask("{\"function\": \"constant\", \"value\": [1]}"), ".value must be a string, number or boolean, not an array"),
        Arguments.of(withMask("{\"function\": \"hash\", \"salt\": 5}"), ".salt must be a string, not a number"),
        Arguments.of(withMask("{\"function\": \"show_last\", \"n\": \"4\"}"), ".n must be an integer, not a string"),
        Arguments.of(withMask("{\"function\": \"show_last\", \"n\": 1.5}"), ".n must be an integer within the range of int"),
        Arguments.of(withMask("{\"function\": \"show_first\", \"n\": -1}"), ".n must not be negative"),
        Arguments.of(withMask("{\"function\": \"show_first\", \"n\": 3000000000}"), ".n must be an integer within the range of int"),
        Arguments.of(withMask("{\"function\": \"truncate_date\"}"), ".unit is missing"),
        Arguments.of(withMask("{\"function\": \"truncate_date\", \"unit\": \"week\"}"), ".unit must be year, month or day"),
        Arguments.of(withMask("{\"function\": \"truncate_date\", \"unit\": \"YEAR\"}"), ".unit must be year, month or day"),
        Arguments.of(withMask("{\"function\": \"round\"}"), "column_masks[\"amount\"].digits is missing"),
        Arguments.of(withMask("{\"function\": \"round\", \"digits\": \"2\"}"), ".digits must be an integer, not a string"),
        Arguments.of(withMask("{\"function\": \"expression\"}"), ".expression is missing"),
        Arguments.of(withMask("{\"function\": \"expression\", \"expression\": \"\"}"), ".expression must not be blank"),
        Arguments.of(withFilter("{\"expression\": \"a = 1\", \"policy\": 7}"), ".row_filters[0].policy must be a string, not a number"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"is_null\", \"policy\": null}"), ".row_filters[0].policy must be a string, not null"),
        Arguments.of(withFilter("{\"column\": \"a\", \"op\": \"is_null\", \"policy\": \"\"}"), ".row_filters[0].policy must not be empty"),
        Arguments.of(withMask("{\"function\": \"email\", \"policy\": [\"global.pii.email\"]}"), "column_masks[\"amount\"].policy must be a string, not an array"),
        Arguments.of(withMask("{\"function\": \"email\", \"policy\": \"\"}"), "column_masks[\"amount\"].policy must not be empty"),
        Arguments.of(withRelation("{\"denied_columns\": \"card_number\"}"), ".denied_columns must be an array"),
        Arguments.of(withRelation("{\"denied_columns\": [1]}"), ".denied_columns[0] must be a string"),
        Arguments.of(withRelation("{\"denied_columns\": [\"\"]}"), ".denied_columns[0] must not be empty"));
  }

  @ParameterizedTest
  @MethodSource("malformedDecisions")
  void rejectsOffContractDecisionsNamingTheField(String json, String expectedMessagePart) {
    MalformedDecision error = assertThrows(MalformedDecision.class, () -> parse(json));

    assertTrue(
        error.getMessage().contains(expectedMessagePart),
        () -> "message \"" + error.getMessage() + "\" does not contain \"" + expectedMessagePart + "\"");
  }

  @Test
  void messagesCarryNoValuesFromTheDecision() {
    String secret = "4111-1111-1111-1111";
    List<String> decisions =
        List.of(
            withFilter("{\"column\": \"card\", \"op\": \"" + secret + "\", \"value\": 1}"),
            withFilter("{\"column\": \"card\", \"op\": \"in\", \"values\": [\"" + secret + "\", null]}"),
            withMask("{\"function\": \"" + secret + "\"}"),
            withMask("{\"function\": \"truncate_date\", \"unit\": \"" + secret + "\"}"),
            withMask("{\"function\": \"email\", \"policy\": [\"" + secret + "\"]}"));

    for (String json : decisions) {
      MalformedDecision error = assertThrows(MalformedDecision.class, () -> parse(json));
      assertFalse(error.getMessage().contains(secret), error.getMessage());
    }
  }
}
