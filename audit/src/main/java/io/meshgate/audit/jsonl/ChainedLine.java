package io.meshgate.audit.jsonl;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One line of a JSON Lines audit log: {@code schema_version}, {@code seq}, {@code prev_hash},
 * the event's fields, and last {@code hash}.
 *
 * <p>The canonical bytes of a line, over which {@code hash} is computed, are the line exactly as
 * written with its {@code ,"hash":"…"} member removed: everything before that member, then
 * {@code }}. Hashing the bytes as written, rather than a re-serialisation, means a verifier in
 * any language needs no JSON writer that agrees with Jackson on escaping and number spelling.
 */
public final class ChainedLine {

  private static final byte[] HASH_MEMBER_START = ",\"hash\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] HASH_MEMBER_END = "\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CLOSING_BRACE = {'}'};
  private static final int HASH_MEMBER_LENGTH =
      HASH_MEMBER_START.length + 64 + HASH_MEMBER_END.length;

  // Strict where other readers may disagree with us: with duplicate names, one tool would read
  // the first value and another the last. Long strings are allowed because SQL text can be long.
  private static final ObjectMapper READER =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ChainedLine() {}

  /** A line ready to append, newline included, and its hash for the next line. */
  public record Encoded(byte[] bytes, String hash) {
    public Encoded {
      requireNonNull(bytes, "bytes is null");
      requireNonNull(hash, "hash is null");
    }
  }

  /** A line whose chain fields are well formed; whether they link up is for the caller. */
  public record Decoded(
      long seq, String previousHash, String hash, String recomputedHash, JsonNode json) {
    public Decoded {
      requireNonNull(previousHash, "previousHash is null");
      requireNonNull(hash, "hash is null");
      requireNonNull(recomputedHash, "recomputedHash is null");
      requireNonNull(json, "json is null");
    }

    /** Whether the line's content is what its hash says. */
    public boolean hashMatches() {
      return hash.equals(recomputedHash);
    }
  }

