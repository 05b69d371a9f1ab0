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
    List<String> lines = lines();
    List<String> older = new ArrayList<>();
    String previousHash = ChainHash.GENESIS;
    for (String line : lines) {
      String withoutIds =
          line.replaceAll(",\"row_filter_policies\":\\[[^\\]]*\\],\"mask_policies\":\\{[^}]*\\}", "")
              .replaceFirst("\"prev_hash\":\"[0-9a-f]{64}\"", "\"prev_hash\":\"" + previousHash + "\"");
      assertFalse(withoutIds.contains("_policies"), withoutIds);
      String rehashed = rehash(withoutIds);
      older.add(rehashed);
      previousHash = hashOf(rehashed);
    }
    rewrite(older);

    VerificationResult result = AuditChainVerifier.verify(log);
    StringWriter exported = new StringWriter();
    long events = AuditExport.export(AuditLog.of(log), AuditFilter.all(), AuditExport.Format.CSV, exported);

    assertTrue(result.intact(), result::toString);
    assertEquals(EVENTS, result.eventsChecked());
    assertEquals(EVENTS, events);
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
