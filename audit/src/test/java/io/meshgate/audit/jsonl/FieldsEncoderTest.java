package io.meshgate.audit.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.meshgate.audit.AuditDecision;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditRelation;
import io.meshgate.audit.AuditTransaction;
import io.meshgate.audit.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The parts-and-caches encoding must spell every event exactly as one Jackson generator writing
 * the whole object does: the hash chain is over the bytes as written, and lines written before
 * and after the change must read the same to any verifier.
 */
class FieldsEncoderTest {

  // Everything JSON escapes or Jackson treats specially: quotes, backslashes, controls with and
  // without short escapes, DEL, non-ASCII, a pair and a lone surrogate, U+2028, empty.
  private static final List<String> HOSTILE = List.of(
      "", "plain", "\"", "\\", "a\"b\\c", "tab\there", "new\nline", "\r\b\f", "\u0000\u0001\u001f",
      "\u007f", "zoë", "😀", "\ud800", "x\udc00y", "\u2028\u2029", "</script>", "'quoted'",
      "SELECT \"order_id\" FROM \"sales\".\"orders\" WHERE \"region\" IN ('EU')");

  // The audit event takes only lowercase words as a DDL action (as the contract spells them), so
  // these are the values a line can hold: every action of the contract, and words it may add.
  private static final List<String> DDL_ACTIONS = List.of(
      "create_table", "drop_table", "truncate", "rename_table", "add_column", "drop_column",
      "rename_column", "create_index", "drop_index", "comment", "x", "a_", "some_future_action");

  @Test
  void spellsHostileValuesInEveryFieldExactlyAsJacksonDoes() throws Exception {
    Random random = new Random(20261121);
    for (int round = 0; round < 2_000; round++) {
      AuditEvent event = randomEvent(random);
      assertSameAsJackson(event);
    }
  }

  @Test
  void partsRepeatedByIdentityAreReusedWithTheirOwnPerEventFields() throws Exception {
    AuditEvent first = SampleEvents.allowedSelect();
    // The same session, statement and policy objects, as a prepared statement executed again.
    AuditEvent again = new AuditEvent(UUID.randomUUID().toString(), Instant.parse("2027-01-02T03:04:05.000007Z"),
        first.sessionId(), first.user(), first.groups(), first.clientAddress(), first.applicationName(),
        first.database(), first.statementKind(), first.sql(), first.rewrittenSql(), first.relations(),
        first.decision(), new AuditOutcome(AuditOutcome.Status.FAILED, "22012", 0, 9, 77, "division by \"zero\""),
        first.backend());
    assertSameAsJackson(first);
    assertSameAsJackson(again);
    assertSameAsJackson(first);
  }

  @Test
  void equalValuesThatAreNotTheSameObjectsNeverServeAnotherEventsParts() throws Exception {
    AuditEvent first = SampleEvents.allowedSelect("alice", "select 1");
    assertSameAsJackson(first);
    // Same session id and statement text objects, but another user, groups and relations.
    AuditEvent other = new AuditEvent(UUID.randomUUID().toString(), first.time(), first.sessionId(), "bob",
        List.of("weather_team"), first.clientAddress(), first.applicationName(), first.database(),
        first.statementKind(), first.sql(), null, List.of(), null, AuditOutcome.ok(1, 2, 3), first.backend());
    assertSameAsJackson(other);
    assertSameAsJackson(first);
  }

  @Test
  void aDdlActionIsPartOfTheStatementsCachedEncoding() throws Exception {
    AuditEvent drop = SampleEvents.deniedDdl();
    assertSameAsJackson(drop);
    // The very same kind, text and policy objects, but another action or none: the statement
    // part cached for the first event must not be served for these.
    for (String action : new String[] {"truncate", null, "drop_table"}) {
      AuditEvent other = new AuditEvent(UUID.randomUUID().toString(), drop.time(), drop.sessionId(), drop.user(),
          drop.groups(), drop.clientAddress(), drop.applicationName(), drop.database(), drop.statementKind(),
          action, drop.sql(), drop.rewrittenSql(), drop.relations(), drop.decision(), drop.outcome(),
          drop.backend(), null);
      assertSameAsJackson(other);
      String fields = new String(FieldsEncoder.encode(other), StandardCharsets.UTF_8);
      String expected = action == null ? "\"ddl_action\":null" : "\"ddl_action\":\"" + action + "\"";
      assertEquals(1, fields.split(java.util.regex.Pattern.quote(expected), -1).length - 1, fields);
    }
  }

