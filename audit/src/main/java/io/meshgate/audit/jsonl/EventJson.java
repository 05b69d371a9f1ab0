package io.meshgate.audit.jsonl;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.audit.AuditDecision;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditRelation;
import io.meshgate.audit.AuditTransaction;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fields of an {@link AuditEvent} in a log line, schema version 1: names, order, and how
 * each value is spelled. Writing is deterministic (fixed field order, mask columns sorted), so
 * the same event always gives the same bytes.
 */
public final class EventJson {

  // RFC 3339 in UTC with exactly six fractional digits: fixed width sorts as text, and the
  // event record keeps time to the microsecond, so reading back gives the same instant.
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private EventJson() {}

  /**
   * An instant as the log spells {@code time}: RFC 3339 in UTC with exactly six fractional
   * digits, so that other outputs (CSV export) show the same text as the log.
   */
  public static String formatTime(Instant time) {
    return TIME.format(requireNonNull(time, "time is null"));
  }

  /**
   * Writes the event's fields into an open object, after the line's {@code schema_version},
   * {@code seq} and {@code prev_hash}.
   */
  public static void writeFields(JsonGenerator json, AuditEvent event) throws IOException {
    json.writeStringField("event_id", event.eventId());
    json.writeStringField("time", TIME.format(event.time()));
    writeSessionFields(json, event);
    writeStatementFields(json, event);
    writePolicyFields(json, event);
    writeOutcome(json, event.outcome());
    writeTransaction(json, event.transaction());
    json.writeStringField("backend", event.backend());
  }

  /** {@code transaction}: an object, or {@code null} for an event built without one. */
  static void writeTransaction(JsonGenerator json, AuditTransaction transaction) throws IOException {
    if (transaction == null) {
      json.writeNullField("transaction");
      return;
    }
    json.writeObjectFieldStart("transaction");
    json.writeNumberField("ordinal", transaction.ordinal());
    json.writeNumberField("statement", transaction.statement());
    json.writeStringField("state", transaction.state().wireName());
    if (transaction.undoneFrom() == null) {
      json.writeNullField("undone_from");
    } else {
      json.writeNumberField("undone_from", transaction.undoneFrom());
    }
    json.writeEndObject();
  }

  /**
   * The fields that describe the session, the same for all of a session's events while its
   * application_name stays: {@code session_id} to {@code database}.
   */
  static void writeSessionFields(JsonGenerator json, AuditEvent event) throws IOException {
    json.writeStringField("session_id", event.sessionId());
    json.writeStringField("user", event.user());
    writeStrings(json, "groups", event.groups());
    json.writeStringField("client_address", event.clientAddress());
    json.writeStringField("application_name", event.applicationName());
    json.writeStringField("database", event.database());
  }

  /**
   * The statement: {@code statement_kind}, {@code ddl_action}, {@code sql} and {@code
   * rewritten_sql}.
   */
  static void writeStatementFields(JsonGenerator json, AuditEvent event) throws IOException {
    json.writeStringField("statement_kind", event.statementKind());
    json.writeStringField("ddl_action", event.ddlAction());
    json.writeStringField("sql", event.sql());
    json.writeStringField("rewritten_sql", event.rewrittenSql());
  }

  /** What the policy said about the statement: {@code relations} and {@code decision}. */
  static void writePolicyFields(JsonGenerator json, AuditEvent event) throws IOException {
    json.writeArrayFieldStart("relations");
    for (AuditRelation relation : event.relations()) {
      writeRelation(json, relation);
    }
    json.writeEndArray();
    if (event.decision() == null) {
      json.writeNullField("decision");
    } else {
      writeDecision(json, event.decision());
    }
  }

  /**
   * Reads an event back from a line's JSON object. Fields this version does not know are
   * ignored (version 1 only grows additively); every field it knows must be present, except
   * those added within version 1, which lines written before them lack ({@code ddl_action},
   * {@code row_filter_policies}, {@code mask_policies}, {@code transaction}).
   *
   * @throws IllegalArgumentException naming the first field that is missing or wrong
   */
  public static AuditEvent read(JsonNode line) {
    requireNonNull(line, "line is null");
    JsonNode version = required(line, "schema_version");
    if (!version.isIntegralNumber() || version.asLong() != AuditEvent.SCHEMA_VERSION) {
      throw new IllegalArgumentException("unsupported schema_version " + version);
    }
    List<AuditRelation> relations = new ArrayList<>();
    for (JsonNode relation : array(line, "relations")) {
      relations.add(readRelation(relation));
    }
    JsonNode decision = required(line, "decision");
    return new AuditEvent(
        text(line, "event_id"),
        time(line, "time"),
        text(line, "session_id"),
        text(line, "user"),
        texts(line, "groups"),
        text(line, "client_address"),
        text(line, "application_name"),
        text(line, "database"),
        text(line, "statement_kind"),
        ddlAction(line),
        text(line, "sql"),
        nullableText(line, "rewritten_sql"),
        relations,
        decision.isNull() ? null : readDecision(decision),
        readOutcome(object(line, "outcome")),
        text(line, "backend"),
        transaction(line));
  }

