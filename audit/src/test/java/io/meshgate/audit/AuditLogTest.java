package io.meshgate.audit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditSinkOptions.Fsync;
import io.meshgate.audit.jsonl.RotatedFileName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  @Test
  void filesAreTheRotatedOnesBySeqThenTheActiveOne() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    Files.writeString(log, "");
    Instant time = Instant.parse("2026-11-21T10:00:00Z");
    // The clock went back between the second and third file: seq decides, not the name's time.
    Path first = touch(RotatedFileName.of(log, time, 1).path());
    Path second = touch(RotatedFileName.of(log, time.plusSeconds(60), 40).path());
    Path third = touch(RotatedFileName.of(log, time.minusSeconds(3600), 80).path());
    // Not rotated files of this log.
    touch(log.resolveSibling("audit.jsonl.lock"));
    touch(log.resolveSibling("audit.jsonl.old"));
    touch(log.resolveSibling("audit.jsonl.20261121T100000Z-1.jsonl"));
    touch(log.resolveSibling("audit.log.20261121T100000Z-0000000000000000001.jsonl"));
    touch(log.resolveSibling("xaudit.jsonl.20261121T100000Z-0000000000000000002.jsonl"));
    Files.createDirectory(RotatedFileName.of(log, time, 90).path());

    assertEquals(List.of(first, second, third), AuditLog.of(log).rotatedFiles());
    assertEquals(List.of(first, second, third, log), AuditLog.of(log).files());
  }

  @Test
  void aMissingActiveFileOrDirectoryIsNoError() throws Exception {
    assertEquals(List.of(), AuditLog.of(directory.resolve("audit.jsonl")).files());
    assertEquals(List.of(), AuditLog.of(directory.resolve("absent/audit.jsonl")).files());
  }

  @Test
  void aPathWithoutAFileNameIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> AuditLog.of(Path.of("/")));
  }

  @Test
  void aReadEndsWithTheFileThatWasActiveWhenItBegan() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    long lineLength = lineLength();
    // Two lines per file (lines grow by a byte from seq 10, hence the slack): files begin at
    // seq 1, 3, and the active file at 5 holds 5 and 6.
    AuditSinkOptions twoLinesPerFile =
        SampleEvents.options(Fsync.NEVER).withMaxFileBytes(lineLength + 10);
    List<Path> visited = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, twoLinesPerFile)) {
      for (int index = 0; index < 6; index++) {
        sink.append(SampleEvents.allowedSelect()).get(10, SECONDS);
      }

      AuditLog.of(log)
          .read(
              (file, rotated, content) -> {
                if (visited.isEmpty()) {
                  // While the first file is read, the log grows: the file that was active is
                  // rotated away (5, 6), then 7, 8 | 9, 10 | active file 11, 12.
                  for (int index = 0; index < 6; index++) {
                    sink.append(SampleEvents.allowedSelect()).join();
                  }
                }
                visited.add(file);
                seqs.addAll(seqsIn(content));
                return true;
              });

      assertEquals(5, sink.rotations());
    }
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    assertEquals(5, rotated.size());
    assertEquals(rotated.subList(0, 3), visited);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seqs);
  }

  @Test
  void aReadOfAnInconsistentLogIsNotBounded() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    long lineLength = lineLength();
    AuditSinkOptions twoLinesPerFile =
        SampleEvents.options(Fsync.NEVER).withMaxFileBytes(lineLength + 10);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, twoLinesPerFile)) {
      for (int index = 0; index < 6; index++) {
        sink.append(SampleEvents.allowedSelect()).get(10, SECONDS);
      }
    }
    // An old file put back as the active one: the read must still show every file, so that
    // the verifier finds the damage.
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    Files.copy(rotated.get(0), log, StandardCopyOption.REPLACE_EXISTING);

    List<Path> visited = new ArrayList<>();
    AuditLog.of(log)
        .read(
            (file, name, content) -> {
              visited.add(file);
              return true;
            });

    assertEquals(List.of(rotated.get(0), rotated.get(1), log), visited);
    LogVerificationResult result = AuditChainVerifier.verifyAll(log);
    assertEquals(log, result.brokenFile().orElseThrow(), result::toString);
    assertTrue(result.problem().startsWith("seq gap: expected 5, found 1"), result::toString);
  }

  @Test
  void aFileMissingFromAListingIsLookedForAgain() throws Exception {
    Path log = writeTwoLinesPerFile(8);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    Path second = rotated.get(1);
    // What a listing that overlaps two renames can show: a later file without an earlier one.
    // Here the earlier one comes back only after the listing, while the first file is read.
    Path aside = Files.move(second, directory.resolve("aside"));

    List<Path> visited = new ArrayList<>();
    AuditLog.of(log)
        .read(
            (file, name, content) -> {
              if (visited.isEmpty()) {
                Files.move(aside, second);
              }
              visited.add(file);
              return true;
            });

    assertEquals(List.of(rotated.get(0), second, rotated.get(2), log), visited);
  }

  @Test
  void aFileMissingForGoodIsLeftToTheVerifier() throws Exception {
    Path log = writeTwoLinesPerFile(8);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    Files.delete(rotated.get(1));

    List<Path> visited = new ArrayList<>();
    AuditLog.of(log)
        .read(
            (file, name, content) -> {
              visited.add(file);
              return true;
            });

    assertEquals(List.of(rotated.get(0), rotated.get(2), log), visited);
  }

  @Test
  void aFileNamedBeyondTheBoundDoesNotEndTheReadBeforeTheActiveFile() throws Exception {
    Path log = writeTwoLinesPerFile(8);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    // Appears while the read runs, named as if rotated after the file active when it began (a
    // writer would first have rotated that one): the read must still end with the active file,
    // or whatever it holds would go unread, and unverified.
    Path foreign = RotatedFileName.of(log, Instant.parse("2026-11-21T12:00:00Z"), 1000).path();

    List<Path> visited = new ArrayList<>();
    AuditLog.of(log)
        .read(
            (file, name, content) -> {
              if (visited.isEmpty()) {
                Files.copy(rotated.get(2), foreign);
              }
              visited.add(file);
              return true;
            });

    assertEquals(List.of(rotated.get(0), rotated.get(1), rotated.get(2), log), visited);
  }

  /** Writes {@code events} events two to a file, so the files begin at seq 1, 3, 5, ... */
  private Path writeTwoLinesPerFile(int events) throws Exception {
    Path log = directory.resolve("audit.jsonl");
    AuditSinkOptions twoLinesPerFile =
        SampleEvents.options(Fsync.NEVER).withMaxFileBytes(lineLength() + 10);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, twoLinesPerFile)) {
      for (int index = 0; index < events; index++) {
        sink.append(SampleEvents.allowedSelect()).get(10, SECONDS);
      }
    }
    assertEquals(events / 2 - 1, AuditLog.of(log).rotatedFiles().size());
    return log;
  }

  private long lineLength() throws Exception {
    Path probe = directory.resolve("probe.jsonl");
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(probe, SampleEvents.options(Fsync.NEVER))) {
      sink.append(SampleEvents.allowedSelect()).get(10, SECONDS);
    }
    long length = Files.size(probe);
    Files.delete(probe);
    return length;
  }

  private static List<Long> seqsIn(InputStream content) throws IOException {
    List<Long> seqs = new ArrayList<>();
    for (String line : new String(content.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        seqs.add(JSON.readTree(line).get("seq").longValue());
      }
    }
    return seqs;
  }

  private static Path touch(Path file) throws Exception {
    return Files.writeString(file, "");
  }
}
