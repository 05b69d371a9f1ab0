package io.meshgate.policy.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshgate.policy.DdlAction;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.Subject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link PolicyInput} as the JSON of policy contract v1, field for field as the
 * contract spells it: {@code version}, {@code subject}, {@code context}, {@code statement}
 * (with {@code kind}, {@code ddl_action} and {@code relations}).
 */
public final class PolicyInputJson {

  private static final JsonNodeFactory NODES = ContractJson.MAPPER.getNodeFactory();

  private PolicyInputJson() {}

  /**
   * The input as a JSON tree.
   *
   * @throws IllegalArgumentException if a subject attribute is not JSON-compatible (strings,
   *     numbers, booleans, lists and maps with string keys of those)
   */
  public static ObjectNode toJson(PolicyInput input) {
    requireNonNull(input, "input is null");
    ObjectNode json = NODES.objectNode();
    json.put("version", PolicyInput.VERSION);
    json.set("subject", subject(input.subject()));
    json.set("context", context(input.context()));
    ObjectNode statement = json.putObject("statement");
    statement.put("kind", input.kind().wireName());
    // Always present, as every field of the input: empty for every kind but ddl.
    statement.put("ddl_action", input.ddlAction().map(DdlAction::wireName).orElse(""));
    ArrayNode relations = statement.putArray("relations");
    for (RelationAccess relation : input.relations()) {
      relations.add(relation(relation));
    }
    return json;
  }

  /** The input as compact JSON text. */
  public static String encode(PolicyInput input) {
    return write(toJson(input));
  }

  /** The body of an OPA data API request: {@code {"input": <input>}}, UTF-8. */
  public static byte[] opaRequestBody(PolicyInput input) {
    ObjectNode body = NODES.objectNode();
    body.set("input", toJson(input));
    return write(body).getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode subject(Subject subject) {
    ObjectNode json = NODES.objectNode();
    json.put("user", subject.user());
    ArrayNode groups = json.putArray("groups");
    subject.groups().forEach(groups::add);
    ObjectNode attributes = json.putObject("attributes");
    // Sorted so that equal subjects give byte-identical inputs (logs, caches, diffs).
    subject.attributes().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            entry ->
                attributes.set(
                    entry.getKey(), attributeValue(entry.getValue(), "attributes." + entry.getKey())));
    return json;
  }

  private static ObjectNode context(RequestContext context) {
    ObjectNode json = NODES.objectNode();
    json.put("database", context.database());
    json.put("client_address", context.clientAddress());
    json.put("application_name", context.applicationName());
    json.put("session_id", context.sessionId());
    // ISO_INSTANT is RFC 3339 in UTC ("2026-11-21T10:15:00Z"), fractions only when present.
    json.put("time", DateTimeFormatter.ISO_INSTANT.format(context.time()));
    return json;
  }

  private static ObjectNode relation(RelationAccess access) {
    ObjectNode json = NODES.objectNode();
    json.put("catalog", access.relation().catalog());
    json.put("schema", access.relation().schema());
    json.put("table", access.relation().table());
    json.put("access", access.access().wireName());
    ArrayNode columns = json.putArray("columns");
    access.columns().forEach(columns::add);
    ArrayNode referenced = json.putArray("referenced_columns");
    access.referencedColumns().forEach(referenced::add);
    return json;
  }

  private static JsonNode attributeValue(Object value, String path) {
    return switch (value) {
      case null -> throw new IllegalArgumentException("subject " + path + " is null");
      case String text -> NODES.textNode(text);
      case Boolean bool -> NODES.booleanNode(bool);
      case Integer number -> NODES.numberNode(number);
      case Long number -> NODES.numberNode(number);
      case Short number -> NODES.numberNode(number);
      case Byte number -> NODES.numberNode(number);
      case BigInteger number -> NODES.numberNode(number);
      case BigDecimal number -> NODES.numberNode(number);
      case Double number -> NODES.numberNode(finite(number, path));
      case Float number -> NODES.numberNode(finite(number.doubleValue(), path));
      case List<?> list -> {
        ArrayNode array = NODES.arrayNode();
        for (int index = 0; index < list.size(); index++) {
          array.add(attributeValue(list.get(index), path + "[" + index + "]"));
        }
        yield array;
      }
      case Map<?, ?> map -> {
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!(entry.getKey() instanceof String key)) {
            throw new IllegalArgumentException("subject " + path + " has a key that is not a string");
          }
          object.set(key, attributeValue(entry.getValue(), path + "." + key));
        }
        yield object;
      }
      default ->
          throw new IllegalArgumentException(
              "subject "
                  + path
                  + " is a "
                  + value.getClass().getName()
                  + ", not a string, number, boolean, list or map");
    };
  }

  private static double finite(double number, String path) {
    if (!Double.isFinite(number)) {
      throw new IllegalArgumentException("subject " + path + " is not a finite number");
    }
    return number;
  }

  private static String write(JsonNode node) {
    try {
      return ContractJson.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree of plain nodes always serializes; this would be a Jackson bug.
      throw new IllegalStateException("policy input could not be written as JSON", e);
    }
  }
}
