package io.meshgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.jsonl.ChainHash;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditChainVerifierTest {

  private static final int EVENTS = 10;

  @TempDir Path directory;
  private Path log;

  @BeforeEach
  void writeLog() {
    log = directory.resolve("audit.jsonl");
    AuditSinkOptions options = SampleEvents.options(AuditSinkOptions.Fsync.NEVER);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options)) {
      for (int index = 1; index <= EVENTS; index++) {
        sink.append(
                index % 3 == 0
                    ? SampleEvents.denied()
                    : SampleEvents.allowedSelect("alice", "select " + index))
            .join();
      }
    }
  }

  @Test
  void anIntactLogChecksOut() throws Exception {
    VerificationResult result = AuditChainVerifier.verify(log);

    assertTrue(result.intact(), result::toString);
    assertEquals(EVENTS, result.eventsChecked());
    assertEquals(OptionalLong.empty(), result.firstBrokenLine());
    assertNull(result.problem());
    assertEquals(hashOf(lines().get(EVENTS - 1)), result.lastHash());
  }

  @Test
  void anEmptyLogIsIntact() throws Exception {
    Path empty = Files.createFile(directory.resolve("empty.jsonl"));

    VerificationResult result = AuditChainVerifier.verify(empty);

    assertTrue(result.intact());
    assertEquals(0, result.eventsChecked());
    assertEquals(ChainHash.GENESIS, result.lastHash());
  }

  @Test
  void anEditedFieldInAMiddleLineBreaksThatLine() throws Exception {
    List<String> lines = lines();
    String original = lines.get(4);
    String edited = original.replace("\"user\":\"alice\"", "\"user\":\"carol\"");
    assertFalse(original.equals(edited), "the edit must change the line");
    lines.set(4, edited);
    rewrite(lines);

    assertBroken(5, "hash mismatch");
  }

  @Test
  void anEditWithARecomputedHashBreaksTheNextLine() throws Exception {
    List<String> lines = lines();
    lines.set(4, rehash(lines.get(4).replace("\"rows\":3", "\"rows\":0")));
    rewrite(lines);

    assertBroken(6, "prev_hash does not match line 5");
  }

  @Test
  void aDeletedLineLeavesASeqGap() throws Exception {
    List<String> lines = lines();
    lines.remove(4);
    rewrite(lines);

    assertBroken(5, "seq gap: expected 5, found 6");
  }

  @Test
  void aDeletedFirstLineIsFound() throws Exception {
    List<String> lines = lines();
    lines.remove(0);
    rewrite(lines);

    assertBroken(1, "seq gap: expected 1, found 2");
  }

  @Test
  void aSwappedPairOfLinesIsFound() throws Exception {
    List<String> lines = lines();
    Collections.swap(lines, 4, 5);
    rewrite(lines);

    assertBroken(5, "seq gap: expected 5, found 6");
  }

  @Test
  void aSwappedPairRenumberedToHideItIsFound() throws Exception {
    List<String> lines = lines();
    Collections.swap(lines, 4, 5);
    lines.set(4, lines.get(4).replace("\"seq\":6,", "\"seq\":5,"));
    lines.set(5, lines.get(5).replace("\"seq\":5,", "\"seq\":6,"));
    rewrite(lines);

    assertBroken(5, "prev_hash does not match line 4");
  }

  @Test
  void aTruncatedLastLineIsFound() throws Exception {
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, Arrays.copyOf(bytes, bytes.length - 30));

    assertBroken(EVENTS, "truncated line");
  }

  @Test
  void aLineThatIsNotJsonIsFound() throws Exception {
    List<String> lines = lines();
    lines.add(3, "this is not an audit line");
    rewrite(lines);

    assertBroken(4, "not JSON");
  }

  @Test
  void anInvalidEventWithAValidChainIsFound() throws Exception {
    List<String> lines = lines();
    // Chain fields are all right, but a denial claims to have reached the backend.
    String invalid =
        lines.get(2).replace("\"rewritten_sql\":null", "\"rewritten_sql\":\"SELECT 1\"");
    assertFalse(invalid.equals(lines.get(2)), "line 3 must be a denial");
    lines.set(2, rehash(invalid));
    rewrite(lines.subList(0, 3));

    assertBroken(3, "invalid event: a refused statement has no rewritten SQL");
  }

  @Test
  void aLogWrittenBeforePolicyIdsWereRecordedStillVerifiesAndReads() throws Exception {
    // Lines of an earlier Meshgate have no row_filter_policies and mask_policies; they stay a
    // valid chain of valid events, read as filters and masks without ids.
    List<String> older = rechained(lines(), line -> line.replaceAll(
        ",\"row_filter_policies\":\\[[^\\]]*\\],\"mask_policies\":\\{[^}]*\\}", ""));
    older.forEach(line -> assertFalse(line.contains("_policies"), line));
    rewrite(older);

    VerificationResult result = AuditChainVerifier.verify(log);
    StringWriter exported = new StringWriter();
    long events = AuditExport.export(AuditLog.of(log), AuditFilter.all(), AuditExport.Format.CSV, exported);

    assertTrue(result.intact(), result::toString);
    assertEquals(EVENTS, result.eventsChecked());
    assertEquals(EVENTS, events);
  }

  @Test
  void aLogWrittenBeforeDdlActionsWereRecordedStillVerifiesAndExports() throws Exception {
    // Lines of an earlier Meshgate have no ddl_action, not even for DDL statements. Written here
    // as it wrote them: the same events without the field, chained and hashed over those bytes.
    Path older = directory.resolve("older.jsonl");
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(older, SampleEvents.options(AuditSinkOptions.Fsync.NEVER))) {
      sink.append(SampleEvents.deniedDdl()).join();
      sink.append(SampleEvents.allowedSelect()).join();
      sink.append(SampleEvents.utility()).join();
    }
    List<String> lines = rechained(Files.readAllLines(older, StandardCharsets.UTF_8),
        line -> line.replaceFirst(",\"ddl_action\":(null|\"[a-z_]+\")", ""));
    lines.forEach(line -> assertFalse(line.contains("ddl_action"), line));
    Files.write(older, lines, StandardCharsets.UTF_8);
    byte[] stored = Files.readAllBytes(older);

    VerificationResult result = AuditChainVerifier.verify(older);
    StringWriter jsonLines = new StringWriter();
    AuditExport.export(AuditLog.of(older), AuditFilter.all(), AuditExport.Format.JSONL, jsonLines);
    StringWriter csv = new StringWriter();
    long exported = AuditExport.export(AuditLog.of(older), AuditFilter.all(), AuditExport.Format.CSV, csv);

    assertTrue(result.intact(), result::toString);
    assertEquals(3, result.eventsChecked());
    // Never re-encoded: the export is the old bytes, which still verify as one chain.
    assertEquals(new String(stored, StandardCharsets.UTF_8), jsonLines.toString());
    assertEquals(3, exported);
    List<List<String>> records = Rfc4180.parse(csv.toString());
    int kind = AuditExport.CSV_COLUMNS.indexOf("statement_kind");
    int action = AuditExport.CSV_COLUMNS.indexOf("ddl_action");
    assertEquals(List.of("ddl", "select", "utility"),
        records.subList(1, 4).stream().map(record -> record.get(kind)).toList());
    assertEquals(List.of("", "", ""),
        records.subList(1, 4).stream().map(record -> record.get(action)).toList());
  }

  @Test
  void policyIdsThatDoNotMatchTheFiltersMakeAnInvalidEvent() throws Exception {
    List<String> lines = lines();
    String original = lines.get(0);
    String edited =
        original.replace("\"row_filter_policies\":[\"sales.orders.regional\",null]", "\"row_filter_policies\":[\"sales.orders.regional\"]");
    assertFalse(original.equals(edited), "the edit must change the line");
    lines.set(0, rehash(edited));
    rewrite(lines.subList(0, 1));

    assertBroken(1, "invalid event: field row_filter_policies must be an array with one entry per row filter");
  }

  private void assertBroken(long line, String problemStart) throws Exception {
    VerificationResult result = AuditChainVerifier.verify(log);

    assertFalse(result.intact(), result::toString);
    assertEquals(OptionalLong.of(line), result.firstBrokenLine(), result::toString);
    assertEquals(line - 1, result.eventsChecked(), result::toString);
    assertTrue(result.problem().startsWith(problemStart), result::toString);
    String expectedLastHash = line == 1 ? ChainHash.GENESIS : hashOf(lines().get((int) line - 2));
    assertEquals(expectedLastHash, result.lastHash());
  }

  private List<String> lines() throws Exception {
    return new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
  }

  private void rewrite(List<String> lines) throws Exception {
    Files.write(log, lines, StandardCharsets.UTF_8);
  }

  /**
   * The lines edited as an earlier writer would have written them, then chained again: each
   * line's prev_hash the hash of the edited line before it, and its own hash recomputed.
   */
  private static List<String> rechained(List<String> lines, UnaryOperator<String> edit)
      throws Exception {
    List<String> rechained = new ArrayList<>();
    String previousHash = ChainHash.GENESIS;
    for (String line : lines) {
      String edited = edit.apply(line)
          .replaceFirst("\"prev_hash\":\"[0-9a-f]{64}\"", "\"prev_hash\":\"" + previousHash + "\"");
      String rehashed = rehash(edited);
      rechained.add(rehashed);
      previousHash = hashOf(rehashed);
    }
    return rechained;
  }

  private static String hashOf(String line) throws Exception {
    return new ObjectMapper().readTree(line).get("hash").textValue();
  }

  /** Recomputes a line's hash after an edit, as a forger who knows the format would. */
  private static String rehash(String line) throws Exception {
    int hashMember = line.lastIndexOf(",\"hash\":\"");
    String canonical = line.substring(0, hashMember) + "}";
    String previous = new ObjectMapper().readTree(line).get("prev_hash").textValue();
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest((previous + canonical).getBytes(StandardCharsets.UTF_8)));
    return line.substring(0, hashMember) + ",\"hash\":\"" + hash + "\"}";
  }
}