  /**
   * {@code transaction}, or null. Lines written before Meshgate recorded it lack the field:
   * what became of their transactions is unknown.
   */
  private static AuditTransaction transaction(JsonNode line) {
    JsonNode transaction = line.get("transaction");
    if (transaction == null || transaction.isNull()) {
      return null;
    }
    if (!transaction.isObject()) {
      throw new IllegalArgumentException("field transaction must be an object or null");
    }
    JsonNode undoneFrom = required(transaction, "undone_from");
    Long undone = null;
    if (!undoneFrom.isNull()) {
      undone = count(transaction, "undone_from");
    }
    try {
      return new AuditTransaction(
          count(transaction, "ordinal"),
          count(transaction, "statement"),
          AuditTransaction.State.fromWireName(text(transaction, "state")),
          undone);
    } catch (IllegalArgumentException wrong) {
      throw new IllegalArgumentException("field transaction: " + wrong.getMessage());
    }
  }

  /**
   * {@code ddl_action}, or null. Lines written before Meshgate recorded the action lack the
   * field: their statements have none.
   */
  private static String ddlAction(JsonNode line) {
    return line.has("ddl_action") ? nullableText(line, "ddl_action") : null;
  }

  private static void writeRelation(JsonGenerator json, AuditRelation relation)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("relation", relation.relation());
    json.writeStringField("access", relation.access());
    writeStrings(json, "columns", relation.columns());
    writeStrings(json, "row_filters", relation.rowFilters());
    json.writeObjectFieldStart("masks");
    for (Map.Entry<String, String> mask : new TreeMap<>(relation.masks()).entrySet()) {
      json.writeStringField(mask.getKey(), mask.getValue());
    }
    json.writeEndObject();
    writeStrings(json, "denied_columns", relation.deniedColumns());
    writePolicies(json, relation);
    json.writeEndObject();
  }

  /**
   * The policy id of each row filter (by position) and of each mask (by column, sorted like
   * {@code masks}); {@code null} where the decision named none, so both have the shape of what
   * they describe.
   */
  private static void writePolicies(JsonGenerator json, AuditRelation relation)
      throws IOException {
    json.writeArrayFieldStart("row_filter_policies");
    for (Optional<String> policy : relation.rowFilterPolicies()) {
      json.writeString(policy.orElse(null));
    }
    json.writeEndArray();
    json.writeObjectFieldStart("mask_policies");
    for (String column : new TreeSet<>(relation.masks().keySet())) {
      json.writeStringField(column, relation.maskPolicies().get(column));
    }
    json.writeEndObject();
  }

  private static void writeDecision(JsonGenerator json, AuditDecision decision)
      throws IOException {
    json.writeObjectFieldStart("decision");
    json.writeBooleanField("allow", decision.allow());
    writeStrings(json, "reasons", decision.reasons());
    writeStrings(json, "policies", decision.policies());
    json.writeStringField("policy_revision", decision.policyRevision());
    json.writeEndObject();
  }

  private static void writeOutcome(JsonGenerator json, AuditOutcome outcome) throws IOException {
    json.writeObjectFieldStart("outcome");
    json.writeStringField("status", outcome.status().wireName());
    json.writeStringField("sql_state", outcome.sqlState());
    json.writeNumberField("rows", outcome.rows());
    json.writeNumberField("bytes", outcome.bytes());
    json.writeNumberField("duration_micros", outcome.durationMicros());
    json.writeStringField("message", outcome.message());
    json.writeEndObject();
  }

  private static void writeStrings(JsonGenerator json, String name, List<String> values)
      throws IOException {
    json.writeArrayFieldStart(name);
    for (String value : values) {
      json.writeString(value);
    }
    json.writeEndArray();
  }

  private static AuditRelation readRelation(JsonNode relation) {
    if (!relation.isObject()) {
      throw new IllegalArgumentException("relations must hold objects");
    }
    Map<String, String> masks = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> mask : object(relation, "masks").properties()) {
      if (!mask.getValue().isTextual()) {
        throw new IllegalArgumentException("masks must map columns to strings");
      }
      masks.put(mask.getKey(), mask.getValue().textValue());
    }
    List<String> rowFilters = texts(relation, "row_filters");
    return new AuditRelation(
        text(relation, "relation"),
        text(relation, "access"),
        texts(relation, "columns"),
        rowFilters,
        masks,
        texts(relation, "denied_columns"),
        rowFilterPolicies(relation, rowFilters.size()),
        maskPolicies(relation, masks.keySet()));
  }

  /**
   * {@code row_filter_policies}, one per row filter. Lines written before Meshgate recorded
   * policy ids lack the field: their filters have no ids.
   */
  private static List<Optional<String>> rowFilterPolicies(JsonNode relation, int rowFilters) {
    JsonNode policies = relation.get("row_filter_policies");
    if (policies == null) {
      return Collections.nCopies(rowFilters, Optional.empty());
    }
    if (!policies.isArray() || policies.size() != rowFilters) {
      throw new IllegalArgumentException(
          "field row_filter_policies must be an array with one entry per row filter");
    }
    List<Optional<String>> ids = new ArrayList<>();
    for (JsonNode policy : policies) {
      ids.add(Optional.ofNullable(textOrNull(policy, "row_filter_policies")));
    }
    return ids;
  }

  /**
   * {@code mask_policies}, keyed like {@code masks}. Lines written before Meshgate recorded
   * policy ids lack the field: their masks have no ids.
   */
  private static Map<String, String> maskPolicies(JsonNode relation, Set<String> maskedColumns) {
    JsonNode policies = relation.get("mask_policies");
    if (policies == null) {
      return Map.of();
    }
    if (!policies.isObject() || !maskedColumns.equals(Set.copyOf(names(policies)))) {
      throw new IllegalArgumentException(
          "field mask_policies must be an object with the columns of masks");
    }
    Map<String, String> ids = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> policy : policies.properties()) {
      String id = textOrNull(policy.getValue(), "mask_policies");
      if (id != null) {
        ids.put(policy.getKey(), id);
      }
    }
    return ids;
  }

  private static String textOrNull(JsonNode value, String name) {
    if (value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field " + name + " must hold strings or null only");
    }
    return value.textValue();
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static AuditDecision readDecision(JsonNode decision) {
    if (!decision.isObject()) {
      throw new IllegalArgumentException("decision must be an object or null");
    }
    JsonNode allow = required(decision, "allow");
    if (!allow.isBoolean()) {
      throw new IllegalArgumentException("allow must be true or false");
    }
    return new AuditDecision(
        allow.booleanValue(),
        texts(decision, "reasons"),
        texts(decision, "policies"),
        nullableText(decision, "policy_revision"));
  }

  private static AuditOutcome readOutcome(JsonNode outcome) {
    return new AuditOutcome(
        status(text(outcome, "status")),
        nullableText(outcome, "sql_state"),
        count(outcome, "rows"),
        count(outcome, "bytes"),
        count(outcome, "duration_micros"),
        nullableText(outcome, "message"));
  }

  private static AuditOutcome.Status status(String wireName) {
    for (AuditOutcome.Status status : AuditOutcome.Status.values()) {
      if (status.wireName().equals(wireName)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown outcome status '" + wireName + "'");
  }

  private static JsonNode required(JsonNode parent, String name) {
    JsonNode value = parent.get(name);
    if (value == null) {
      throw new IllegalArgumentException("field " + name + " is missing");
    }
    return value;
  }

  private static String text(JsonNode parent, String name) {
    JsonNode value = required(parent, name);
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field " + name + " must be a string");
    }
    return value.textValue();
  }

  private static String nullableText(JsonNode parent, String name) {
    JsonNode value = required(parent, name);
    if (value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field " + name + " must be a string or null");
    }
    return value.textValue();
  }

  private static long count(JsonNode parent, String name) {
    JsonNode value = required(parent, name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException("field " + name + " must be an integer");
    }
    return value.longValue();
  }

  private static Instant time(JsonNode parent, String name) {
    String value = text(parent, name);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException notRfc3339) {
      throw new IllegalArgumentException("field " + name + " must be an RFC 3339 time");
    }
  }

  private static JsonNode array(JsonNode parent, String name) {
    JsonNode value = required(parent, name);
    if (!value.isArray()) {
      throw new IllegalArgumentException("field " + name + " must be an array");
    }
    return value;
  }

  private static JsonNode object(JsonNode parent, String name) {
    JsonNode value = required(parent, name);
    if (!value.isObject()) {
      throw new IllegalArgumentException("field " + name + " must be an object");
    }
    return value;
  }

  private static List<String> texts(JsonNode parent, String name) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array(parent, name)) {
      if (!value.isTextual()) {
        throw new IllegalArgumentException("field " + name + " must hold strings only");
      }
      values.add(value.textValue());
    }
    return values;
  }
}
