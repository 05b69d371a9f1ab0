package io.meshgate.audit.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditRelation;
import io.meshgate.audit.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainedLineTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREVIOUS = "ab".repeat(32);

  @Test
  void lineHasExactlyTheDocumentedFieldsInOrder() throws Exception {
    JsonNode line = parse(ChainedLine.encode(7, PREVIOUS, SampleEvents.allowedSelect()));

    assertEquals(
        List.of(
            "schema_version", "seq", "prev_hash", "event_id", "time", "session_id", "user",
            "groups", "client_address", "application_name", "database", "statement_kind",
            "ddl_action", "sql", "rewritten_sql", "relations", "decision", "outcome", "transaction",
            "backend", "hash"),
        names(line));
    assertEquals(
        List.of(
            "relation", "access", "columns", "row_filters", "masks", "denied_columns",
            "row_filter_policies", "mask_policies"),
        names(line.get("relations").get(0)));
    assertEquals(
        List.of("allow", "reasons", "policies", "policy_revision"), names(line.get("decision")));
    assertEquals(
        List.of("status", "sql_state", "rows", "bytes", "duration_micros", "message"),
        names(line.get("outcome")));
  }

  /**
   * Fields encoded apart from the chain (on the callers' threads) must give the very bytes that
   * one generator writing the whole line gives, or lines written before and after the change
   * would be spelled differently and a verifier in another language might disagree.
   */
  @Test
  void fieldsEncodedApartGiveTheSameBytesAsOneGeneratorForTheWholeLine() throws Exception {
    List<AuditEvent> events = List.of(
        SampleEvents.allowedSelect(),
        SampleEvents.denied(),
        SampleEvents.utility(),
        SampleEvents.deniedDdl(),
        SampleEvents.allowedSelect("zoë", "SELECT '\u00e9\ud83d\ude00 \"quoted\" \\ back\tslash\n\u0001', '\ud800'"),
        SampleEvents.allowedSelect("u", "SELECT '</script>' -- \u2028 \u007f"));
    ChainedLine.Encoder encoder = new ChainedLine.Encoder();
    String previous = ChainHash.GENESIS;
    long seq = 41;
    for (AuditEvent event : events) {
      seq++;
      ChainedLine.Encoded apart = encoder.encode(seq, previous, ChainedLine.encodeFields(event));
      byte[] whole = wholeLineWithOneGenerator(seq, previous, event);
      assertEquals(new String(whole, StandardCharsets.UTF_8), new String(apart.bytes(), StandardCharsets.UTF_8));
      assertTrue(Arrays.equals(whole, apart.bytes()));
      assertTrue(ChainedLine.decode(withoutNewline(apart)).hashMatches());
      assertEquals(apart.hash(), ChainedLine.decode(withoutNewline(apart)).hash());
      previous = apart.hash();
    }
  }

  /** How lines were written before fields were encoded apart: one generator, hash appended. */
  private static byte[] wholeLineWithOneGenerator(long seq, String previous, AuditEvent event) throws Exception {
    java.io.ByteArrayOutputStream canonical = new java.io.ByteArrayOutputStream();
    com.fasterxml.jackson.core.JsonFactory factory = com.fasterxml.jackson.core.JsonFactory.builder()
        .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    try (com.fasterxml.jackson.core.JsonGenerator json =
        factory.createGenerator(canonical, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeNumberField("schema_version", AuditEvent.SCHEMA_VERSION);
      json.writeNumberField("seq", seq);
      json.writeStringField("prev_hash", previous);
      EventJson.writeFields(json, event);
      json.writeEndObject();
    }
    byte[] bytes = canonical.toByteArray();
    String hash = ChainHash.of(previous, bytes);
    String body = new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
    return (body + ",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void spellsValuesAsDocumented() throws Exception {
    AuditEvent event = SampleEvents.allowedSelect();
    JsonNode line = parse(ChainedLine.encode(7, PREVIOUS, event));

    assertEquals(1, line.get("schema_version").intValue());
    assertEquals(7, line.get("seq").longValue());
    assertEquals(PREVIOUS, line.get("prev_hash").textValue());
    assertEquals(event.eventId(), line.get("event_id").textValue());
    assertEquals("2026-11-21T10:15:00.123456Z", line.get("time").textValue());
    assertEquals("select", line.get("statement_kind").textValue());
    assertEquals("ok", line.get("outcome").get("status").textValue());
    assertEquals(1_250, line.get("outcome").get("duration_micros").longValue());
    // Masks come out sorted by column whatever the map's order.
    assertEquals(
        List.of("amount", "customer_email"), names(line.get("relations").get(0).get("masks")));
    assertEquals("rev-42", line.get("decision").get("policy_revision").textValue());
  }

  @Test
  void spellsPolicyIdsBesideTheFiltersAndMasksTheyProduced() throws Exception {
    JsonNode relation =
        parse(ChainedLine.encode(7, PREVIOUS, SampleEvents.allowedSelect())).get("relations").get(0);

    // One id per filter, by position; masks' keys sorted like masks; null where none was named.
    assertEquals(
        JSON.readTree("[\"sales.orders.regional\", null]"), relation.get("row_filter_policies"));
    assertEquals(
        JSON.readTree("{\"amount\": null, \"customer_email\": \"global.pii.email\"}"),
        relation.get("mask_policies"));
    assertEquals(names(relation.get("masks")), names(relation.get("mask_policies")));
  }

  @Test
  void aRelationWithoutPolicyIdsReadsBackWithoutThem() throws Exception {
    ObjectNode line =
        (ObjectNode) parse(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.allowedSelect()));
    ObjectNode relation = (ObjectNode) line.get("relations").get(0);
    relation.remove(List.of("row_filter_policies", "mask_policies"));

    AuditRelation read = EventJson.read(line).relations().get(0);

    assertEquals(List.of(Optional.empty(), Optional.empty()), read.rowFilterPolicies());
    assertEquals(Map.of(), read.maskPolicies());
    assertEquals(SampleEvents.orders().masks(), read.masks());
  }

  @Test
  void policyIdsMustMatchTheFiltersAndMasks() throws Exception {
    ObjectNode line =
        (ObjectNode) parse(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.allowedSelect()));
    ObjectNode relation = (ObjectNode) line.get("relations").get(0);

    relation.set("row_filter_policies", JSON.readTree("[\"sales.orders.regional\"]"));
    assertThrows(IllegalArgumentException.class, () -> EventJson.read(line));
    relation.set("row_filter_policies", JSON.readTree("[1, null]"));
    assertThrows(IllegalArgumentException.class, () -> EventJson.read(line));
    relation.set("row_filter_policies", JSON.readTree("[null, null]"));
    relation.set("mask_policies", JSON.readTree("{\"customer_email\": \"global.pii.email\"}"));
    assertThrows(IllegalArgumentException.class, () -> EventJson.read(line));
    relation.set("mask_policies", JSON.readTree("{\"amount\": null, \"customer_email\": null}"));
    assertEquals(Map.of(), EventJson.read(line).relations().get(0).maskPolicies());
  }

  @Test
  void nullableFieldsArePresentAsNull() throws Exception {
    JsonNode denied = parse(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.denied()));
    JsonNode utility = parse(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.utility()));

    assertTrue(denied.get("rewritten_sql").isNull());
    assertTrue(denied.get("decision").get("policy_revision").isNull());
    assertEquals("denied", denied.get("outcome").get("status").textValue());
    assertEquals("42501", denied.get("outcome").get("sql_state").textValue());
    assertEquals("", denied.get("application_name").textValue());
    assertTrue(utility.get("decision").isNull());
    assertTrue(utility.get("outcome").get("sql_state").isNull());
    assertTrue(utility.get("outcome").get("message").isNull());
    assertTrue(utility.get("ddl_action").isNull());
    assertTrue(denied.get("ddl_action").isNull());
  }

  @Test
  void aDdlStatementCarriesItsActionAfterItsKind() throws Exception {
    JsonNode line = parse(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.deniedDdl()));

    assertEquals("ddl", line.get("statement_kind").textValue());
    assertEquals("drop_table", line.get("ddl_action").textValue());
    assertEquals("denied", line.get("outcome").get("status").textValue());
  }

  @Test
  void aLineWithoutDdlActionReadsBackWithNone() throws Exception {
    // As a Meshgate before ddl_action wrote a DDL statement: its kind, and no action field.
    ObjectNode line =
        (ObjectNode) parse(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.deniedDdl()));
    line.remove("ddl_action");

    AuditEvent read = EventJson.read(line);

    assertEquals("ddl", read.statementKind());
    assertEquals(null, read.ddlAction());
    assertEquals(SampleEvents.deniedDdl().sql(), read.sql());
  }

  @Test
  void aDdlActionMustBeAStringOrNull() throws Exception {
    ObjectNode line =
        (ObjectNode) parse(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.deniedDdl()));

    line.put("ddl_action", 1);
    IllegalArgumentException number =
        assertThrows(IllegalArgumentException.class, () -> EventJson.read(line));
    assertTrue(number.getMessage().contains("ddl_action"), number.getMessage());
    line.put("ddl_action", "DROP TABLE");
    assertThrows(IllegalArgumentException.class, () -> EventJson.read(line));
    line.putNull("ddl_action");
    assertEquals(null, EventJson.read(line).ddlAction());
    line.put("statement_kind", "select");
    line.put("ddl_action", "drop_table");
    assertThrows(IllegalArgumentException.class, () -> EventJson.read(line));
  }

  @Test
  void readingBackGivesTheSameEvent() throws Exception {
    for (AuditEvent event :
        List.of(SampleEvents.allowedSelect(), SampleEvents.denied(), SampleEvents.utility(),
            SampleEvents.deniedDdl())) {
      ChainedLine.Encoded encoded = ChainedLine.encode(3, PREVIOUS, event);
      ChainedLine.Decoded decoded = ChainedLine.decode(withoutNewline(encoded));

      assertEquals(event, EventJson.read(decoded.json()));
    }
  }

  @Test
  void textThatNeedsEscapingSurvivesTheRoundTrip() throws Exception {
    String sql = "select '\"quoted\" \\ back\nslash\t\u0001 é 😀 \u2028 lone \uD800'";
    AuditEvent event = SampleEvents.allowedSelect("zoë", sql);
    ChainedLine.Encoded encoded = ChainedLine.encode(1, ChainHash.GENESIS, event);

    // One line: no raw end of line inside it.
    assertEquals(encoded.bytes().length - 1, indexOf(encoded.bytes(), (byte) '\n'));
    assertEquals(event, EventJson.read(ChainedLine.decode(withoutNewline(encoded)).json()));
    assertTrue(new String(encoded.bytes(), StandardCharsets.UTF_8).contains("😀"));
  }

  @Test
  void hashFollowsTheDocumentedDefinition() throws Exception {
    ChainedLine.Encoded encoded = ChainedLine.encode(5, PREVIOUS, SampleEvents.allowedSelect());
    String line = new String(encoded.bytes(), StandardCharsets.UTF_8);

    // Recomputed from the README's words, without ChainedLine or ChainHash: the line without
    // its end of line and its last member ,"hash":"…", closed again with }, after prev_hash.
    assertTrue(line.endsWith("\"}\n"));
    String withoutEnd = line.substring(0, line.length() - 1);
    int hashMember = withoutEnd.lastIndexOf(",\"hash\":\"");
    String canonical = withoutEnd.substring(0, hashMember) + "}";
    String expected = sha256Hex(PREVIOUS + canonical);

    assertEquals(expected, encoded.hash());
    assertEquals(expected, JSON.readTree(line).get("hash").textValue());
    assertEquals(
        "{\"schema_version\":1,\"seq\":5,\"prev_hash\":\"" + PREVIOUS + "\",\"event_id\":",
        canonical.substring(0, canonical.indexOf("\"event_id\":") + 11));
  }

  @Test
  void decodeFindsAnEditedLine() throws Exception {
    byte[] line =
        withoutNewline(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.allowedSelect()));
    String edited = new String(line, StandardCharsets.UTF_8).replace("\"rows\":3", "\"rows\":4");

    ChainedLine.Decoded decoded = ChainedLine.decode(edited.getBytes(StandardCharsets.UTF_8));

    assertFalse(decoded.hashMatches());
  }

  @Test
  void decodeRejectsLinesThatBreakTheLayout() throws Exception {
    String line =
        new String(
            withoutNewline(ChainedLine.encode(1, ChainHash.GENESIS, SampleEvents.utility())),
            StandardCharsets.UTF_8);
    String hashMember = line.substring(line.lastIndexOf(",\"hash\":"), line.length() - 1);
    String otherMembers = line.substring(1, line.lastIndexOf(",\"hash\":"));
    String hashFirst = "{" + hashMember.substring(1) + "," + otherMembers + "}";
    String duplicateName = line.substring(0, line.length() - 1) + ",\"seq\":2}";

    assertProblem("not JSON", "{\"seq\":1,");
    assertProblem("not JSON", "");
    assertProblem("not JSON", line + " {}");
    assertProblem("not a JSON object", "[1,2]");
    assertProblem("hash is not the last field", hashFirst);
    assertProblem("not JSON", duplicateName);
    assertProblem("missing or malformed seq", line.replace("\"seq\":1", "\"seq\":\"1\""));
    assertProblem(
        "missing or malformed prev_hash", line.replace(ChainHash.GENESIS, "0".repeat(63)));
  }

  private static void assertProblem(String expectedStart, String line) {
    ChainedLine.MalformedLineException problem =
        assertThrows(
            ChainedLine.MalformedLineException.class,
            () -> ChainedLine.decode(line.getBytes(StandardCharsets.UTF_8)));
    assertTrue(
        problem.getMessage().startsWith(expectedStart),
        () -> "expected '" + expectedStart + "…' but was '" + problem.getMessage() + "'");
  }

  private static JsonNode parse(ChainedLine.Encoded encoded) throws Exception {
    return JSON.readTree(encoded.bytes());
  }

  private static byte[] withoutNewline(ChainedLine.Encoded encoded) {
    return Arrays.copyOf(encoded.bytes(), encoded.bytes().length - 1);
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int index = 0; index < bytes.length; index++) {
      if (bytes[index] == wanted) {
        return index;
      }
    }
    return -1;
  }

  static String sha256Hex(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
