package io.meshgate.audit.jsonl;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditTransaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Encodes an event's fields as {@link EventJson#writeFields} spells them, byte for byte, but in
 * parts, so that what repeats from event to event is encoded once.
 *
 * <p>Most of a line repeats: a session's events share its identity fields, and the executions of
 * a prepared statement share its text, relations and decision (the session hands over the very
 * same objects each time). Those parts are kept, already encoded, in small caches keyed by the
 * <em>identity</em> of the values they were encoded from; the values are immutable (strings,
 * records and lists the event has copied), so the same objects always encode to the same bytes,
 * and equal objects that are not the same merely miss. What changes per event (its id, time and
 * outcome) is written by hand.
 *
 * <p>Jackson remains the definition of the spelling: cached parts are encoded by it (through
 * {@link EventJson}), and a string with anything but printable ASCII is handed to it. Only
 * printable ASCII strings, numbers, {@code null} and punctuation are written here, where JSON
 * leaves no choice of spelling but the escaping of {@code "} and {@code \}. A test compares
 * this encoding with one Jackson generator writing the whole line over hostile events.
 *
 * <p>Thread-safe: callers on many threads encode at once. A cache slot holds an immutable entry,
 * replaced whole; a caller that reads a stale or missing entry only encodes again.
 */
final class FieldsEncoder {

  // Characters outside the BMP as UTF-8 rather than escaped surrogate pairs, so that grep finds
  // them; a lone surrogate still comes out escaped, so any Java string can be written.
  static final JsonFactory WRITER_FACTORY =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private static final int SLOTS = 256;

  private static final Segments SESSIONS = new Segments();
  private static final Segments STATEMENTS = new Segments();
  private static final Segments POLICIES = new Segments();

  private FieldsEncoder() {}

  /** The event's fields from the comma before {@code event_id} to the end of {@code backend}. */
  static byte[] encode(AuditEvent event) {
    byte[] session = SESSIONS.get(
        event.sessionId(), event.applicationName(), event.user(), event.groups(),
        event.clientAddress(), event.database(),
        () -> membersWithJackson(json -> EventJson.writeSessionFields(json, event)));
    byte[] statement = STATEMENTS.get(
        event.sql(), event.rewrittenSql(), event.statementKind(), event.ddlAction(), null, null,
        () -> statementFields(event));
    byte[] policy = POLICIES.get(
        event.relations(), event.decision(), null, null, null, null,
        () -> membersWithJackson(json -> EventJson.writePolicyFields(json, event)));
    Bytes out = new Bytes(160 + session.length + statement.length + policy.length);
    out.ascii(",\"event_id\":\"").ascii(event.eventId()).ascii("\",\"time\":\"");
    time(out, event.time());
    out.ascii("\"").bytes(session).bytes(statement).bytes(policy);
    AuditOutcome outcome = event.outcome();
    out.ascii(",\"outcome\":{\"status\":\"").ascii(outcome.status().wireName()).ascii("\",\"sql_state\":");
    string(out, outcome.sqlState());
    out.ascii(",\"rows\":").number(outcome.rows());
    out.ascii(",\"bytes\":").number(outcome.bytes());
    out.ascii(",\"duration_micros\":").number(outcome.durationMicros());
    out.ascii(",\"message\":");
    string(out, outcome.message());
    out.ascii("}");
    transaction(out, event.transaction());
    out.ascii(",\"backend\":");
    string(out, event.backend());
    return out.toByteArray();
  }

  /** {@code transaction}: numbers and one of four ASCII words, so always written by hand. */
  private static void transaction(Bytes out, AuditTransaction transaction) {
    if (transaction == null) {
      out.ascii(",\"transaction\":null");
      return;
    }
    out.ascii(",\"transaction\":{\"ordinal\":").number(transaction.ordinal());
    out.ascii(",\"statement\":").number(transaction.statement());
    out.ascii(",\"state\":\"").ascii(transaction.state().wireName());
    out.ascii("\",\"undone_from\":");
    if (transaction.undoneFrom() == null) {
      out.ascii("null");
    } else {
      out.number(transaction.undoneFrom());
    }
    out.ascii("}");
  }

  private static byte[] statementFields(AuditEvent event) {
    Bytes out = new Bytes(64 + event.sql().length() * 2);
    out.ascii(",\"statement_kind\":");
    string(out, event.statementKind());
    out.ascii(",\"ddl_action\":");
    string(out, event.ddlAction());
    out.ascii(",\"sql\":");
    string(out, event.sql());
    out.ascii(",\"rewritten_sql\":");
    string(out, event.rewrittenSql());
    return out.toByteArray();
  }

  /**
   * RFC 3339 in UTC with six fractional digits, as {@code EventJson}'s formatter spells it; an
   * event's time is already within the years 0000 to 9999 and truncated to microseconds.
   */
  private static void time(Bytes out, Instant time) {
    LocalDateTime utc = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
    out.digits(utc.getYear(), 4).ascii("-").digits(utc.getMonthValue(), 2).ascii("-")
        .digits(utc.getDayOfMonth(), 2).ascii("T").digits(utc.getHour(), 2).ascii(":")
        .digits(utc.getMinute(), 2).ascii(":").digits(utc.getSecond(), 2).ascii(".")
        .digits(utc.getNano() / 1_000, 6).ascii("Z");
  }

  /** A JSON string or {@code null}; anything but printable ASCII is left to Jackson. */
  private static void string(Bytes out, String value) {
    if (value == null) {
      out.ascii("null");
      return;
    }
    for (int index = 0; index < value.length(); index++) {
      char character = value.charAt(index);
      if (character < 0x20 || character > 0x7e) {
        out.bytes(stringWithJackson(value));
        return;
      }
    }
    out.ascii("\"");
    for (int index = 0; index < value.length(); index++) {
      char character = value.charAt(index);
      if (character == '"' || character == '\\') {
        out.ascii("\\");
      }
      out.add((byte) character);
    }
    out.ascii("\"");
  }

  /**
   * The members {@code writer} writes, as Jackson spells them: written inside an object of their
   * own, they come back as {@code ,"name":value…}. Jackson spells a member the same wherever the
   * object stands, and inside a line the members follow others, after a comma.
   */
  private static byte[] membersWithJackson(Members writer) {
    byte[] bytes = withJackson(json -> {
      json.writeStartObject();
      writer.write(json);
      json.writeEndObject();
    });
    if (bytes.length < 3 || bytes[0] != '{' || bytes[bytes.length - 1] != '}') {
      throw new IllegalStateException("an event's fields did not encode as a non-empty object");
    }
    bytes[0] = ',';
    return Arrays.copyOf(bytes, bytes.length - 1);
  }

  /** One string as Jackson spells it, quotes included. */
  private static byte[] stringWithJackson(String value) {
    return withJackson(json -> json.writeString(value));
  }

  private static byte[] withJackson(Members writer) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    try (JsonGenerator json = WRITER_FACTORY.createGenerator(buffer, JsonEncoding.UTF8)) {
      writer.write(json);
    } catch (IOException impossible) {
      // Only the in-memory stream is written here.
      throw new UncheckedIOException(impossible);
    }
    return buffer.toByteArray();
  }

  /** Writes with a generator. */
  @FunctionalInterface
  private interface Members {
    void write(JsonGenerator json) throws IOException;
  }

  /** How to encode a part when its cache does not have it. */
  @FunctionalInterface
  private interface Encoding {
    byte[] encode();
  }

  /**
   * Encoded parts by the identity of up to six values, direct-mapped: an entry for other values
   * in the same slot is replaced. Hashes only the first two values (the ones that tell most
   * entries apart); every value is compared.
   */
  private static final class Segments {
    private final Entry[] slots = new Entry[SLOTS];

    byte[] get(Object first, Object second, Object third, Object fourth, Object fifth, Object sixth,
        Encoding encoding) {
      int hash = System.identityHashCode(first) * 31 + System.identityHashCode(second);
      int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
      Entry entry = slots[slot];
      if (entry != null && entry.first == first && entry.second == second && entry.third == third
          && entry.fourth == fourth && entry.fifth == fifth && entry.sixth == sixth) {
        return entry.bytes;
      }
      byte[] bytes = encoding.encode();
      slots[slot] = new Entry(first, second, third, fourth, fifth, sixth, bytes);
      return bytes;
    }

    // Final fields: a thread that reads the entry from the slot sees it whole.
    private record Entry(Object first, Object second, Object third, Object fourth, Object fifth,
        Object sixth, byte[] bytes) {}
  }

  /** A growing byte array for one event's fields. */
  private static final class Bytes {
    private byte[] bytes;
    private int length;

    Bytes(int capacity) {
      bytes = new byte[capacity];
    }

    Bytes add(byte value) {
      ensure(1);
      bytes[length++] = value;
      return this;
    }

    /** Text that is ASCII by construction (names, punctuation, a canonical UUID). */
    Bytes ascii(String text) {
      ensure(text.length());
      for (int index = 0; index < text.length(); index++) {
        bytes[length++] = (byte) text.charAt(index);
      }
      return this;
    }

    Bytes bytes(byte[] more) {
      ensure(more.length);
      System.arraycopy(more, 0, bytes, length, more.length);
      length += more.length;
      return this;
    }

    /** A number as Jackson writes a long: decimal digits, a minus sign if negative. */
    Bytes number(long value) {
      return ascii(Long.toString(value));
    }

    /** A non-negative number in exactly {@code width} digits, zero-padded. */
    Bytes digits(int value, int width) {
      ensure(width);
      for (int index = width - 1; index >= 0; index--) {
        bytes[length + index] = (byte) ('0' + value % 10);
        value /= 10;
      }
      length += width;
      return this;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, length);
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }
}
