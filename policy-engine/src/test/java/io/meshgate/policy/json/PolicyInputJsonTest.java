package io.meshgate.policy.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.Access;
import io.meshgate.policy.DdlAction;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyInputJsonTest {

  private static final RequestContext CONTEXT =
      new RequestContext("mesh", "127.0.0.1", "psql", "b1f6", Instant.parse("2026-11-21T10:15:00Z"));

  private static final RelationAccess ORDERS =
      new RelationAccess(
          new RelationName("mesh", "sales", "orders"),
          Access.READ,
          List.of("order_id", "store_id", "customer_email", "amount", "region"),
          List.of("order_id", "amount"));

  private static PolicyInput input(Subject subject, StatementKind kind, List<RelationAccess> relations) {
    return new PolicyInput(subject, CONTEXT, kind, relations);
  }

  @Test
  void encodesTheContractExampleFieldForField() {
    Subject alice =
        new Subject("alice", List.of("analysts", "region_eu"), Map.of("region", "EU", "department", "marketing"));

    String json = PolicyInputJson.encode(input(alice, StatementKind.SELECT, List.of(ORDERS)));

    assertEquals(
        "{\"version\":1,"
            + "\"subject\":{\"user\":\"alice\",\"groups\":[\"analysts\",\"region_eu\"],"
            + "\"attributes\":{\"department\":\"marketing\",\"region\":\"EU\"}},"
            + "\"context\":{\"database\":\"mesh\",\"client_address\":\"127.0.0.1\","
            + "\"application_name\":\"psql\",\"session_id\":\"b1f6\",\"time\":\"2026-11-21T10:15:00Z\"},"
            + "\"statement\":{\"kind\":\"select\",\"ddl_action\":\"\",\"relations\":[{\"catalog\":\"mesh\",\"schema\":\"sales\","
            + "\"table\":\"orders\",\"access\":\"read\","
            + "\"columns\":[\"order_id\",\"store_id\",\"customer_email\",\"amount\",\"region\"],"
            + "\"referenced_columns\":[\"order_id\",\"amount\"]}]}}",
        json);
  }

  @Test
  void spellsKindsAndAccessesAsTheContract() {
    RelationAccess written =
        new RelationAccess(new RelationName("mesh", "sales", "orders"), Access.DELETE, List.of(), List.of());

    JsonNode json =
        PolicyInputJson.toJson(input(new Subject("bob", List.of(), Map.of()), StatementKind.COPY_OUT, List.of(written)));

    assertEquals("copy_out", json.at("/statement/kind").textValue());
    assertEquals("delete", json.at("/statement/relations/0/access").textValue());
    assertTrue(json.at("/subject/groups").isArray());
    assertTrue(json.at("/subject/attributes").isObject());
    assertEquals(0, json.at("/subject/attributes").size());
  }

  @Test
  void spellsDdlActionsAndTheDdlAccess() {
    RelationAccess target =
        new RelationAccess(new RelationName("mesh", "sales", "orders"), Access.DDL, List.of("order_id"), List.of("note"));

    JsonNode json = PolicyInputJson.toJson(new PolicyInput(new Subject("bob", List.of(), Map.of()), CONTEXT,
        StatementKind.DDL, List.of(target), Optional.of(DdlAction.ADD_COLUMN)));

    assertEquals("ddl", json.at("/statement/kind").textValue());
    assertEquals("add_column", json.at("/statement/ddl_action").textValue());
    assertEquals("ddl", json.at("/statement/relations/0/access").textValue());
    assertEquals("note", json.at("/statement/relations/0/referenced_columns/0").textValue());
  }

  @Test
  void aDdlActionBelongsToDdlOnly() {
    Subject bob = new Subject("bob", List.of(), Map.of());
    assertThrows(IllegalArgumentException.class, () -> new PolicyInput(bob, CONTEXT, StatementKind.SELECT, List.of(),
        Optional.of(DdlAction.DROP_TABLE)));
    assertThrows(IllegalArgumentException.class, () -> new PolicyInput(bob, CONTEXT, StatementKind.DDL, List.of()));
  }

  @Test
  void writesTimeAsRfc3339InUtc() {
    RequestContext withMillis =
        new RequestContext("mesh", "::1", "", "s", Instant.parse("2026-01-02T03:04:05.678Z"));

    JsonNode json =
        PolicyInputJson.toJson(
            new PolicyInput(new Subject("bob", List.of(), Map.of()), withMillis, StatementKind.SELECT, List.of()));

    assertEquals("2026-01-02T03:04:05.678Z", json.at("/context/time").textValue());
  }

  @Test
  void keepsAttributeTypes() {
    Map<String, Object> attributes =
        Map.of(
            "clearance", 3,
            "budget", new BigDecimal("1000.50"),
            "active", true,
            "regions", List.of("EU", "US"),
            "manager", Map.of("name", "Grace", "level", 7L));

    JsonNode json =
        PolicyInputJson.toJson(input(new Subject("carol", List.of(), attributes), StatementKind.SELECT, List.of()));

    JsonNode written = json.at("/subject/attributes");
    assertEquals(3, written.get("clearance").intValue());
    assertEquals(new BigDecimal("1000.50"), written.get("budget").decimalValue());
    assertTrue(written.get("active").booleanValue());
    assertEquals("US", written.at("/regions/1").textValue());
    assertEquals(7L, written.at("/manager/level").longValue());
  }

  @Test
  void refusesAttributesThatAreNotJson() {
    PolicyInput withObject =
        input(new Subject("carol", List.of(), Map.of("since", Instant.EPOCH)), StatementKind.SELECT, List.of());
    List<Object> withNull = new ArrayList<>();
    withNull.add(null);
    PolicyInput withNullInList =
        input(new Subject("carol", List.of(), Map.of("regions", withNull)), StatementKind.SELECT, List.of());
    PolicyInput withNotANumber =
        input(new Subject("carol", List.of(), Map.of("score", Double.NaN)), StatementKind.SELECT, List.of());

    IllegalArgumentException object =
        assertThrows(IllegalArgumentException.class, () -> PolicyInputJson.toJson(withObject));
    IllegalArgumentException nullInList =
        assertThrows(IllegalArgumentException.class, () -> PolicyInputJson.toJson(withNullInList));
    IllegalArgumentException notANumber =
        assertThrows(IllegalArgumentException.class, () -> PolicyInputJson.toJson(withNotANumber));

    assertTrue(object.getMessage().contains("attributes.since"), object.getMessage());
    assertTrue(nullInList.getMessage().contains("attributes.regions[0]"), nullInList.getMessage());
    assertTrue(notANumber.getMessage().contains("attributes.score"), notANumber.getMessage());
  }

  @Test
  void wrapsTheInputForOpa() throws Exception {
    PolicyInput input = input(new Subject("dave", List.of("auditors"), Map.of()), StatementKind.SELECT, List.of(ORDERS));

    JsonNode body = new ObjectMapper().readTree(new String(PolicyInputJson.opaRequestBody(input), StandardCharsets.UTF_8));

    assertEquals(1, body.size());
    assertEquals(PolicyInputJson.toJson(input), body.get("input"));
  }
}