  @Test
  void spellsEveryTransactionStateAndBothUndoneFromsAsJacksonDoes() throws Exception {
    for (AuditTransaction.State state : AuditTransaction.State.values()) {
      for (Long undoneFrom : Arrays.asList(null, 1L, 41L)) {
        assertSameAsJackson(SampleEvents.allowedSelect().withTransaction(
            new AuditTransaction(Long.MAX_VALUE / 3, 42, state, undoneFrom)));
      }
    }
    assertSameAsJackson(SampleEvents.allowedSelect().withTransaction(null));
  }

  @Test
  void spellsTimesAtTheEdgesOfTheRangeAsTheFormatterDoes() throws Exception {
    for (String time : List.of("0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
        "2024-02-29T12:00:00.000001Z", "2026-11-21T22:15:07.120000Z", "1999-12-31T23:59:59.5Z")) {
      AuditEvent sample = SampleEvents.utility();
      assertSameAsJackson(new AuditEvent(sample.eventId(), Instant.parse(time), sample.sessionId(), sample.user(),
          sample.groups(), sample.clientAddress(), sample.applicationName(), sample.database(),
          sample.statementKind(), sample.sql(), sample.rewrittenSql(), sample.relations(), sample.decision(),
          sample.outcome(), sample.backend()));
    }
  }

  private static AuditEvent randomEvent(Random random) {
    boolean denied = random.nextInt(4) == 0;
    List<AuditRelation> relations = new ArrayList<>();
    for (int index = random.nextInt(3); index > 0; index--) {
      relations.add(new AuditRelation(nonEmpty(random), random.nextBoolean() ? "read" : "write", List.of(pick(random), pick(random)),
          List.of(pick(random)), Map.of(pick(random) + "m", pick(random), "z" + pick(random), pick(random)),
          List.of(pick(random)), List.of(Optional.of(pick(random))), Map.of()));
    }
    AuditDecision decision = random.nextInt(5) == 0
        ? null
        : new AuditDecision(!denied, List.of(pick(random)), List.of(pick(random), pick(random)),
            random.nextBoolean() ? null : pick(random));
    AuditOutcome outcome = denied
        ? new AuditOutcome(AuditOutcome.Status.DENIED, "42501", 0, 0, random.nextInt(1_000_000), pick(random))
        : random.nextBoolean()
            ? AuditOutcome.ok(random.nextLong(Long.MAX_VALUE), random.nextInt(Integer.MAX_VALUE), random.nextInt(1_000))
            : new AuditOutcome(AuditOutcome.Status.CANCELLED, "57014", 1, 2, 3, random.nextBoolean() ? null : pick(random));
    String kind = List.of("select", "set_config", "ddl").get(random.nextInt(3));
    // A DDL statement has an action, or none (refused before its action was known); every other
    // kind has none. A fresh copy now and then, so that equal actions are not always one object.
    String ddlAction = !kind.equals("ddl") || random.nextInt(5) == 0
        ? null
        : random.nextBoolean() ? DDL_ACTIONS.get(random.nextInt(DDL_ACTIONS.size()))
            : new String(DDL_ACTIONS.get(random.nextInt(DDL_ACTIONS.size())));
    return new AuditEvent(UUID.randomUUID().toString(),
        Instant.ofEpochSecond(random.nextLong(253_402_300_799L), random.nextInt(1_000_000_000)),
        nonEmpty(random), nonEmpty(random), List.of(pick(random), pick(random)), nonEmpty(random), pick(random),
        nonEmpty(random), kind, ddlAction, pick(random) + pick(random),
        denied || random.nextBoolean() ? null : pick(random), relations, decision, outcome, nonEmpty(random),
        null);
  }

  private static String pick(Random random) {
    return HOSTILE.get(random.nextInt(HOSTILE.size()));
  }

  private static String nonEmpty(Random random) {
    return "v" + pick(random);
  }

  private static void assertSameAsJackson(AuditEvent event) throws Exception {
    String expected = new String(withOneGenerator(event), StandardCharsets.UTF_8);
    String actual = new String(FieldsEncoder.encode(event), StandardCharsets.UTF_8);
    assertEquals(expected, actual);
  }

  /** The fields as one generator writes them inside the line: from the comma, no closing brace. */
  private static byte[] withOneGenerator(AuditEvent event) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    JsonFactory factory = JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    try (JsonGenerator json = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeNumberField("seq", 1);
      EventJson.writeFields(json, event);
      json.writeEndObject();
    }
    byte[] bytes = buffer.toByteArray();
    int afterSeq = "{\"seq\":1".length();
    byte[] fields = new byte[bytes.length - afterSeq];
    System.arraycopy(bytes, afterSeq, fields, 0, fields.length);
    // {"seq":1,"event_id"... -> ,"event_id"... without the closing brace
    return java.util.Arrays.copyOf(fields, fields.length - 1);
  }
}