  /** The chain fields of a line could not be read; {@code getMessage()} says why. */
  public static final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedLineException(String problem) {
      super(problem);
    }
  }

  /**
   * An event's own fields as they stand in its line, from the comma before {@code event_id} to
   * the end of {@code backend}: everything of the line but the chain fields, which only the
   * writer knows. Encoding them is most of the work of a line and needs nothing from the chain,
   * so callers can do it on their own threads and leave the writer only the chain.
   */
  public static final class EventFields {
    private final byte[] bytes;

    private EventFields(byte[] bytes) {
      this.bytes = bytes;
    }

    /** How many bytes the fields take in the line. */
    public int length() {
      return bytes.length;
    }
  }

  /**
   * Encodes an event's fields, exactly as {@link #encode(long, String, AuditEvent)} writes them
   * after {@code prev_hash}.
   */
  public static EventFields encodeFields(AuditEvent event) {
    requireNonNull(event, "event is null");
    return new EventFields(FieldsEncoder.encode(event));
  }

  public static Encoded encode(long seq, String previousHash, AuditEvent event) {
    return new Encoder().encode(seq, previousHash, encodeFields(event));
  }

  /**
   * Puts lines together from encoded fields and the chain: what the one thread that owns a log
   * does per event. Not thread-safe (it reuses its digest).
   */
  public static final class Encoder {
    private final ChainHash.Digest digest = new ChainHash.Digest();
    // The hash of the line this encoder made last: the writer chains it into the next line,
    // and it needs no checking again.
    private String lastHash;

    /** The line {@code seq} after {@code previousHash}, holding {@code fields}. */
    public Encoded encode(long seq, String previousHash, EventFields fields) {
      requireNonNull(fields, "fields is null");
      if (seq < 1) {
        throw new IllegalArgumentException("seq starts at 1");
      }
      if (previousHash != lastHash && !ChainHash.isWellFormed(previousHash)) {
        throw new IllegalArgumentException("previousHash must be 64 lowercase hex digits");
      }
      byte[] prefix =
          ("{\"schema_version\":" + AuditEvent.SCHEMA_VERSION + ",\"seq\":" + seq
                  + ",\"prev_hash\":\"" + previousHash + "\"")
              .getBytes(StandardCharsets.US_ASCII);
      // The canonical bytes are prefix, fields and the closing brace; the line puts the hash
      // member before that brace.
      String hash = digest.of(previousHash, prefix, fields.bytes, CLOSING_BRACE);
      byte[] hashBytes = hash.getBytes(StandardCharsets.US_ASCII);
      int bodyLength = prefix.length + fields.bytes.length;
      byte[] line = new byte[bodyLength + HASH_MEMBER_LENGTH + 1];
      System.arraycopy(prefix, 0, line, 0, prefix.length);
      System.arraycopy(fields.bytes, 0, line, prefix.length, fields.bytes.length);
      int position = bodyLength;
      System.arraycopy(HASH_MEMBER_START, 0, line, position, HASH_MEMBER_START.length);
      position += HASH_MEMBER_START.length;
      System.arraycopy(hashBytes, 0, line, position, hashBytes.length);
      position += hashBytes.length;
      System.arraycopy(HASH_MEMBER_END, 0, line, position, HASH_MEMBER_END.length);
      line[line.length - 1] = '\n';
      lastHash = hash;
      return new Encoded(line, hash);
    }
  }

  /**
   * Reads the chain fields of one line, given without its end of line, and recomputes its hash.
   *
   * @throws MalformedLineException when the line is not JSON, lacks a chain field, or does not
   *     end with its {@code hash} member
   */
  public static Decoded decode(byte[] line) throws MalformedLineException {
    JsonNode json = parse(line);
    JsonNode seq = json.get("seq");
    if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong()) {
      throw new MalformedLineException("missing or malformed seq");
    }
    String previousHash = hashField(json, "prev_hash");
    String hash = hashField(json, "hash");
    if (!endsWithHashMember(line, hash)) {
      throw new MalformedLineException("hash is not the last field of the line");
    }
    byte[] canonical = Arrays.copyOf(line, line.length - HASH_MEMBER_LENGTH + 1);
    canonical[canonical.length - 1] = '}';
    return new Decoded(
        seq.longValue(), previousHash, hash, ChainHash.of(previousHash, canonical), json);
  }

  /**
   * Parses one line, given without its end of line, as a JSON object, strictly (no duplicate
   * field names, nothing after the object), without checking its chain fields or hash: what
   * export and reports need, which leave checking to the verifier.
   *
   * @throws MalformedLineException when the line is not one JSON object
   */
  public static JsonNode parse(byte[] line) throws MalformedLineException {
    requireNonNull(line, "line is null");
    JsonNode json;
    try {
      json = READER.readTree(line);
    } catch (JsonProcessingException notJson) {
      throw new MalformedLineException("not JSON: " + notJson.getOriginalMessage());
    } catch (IOException notJson) {
      throw new MalformedLineException("not JSON: " + notJson.getMessage());
    }
    if (json == null || json.isMissingNode()) {
      throw new MalformedLineException("not JSON: empty line");
    }
    if (!json.isObject()) {
      throw new MalformedLineException("not a JSON object");
    }
    return json;
  }

  private static String hashField(JsonNode json, String name) throws MalformedLineException {
    JsonNode value = json.get(name);
    if (value == null || !value.isTextual() || !ChainHash.isWellFormed(value.textValue())) {
      throw new MalformedLineException("missing or malformed " + name);
    }
    return value.textValue();
  }

  private static boolean endsWithHashMember(byte[] line, String hash) {
    if (line.length < HASH_MEMBER_LENGTH + 1) {
      return false;
    }
    int start = line.length - HASH_MEMBER_LENGTH;
    byte[] expected = new byte[HASH_MEMBER_LENGTH];
    System.arraycopy(HASH_MEMBER_START, 0, expected, 0, HASH_MEMBER_START.length);
    byte[] hashBytes = hash.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(hashBytes, 0, expected, HASH_MEMBER_START.length, hashBytes.length);
    System.arraycopy(
        HASH_MEMBER_END, 0, expected, HASH_MEMBER_START.length + hashBytes.length,
        HASH_MEMBER_END.length);
    return Arrays.equals(line, start, line.length, expected, 0, expected.length);
  }
}
