package io.meshgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.jsonl.ChainHash;
import io.meshgate.audit.jsonl.ChainedLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The schema an auditor reads in {@code audit/README.md} ("Event schema, version N") is the
 * schema the writer emits: the same version, the same fields in the same order at every level,
 * each of the documented JSON type, and null only where the documentation says nullable.
 */
class SchemaDocumentationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path README = Path.of("README.md");
  private static final Pattern SECTION = Pattern.compile("^## Event schema, version (\\d+)$");
  private static final Pattern FIELD = Pattern.compile("^\\| `([a-z_]+)` \\| ([^|]+) \\|");
  private static final String TOP_LEVEL = "event";

  /** Events that between them fill every field, and hold null wherever one may be null. */
  private static final List<AuditEvent> SAMPLES =
      List.of(
          SampleEvents.allowedSelect()
              .withTransaction(new AuditTransaction(3, 2, AuditTransaction.State.OPEN, null)),
          SampleEvents.denied()
              .withTransaction(new AuditTransaction(1, 1, AuditTransaction.State.ROLLED_BACK, null)),
          SampleEvents.utility()
              .withTransaction(new AuditTransaction(3, 5, AuditTransaction.State.OPEN, 3L)),
          SampleEvents.deniedDdl(),
          new AuditEvent(
              AuditEvent.randomEventId(),
              SampleEvents.TIME,
              "b1f6c0de",
              "alice",
              List.of(),
              "127.0.0.1",
              "",
              "mesh",
              "select",
              "select 1/0",
              "SELECT 1 / 0",
              List.of(),
              null,
              new AuditOutcome(AuditOutcome.Status.FAILED, "22012", 0, 0, 90, "division by zero"),
              "postgresql://127.0.0.1:5432/mesh"));

  @Test
  void theDocumentedVersionIsTheWrittenOne() throws IOException {
    assertEquals(AuditEvent.SCHEMA_VERSION, documentedVersion());
    for (AuditEvent sample : SAMPLES) {
      assertEquals(AuditEvent.SCHEMA_VERSION, line(sample).get("schema_version").intValue());
    }
  }

  @Test
  void everyLevelHasExactlyTheDocumentedFieldsInOrder() throws IOException {
    Map<String, Map<String, String>> documented = documentedTables();
    assertEquals(List.of(TOP_LEVEL, "relations[]", "decision", "outcome", "transaction"),
        List.copyOf(documented.keySet()), "the tables of the schema section");
    for (AuditEvent sample : SAMPLES) {
      JsonNode line = line(sample);
      assertEquals(List.copyOf(documented.get(TOP_LEVEL).keySet()), names(line));
      for (JsonNode relation : line.get("relations")) {
        assertEquals(List.copyOf(documented.get("relations[]").keySet()), names(relation));
      }
      if (!line.get("decision").isNull()) {
        assertEquals(List.copyOf(documented.get("decision").keySet()), names(line.get("decision")));
      }
      assertEquals(List.copyOf(documented.get("outcome").keySet()), names(line.get("outcome")));
      if (!line.get("transaction").isNull()) {
        assertEquals(List.copyOf(documented.get("transaction").keySet()), names(line.get("transaction")));
      }
    }
  }

  @Test
  void everyFieldHasItsDocumentedTypeAndIsNullOnlyWhereDocumented() throws IOException {
    Map<String, Map<String, String>> documented = documentedTables();
    Map<String, Boolean> seenNull = new LinkedHashMap<>();
    for (AuditEvent sample : SAMPLES) {
      JsonNode line = line(sample);
      checkTypes(documented.get(TOP_LEVEL), line, "", seenNull);
      for (JsonNode relation : line.get("relations")) {
        checkTypes(documented.get("relations[]"), relation, "relations[].", seenNull);
      }
      if (!line.get("decision").isNull()) {
        checkTypes(documented.get("decision"), line.get("decision"), "decision.", seenNull);
      }
      checkTypes(documented.get("outcome"), line.get("outcome"), "outcome.", seenNull);
      if (!line.get("transaction").isNull()) {
        checkTypes(documented.get("transaction"), line.get("transaction"), "transaction.", seenNull);
      }
    }
    // The samples cover each nullable field's null, so a field documented nullable by mistake
    // (or one whose null the writer stopped emitting) shows up here.
    seenNull.forEach((field, wasNull) -> assertTrue(wasNull, field + " is documented nullable"));
  }

  private static void checkTypes(
      Map<String, String> table, JsonNode object, String prefix, Map<String, Boolean> seenNull) {
    table.forEach(
        (name, type) -> {
          JsonNode value = object.get(name);
          boolean nullable = type.endsWith(", **nullable**");
          String baseType = nullable ? type.substring(0, type.indexOf(", **nullable**")) : type;
          if (nullable) {
            seenNull.merge(prefix + name, value.isNull(), Boolean::logicalOr);
          }
          if (value.isNull()) {
            assertTrue(nullable, prefix + name + " is null but documented as " + type);
            return;
          }
          assertTrue(
              hasType(value, baseType),
              prefix + name + " is documented as " + type + " but written as " + value);
        });
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "integer", "integer ≥ 0" ->
          value.isIntegralNumber() && (type.equals("integer") || value.longValue() >= 0);
      case "integer ≥ 1" -> value.isIntegralNumber() && value.longValue() >= 1;
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "object" -> value.isObject();
      case "array of strings" -> value.isArray() && all(value, JsonNode::isTextual);
      case "array of objects" -> value.isArray() && all(value, JsonNode::isObject);
      case "object, string → string" -> value.isObject() && all(value, JsonNode::isTextual);
      case "array of strings and nulls" ->
          value.isArray() && all(value, element -> element.isTextual() || element.isNull());
      case "object, string → string or null" ->
          value.isObject() && all(value, element -> element.isTextual() || element.isNull());
      default -> throw new AssertionError("a JSON type this test does not know: " + type);
    };
  }

  private static boolean all(JsonNode container, java.util.function.Predicate<JsonNode> test) {
    for (JsonNode element : container) {
      if (!test.test(element)) {
        return false;
      }
    }
    return true;
  }

  private static int documentedVersion() throws IOException {
    for (String text : Files.readAllLines(README, StandardCharsets.UTF_8)) {
      Matcher section = SECTION.matcher(text);
      if (section.matches()) {
        return Integer.parseInt(section.group(1));
      }
    }
    throw new AssertionError("README.md has no '## Event schema, version N' section");
  }

  /**
   * The field tables of the schema section: the event's own, then each one introduced by a line
   * naming it ({@code `relations[]`:}), as field name to JSON type, in documented order.
   */
  private static Map<String, Map<String, String>> documentedTables() throws IOException {
    Map<String, Map<String, String>> tables = new LinkedHashMap<>();
    boolean inSection = false;
    String current = TOP_LEVEL;
    for (String text : Files.readAllLines(README, StandardCharsets.UTF_8)) {
      if (text.startsWith("## ")) {
        if (inSection) {
          break;
        }
        inSection = SECTION.matcher(text).matches();
        continue;
      }
      if (!inSection) {
        continue;
      }
      Matcher introduction = Pattern.compile("^`([a-z_\\[\\]]+)`:$").matcher(text);
      if (introduction.matches()) {
        current = introduction.group(1);
        continue;
      }
      Matcher field = FIELD.matcher(text);
      if (field.find()) {
        Map<String, String> table = tables.computeIfAbsent(current, name -> new LinkedHashMap<>());
        String previous = table.put(field.group(1), field.group(2).trim());
        assertFalse(previous != null, field.group(1) + " is documented twice in " + current);
      }
    }
    assertFalse(tables.isEmpty(), "no field tables found in the schema section of README.md");
    return tables;
  }

  private static JsonNode line(AuditEvent event) throws IOException {
    byte[] bytes = ChainedLine.encode(1, ChainHash.GENESIS, event).bytes();
    return JSON.readTree(bytes);
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
