package io.meshgate.audit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditSinkOptions.Fsync;
import io.meshgate.audit.jsonl.ChainHash;
import io.meshgate.audit.jsonl.RotatedFileName;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonLinesAuditSinkRotationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROTATED_NAME =
      Pattern.compile("audit\\.jsonl\\.\\d{8}T\\d{6}Z-\\d{19}\\.jsonl");

  @TempDir Path directory;

  @Test
  void rotationBySizeMakesSeveralFilesThatVerifyAsOneChain() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    long lineLength = lineLengthOfSampleEvent();
    long maxFileBytes = 3 * lineLength + lineLength / 2;
    List<AuditEvent> events = new ArrayList<>();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options(maxFileBytes))) {
      for (int index = 1; index <= 20; index++) {
        // A time per event, a second apart, so the names show the first event of each file.
        AuditEvent event =
            EventBuilder.event().number(index).time(SampleEvents.TIME.plusSeconds(index)).build();
        events.add(event);
        sink.append(event).get(10, SECONDS);
      }
      // Four lines per file (three fit below the limit, the fourth crosses it): 5 files.
      assertEquals(4, sink.rotations());
    }

    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    assertEquals(4, rotated.size());
    List<String> allLines = new ArrayList<>();
    long expectedFirstSeq = 1;
    for (Path file : rotated) {
      assertTrue(ROTATED_NAME.matcher(file.getFileName().toString()).matches(), file::toString);
      long size = Files.size(file);
      assertTrue(size >= maxFileBytes, "rotated only once full: " + size);
      List<String> lines = Files.readAllLines(file);
      long lastLineBytes = lines.get(lines.size() - 1).getBytes(StandardCharsets.UTF_8).length + 1;
      assertTrue(size - lastLineBytes < maxFileBytes, "rotated as soon as full: " + size);
      JsonNode first = JSON.readTree(lines.get(0));
      assertEquals(expectedFirstSeq, first.get("seq").longValue());
      // The name is the first event's time (to the second) and seq.
      AuditEvent firstEvent = events.get((int) expectedFirstSeq - 1);
      assertEquals(
          RotatedFileName.of(log, firstEvent.time(), expectedFirstSeq).path(), file);
      expectedFirstSeq += lines.size();
      allLines.addAll(lines);
    }
    allLines.addAll(Files.readAllLines(log));
    assertEquals(20, allLines.size());
    for (int index = 0; index < allLines.size(); index++) {
      JsonNode line = JSON.readTree(allLines.get(index));
      assertEquals(index + 1, line.get("seq").longValue(), "seq continues across files");
      String previous =
          index == 0
              ? ChainHash.GENESIS
              : JSON.readTree(allLines.get(index - 1)).get("hash").textValue();
      assertEquals(previous, line.get("prev_hash").textValue(), "chain continues across files");
    }
    // Names sort as text in chain order.
    List<String> names = rotated.stream().map(file -> file.getFileName().toString()).toList();
    List<String> sortedNames = new ArrayList<>(names);
    sortedNames.sort(null);
    assertEquals(names, sortedNames);

    LogVerificationResult result = AuditChainVerifier.verifyAll(log);
    assertTrue(result.intact(), result::toString);
    assertEquals(5, result.filesChecked());
    assertEquals(20, result.eventsChecked());
    assertEquals(1, result.firstSeq());
    assertEquals(ChainHash.GENESIS, result.firstPreviousHash());
    assertEquals(
        JSON.readTree(allLines.get(19)).get("hash").textValue(), result.lastHash());
  }

  @Test
  void aRotatedFileVerifiedAloneSaysToVerifyTheWholeLog() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    writeEvents(log, options(1), 3);
    Path second = AuditLog.of(log).rotatedFiles().get(1);

    VerificationResult alone = AuditChainVerifier.verify(second);

    assertFalse(alone.intact());
    assertTrue(alone.problem().startsWith("seq gap: expected 1, found 2"), alone::toString);
    assertTrue(alone.problem().contains("verifyAll"), alone::toString);
  }

  @Test
  void anOldFileIsRotatedBeforeTheNextBatch() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MICROS);
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(log, AuditSinkOptions.defaults().withFsync(Fsync.NEVER))) {
      assertEquals(Duration.ofDays(1), AuditSinkOptions.defaults().maxFileAge());
      sink.append(EventBuilder.event().time(twoDaysAgo).build()).get(10, SECONDS);
      assertEquals(0, sink.rotations(), "age is checked before a batch, not by a timer");

      sink.append(EventBuilder.event().time(Instant.now()).build()).get(10, SECONDS);
      sink.append(EventBuilder.event().time(Instant.now()).build()).get(10, SECONDS);

      assertEquals(1, sink.rotations(), "the new file is young: rotated once");
    }
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    assertEquals(List.of(RotatedFileName.of(log, twoDaysAgo, 1).path()), rotated);
    assertEquals(1, Files.readAllLines(rotated.get(0)).size());
    assertEquals(2, Files.readAllLines(log).size());
    assertIntactLog(log, 1, 3);
  }

  @Test
  void anAgeLimitCountsFromTheFirstEventOfAReopenedFile() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    Instant hoursAgo = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.MICROS);
    AuditSinkOptions oneHour =
        AuditSinkOptions.defaults().withFsync(Fsync.NEVER).withMaxFileAge(Duration.ofHours(1));
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(log, oneHour.withMaxFileAge(Duration.ofDays(1)))) {
      sink.append(EventBuilder.event().time(hoursAgo).build()).get(10, SECONDS);
      sink.append(EventBuilder.event().time(Instant.now()).build()).get(10, SECONDS);
    }

    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, oneHour)) {
      sink.append(EventBuilder.event().time(Instant.now()).build()).get(10, SECONDS);
      assertEquals(1, sink.rotations());
    }

    assertEquals(
        List.of(RotatedFileName.of(log, hoursAgo, 1).path()), AuditLog.of(log).rotatedFiles());
    assertIntactLog(log, 1, 3);
  }

  @Test
  void theChainContinuesWhenTheActiveFileIsMissingAfterARotation() throws Exception {
    // A crash between renaming the full file and creating the next one leaves no active file.
    Path log = directory.resolve("audit.jsonl");
    writeEvents(log, options(Long.MAX_VALUE), 2);
    Files.move(log, RotatedFileName.of(log, SampleEvents.TIME, 1).path());

    writeEvents(log, options(Long.MAX_VALUE), 1);

    JsonNode first = JSON.readTree(Files.readAllLines(log).get(0));
    assertEquals(3, first.get("seq").longValue());
    assertIntactLog(log, 1, 3);
  }

  @Test
  void theChainContinuesFromTheNewestRotatedFileIntoAnEmptyActiveFile() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    // Rotation before every batch but the first: event 1 | event 2 | active file: event 3.
    writeEvents(log, options(1), 3);
    assertEquals(2, AuditLog.of(log).rotatedFiles().size());
    // With the active file's only line gone, the chain goes on after event 2.
    Files.write(log, new byte[0]);

    writeEvents(log, options(Long.MAX_VALUE), 1);

    assertEquals(3, JSON.readTree(Files.readAllLines(log).get(0)).get("seq").longValue());
    assertIntactLog(log, 2, 3);
  }

  @Test
  void aTornNewestRotatedFileStopsTheSinkFromOpeningAnEmptyActiveFile() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    writeEvents(log, options(Long.MAX_VALUE), 2);
    Path rotated = RotatedFileName.of(log, SampleEvents.TIME, 1).path();
    Files.move(log, rotated);
    Files.write(rotated, "{\"schema_version\":1,\"seq\":3".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);

    AuditException.DamagedLog damaged =
        assertThrows(
            AuditException.DamagedLog.class, () -> JsonLinesAuditSink.open(log, options(1)));

    assertTrue(damaged.getMessage().contains(rotated.toString()), damaged.getMessage());
    assertTrue(damaged.getMessage().contains("incomplete line 3"), damaged.getMessage());
  }

  @Test
  void aReopenedFileIsNamedAfterItsFirstEventWhenItRotates() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    // options() sets no age limit, so only the size limit rotates here.
    Instant firstTime = Instant.parse("2026-03-04T05:06:07.891011Z");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options(Long.MAX_VALUE))) {
      sink.append(EventBuilder.event().time(firstTime).build()).get(10, SECONDS);
      sink.append(EventBuilder.event().build()).get(10, SECONDS);
    }

    writeEvents(log, options(1), 1);

    Path rotated = log.resolveSibling("audit.jsonl.20260304T050607Z-0000000000000000001.jsonl");
    assertEquals(List.of(rotated), AuditLog.of(log).rotatedFiles());
    assertEquals(2, Files.readAllLines(rotated).size());
    assertIntactLog(log, 1, 3);
  }

  @Test
  void rotationNeverReplacesAnExistingFile() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    // A directory, so that the sink does not take it for a rotated file to continue from.
    Path taken = Files.createDirectory(RotatedFileName.of(log, SampleEvents.TIME, 1).path());
    Files.writeString(taken.resolve("kept"), "keep me\n");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options(1))) {
      sink.append(SampleEvents.allowedSelect()).get(10, SECONDS);

      ExecutionException failed =
          assertThrows(
              ExecutionException.class,
              () -> sink.append(SampleEvents.allowedSelect()).get(10, SECONDS));

      AuditException.StorageFailure failure =
          assertInstanceOf(AuditException.StorageFailure.class, failed.getCause());
      assertTrue(failure.getMessage().contains("already exists"), failure.getMessage());
      assertFalse(sink.isHealthy());
    }
    assertEquals("keep me\n", Files.readString(taken.resolve("kept")));
    VerificationResult active = AuditChainVerifier.verify(log);
    assertTrue(active.intact(), active::toString);
    assertEquals(1, active.eventsChecked());
  }

  @Test
  void deletingAMiddleRotatedFileIsFoundAtTheFirstLineOfTheNextFile() throws Exception {
    Path log = writeRotatedLog(4);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    Files.delete(rotated.get(1));

    LogVerificationResult result = AuditChainVerifier.verifyAll(log);

    assertBroken(result, rotated.get(2), 1, "seq gap: expected 3, found 5");
    assertEquals(1, result.filesChecked());
    assertEquals(2, result.eventsChecked());
  }

  @Test
  void deletingTheLastRotatedFileIsFoundInTheActiveFile() throws Exception {
    Path log = writeRotatedLog(4);
    Files.delete(AuditLog.of(log).rotatedFiles().get(3));

    assertBroken(AuditChainVerifier.verifyAll(log), log, 1, "seq gap: expected 7, found 9");
  }

  @Test
  void deletingTheOldestFilesIsFoundUnlessRetentionIsDeclared() throws Exception {
    Path log = writeRotatedLog(4);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    String lastDeletedHash = lastHashOf(rotated.get(1));
    Files.delete(rotated.get(0));
    Files.delete(rotated.get(1));

    LogVerificationResult fromFirstEvent = AuditChainVerifier.verifyAll(log);
    assertBroken(fromFirstEvent, rotated.get(2), 1, "seq gap: expected 1, found 5");
    assertTrue(fromFirstEvent.problem().contains("retention"), fromFirstEvent::toString);

    LogVerificationResult kept =
        AuditChainVerifier.verifyAll(
            AuditLog.of(log), AuditChainVerifier.ChainStart.OLDEST_KEPT_FILE);
    assertTrue(kept.intact(), kept::toString);
    assertEquals(3, kept.filesChecked());
    assertEquals(6, kept.eventsChecked());
    assertEquals(5, kept.firstSeq());
    assertEquals(lastDeletedHash, kept.firstPreviousHash());
  }

  @Test
  void retentionModeStillFindsAGapAfterTheOldestKeptFile() throws Exception {
    Path log = writeRotatedLog(4);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    Files.delete(rotated.get(0));
    Files.delete(rotated.get(2));

    LogVerificationResult result =
        AuditChainVerifier.verifyAll(
            AuditLog.of(log), AuditChainVerifier.ChainStart.OLDEST_KEPT_FILE);

    assertBroken(result, rotated.get(3), 1, "seq gap: expected 5, found 7");
  }

  @Test
  void anEditedLineInARotatedFileIsFound() throws Exception {
    Path log = writeRotatedLog(4);
    Path second = AuditLog.of(log).rotatedFiles().get(1);
    List<String> lines = Files.readAllLines(second);
    String edited = lines.get(1).replace("\"user\":\"alice\"", "\"user\":\"mallory\"");
    assertFalse(edited.equals(lines.get(1)));
    lines.set(1, edited);
    Files.write(second, lines);

    assertBroken(AuditChainVerifier.verifyAll(log), second, 2, "hash mismatch");
  }

  @Test
  void aRehashedEditAtTheEndOfARotatedFileIsFoundInTheNextFile() throws Exception {
    Path log = writeRotatedLog(4);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    List<String> lines = Files.readAllLines(rotated.get(1));
    lines.set(1, Rehash.line(lines.get(1).replace("\"rows\":2", "\"rows\":0")));
    Files.write(rotated.get(1), lines);

    assertBroken(
        AuditChainVerifier.verifyAll(log),
        rotated.get(2),
        1,
        "prev_hash does not match line 2 of " + rotated.get(1));
  }

  @Test
  void aLineCutOffTheEndOfARotatedFileIsFound() throws Exception {
    Path log = writeRotatedLog(4);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    List<String> lines = Files.readAllLines(rotated.get(0));
    Files.write(rotated.get(0), lines.subList(0, 1));

    assertBroken(
        AuditChainVerifier.verifyAll(log), rotated.get(1), 1, "seq gap: expected 2, found 3");
  }

  @Test
  void aRenamedRotatedFileIsFound() throws Exception {
    Path log = writeRotatedLog(4);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    // Same place in the order, but the name no longer tells its first event.
    Path renamed = RotatedFileName.of(log, SampleEvents.TIME.plusSeconds(3600), 3).path();
    Files.move(rotated.get(1), renamed);

    assertBroken(AuditChainVerifier.verifyAll(log), renamed, 1, "file name does not match");
  }

  @Test
  void anEmptyRotatedFileIsFound() throws Exception {
    Path log = writeRotatedLog(4);
    Path empty = RotatedFileName.of(log, SampleEvents.TIME, 4).path();
    Files.write(empty, new byte[0]);

    assertBroken(AuditChainVerifier.verifyAll(log), empty, 1, "empty rotated file");
  }

  @Test
  void aForeignFileNamedAfterTheActiveFileIsFoundAndHidesNothing() throws Exception {
    Path log = writeRotatedLog(4);
    // The forger edits the active file, then drops a file named as if rotated after it, whose
    // last line (a copy of a real one, seq 8) makes the active file look like its successor.
    List<String> active = Files.readAllLines(log);
    active.set(1, active.get(1).replace("\"user\":\"alice\"", "\"user\":\"mallory\""));
    Files.write(log, active);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    List<String> newestRotated = Files.readAllLines(rotated.get(3));
    Path foreign = RotatedFileName.of(log, SampleEvents.TIME.plusSeconds(7200), 1000).path();
    Files.write(foreign, newestRotated.subList(1, 2));

    assertBroken(AuditChainVerifier.verifyAll(log), foreign, 1, "seq gap: expected 9, found 8");
  }

  @Test
  void linesCutOffTheEndAreFoundOnlyAgainstAnAnchor() throws Exception {
    Path log = writeRotatedLog(4);
    ChainAnchor kept = new ChainAnchor(10, lastHashOf(log));
    List<String> active = Files.readAllLines(log);
    Files.write(log, active.subList(0, 1));

    // What the chain alone cannot show (audit/README.md): a shorter chain is still a chain.
    assertTrue(AuditChainVerifier.verifyAll(log).intact());
    assertBroken(verifyAgainst(log, kept), log, 2, "the log ends at seq 9, before the anchored seq 10");
  }

  @Test
  void aLogRewrittenWithRecomputedHashesIsFoundOnlyAgainstAnAnchor() throws Exception {
    Path log = writeRotatedLog(4);
    ChainAnchor kept = new ChainAnchor(10, lastHashOf(log));
    // The forger edits seq 9 and recomputes its hash and the next line's link and hash.
    List<String> active = Files.readAllLines(log);
    String edited = Rehash.line(active.get(0).replace("\"rows\":2", "\"rows\":0"));
    String newHash = JSON.readTree(edited).get("hash").textValue();
    String oldHash = JSON.readTree(active.get(0)).get("hash").textValue();
    Files.write(log, List.of(edited, Rehash.line(active.get(1).replace(oldHash, newHash))));

    assertTrue(AuditChainVerifier.verifyAll(log).intact());
    assertBroken(verifyAgainst(log, kept), log, 2, "anchor mismatch");
    // An anchor older than the edit holds: what was written after the last anchor stays exposed.
    Path eighth = AuditLog.of(log).rotatedFiles().get(3);
    LogVerificationResult before = verifyAgainst(log, new ChainAnchor(8, lastHashOf(eighth)));
    assertTrue(before.intact(), before::toString);
    assertEquals(10, before.lastSeq());
  }

  @Test
  void anAnchorRetentionDeletedCannotBeCheckedAndBreaksTheVerification() throws Exception {
    Path log = writeRotatedLog(4);
    List<Path> rotated = AuditLog.of(log).rotatedFiles();
    ChainAnchor deleted = new ChainAnchor(2, lastHashOf(rotated.get(0)));
    Files.delete(rotated.get(0));

    LogVerificationResult result = AuditChainVerifier.verifyAll(
        AuditLog.of(log), AuditChainVerifier.ChainStart.OLDEST_KEPT_FILE, Optional.of(deleted));

    assertBroken(result, log, 3, "anchor not checked: its seq 2 is before the oldest line kept (seq 3)");
  }

  private static final long MAX_EVENTS_WHILE_EXPORTING = 10_000;

  @Test
  void readingTheLogWhileItRotatesSkipsNoFileAndReadsNoneTwice() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    // Small files, so that rotations keep happening while the exports list and read the files.
    AuditSinkOptions options = SampleEvents.options(Fsync.NEVER).withMaxFileBytes(2 * 1024);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong written = new AtomicLong();
    Thread writer;
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options)) {
      writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    // Bounded: on a slow machine an unbounded writer grows the log faster than
                    // the exports read it, and the test never ends.
                    while (!stop.get() && written.get() < MAX_EVENTS_WHILE_EXPORTING) {
                      sink.append(SampleEvents.allowedSelect()).join();
                      written.incrementAndGet();
                    }
                  });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      int exports = 0;
      long longest = 0;
      while (System.nanoTime() < deadline || exports < 3) {
        Path copy = directory.resolve("export-" + exports++ + ".jsonl");
        try (OutputStream output = Files.newOutputStream(copy)) {
          AuditExport.export(AuditLog.of(log), AuditFilter.all(), AuditExport.Format.JSONL, output);
        }
        // An unfiltered export of a log that starts at seq 1 is the chain itself: a file skipped
        // or read twice breaks it.
        VerificationResult copied = AuditChainVerifier.verify(copy);
        assertTrue(copied.intact(), () -> copy + ": " + copied);
        assertTrue(copied.eventsChecked() >= longest, "an export is never shorter than before");
        longest = copied.eventsChecked();
        Files.delete(copy);
      }
      stop.set(true);
      writer.join();
      assertTrue(sink.rotations() >= 10, "rotations while exporting: " + sink.rotations());
    }
    assertIntactLog(log, AuditLog.of(log).rotatedFiles().size(), written.get());
  }

  private Path writeRotatedLog(int rotatedFiles) throws Exception {
    // Two lines per file: the second crosses the limit.
    Path log = directory.resolve("audit.jsonl");
    long lineLength = lineLengthOfSampleEvent();
    writeEvents(log, options(lineLength + 1), 2 * rotatedFiles + 2);
    assertEquals(rotatedFiles, AuditLog.of(log).rotatedFiles().size());
    assertIntactLog(log, rotatedFiles, 2 * rotatedFiles + 2);
    return log;
  }

  private long lineLengthOfSampleEvent() throws Exception {
    Path probe = directory.resolve("probe.jsonl");
    writeEvents(probe, options(Long.MAX_VALUE), 1);
    long length = Files.size(probe);
    Files.delete(probe);
    return length;
  }

  private static void writeEvents(Path log, AuditSinkOptions options, int count) throws Exception {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options)) {
      for (int index = 0; index < count; index++) {
        sink.append(EventBuilder.event().build()).get(10, SECONDS);
      }
    }
  }

  private static AuditSinkOptions options(long maxFileBytes) {
    return SampleEvents.options(Fsync.ALWAYS).withMaxFileBytes(maxFileBytes);
  }

  private static String lastHashOf(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file);
    return JSON.readTree(lines.get(lines.size() - 1)).get("hash").textValue();
  }

  private static LogVerificationResult verifyAgainst(Path log, ChainAnchor anchor) throws Exception {
    return AuditChainVerifier.verifyAll(
        AuditLog.of(log), AuditChainVerifier.ChainStart.FIRST_EVENT, Optional.of(anchor));
  }

  private static void assertIntactLog(Path log, int rotatedFiles, long events) throws Exception {
    LogVerificationResult result = AuditChainVerifier.verifyAll(log);
    assertTrue(result.intact(), result::toString);
    assertEquals(rotatedFiles, AuditLog.of(log).rotatedFiles().size());
    assertEquals(events, result.eventsChecked());
  }

  private static void assertBroken(
      LogVerificationResult result, Path file, long line, String problemStart) {
    assertFalse(result.intact(), result::toString);
    assertEquals(file, result.brokenFile().orElseThrow(), result::toString);
    assertEquals(line, result.brokenLine().orElseThrow(), result::toString);
    assertTrue(result.problem().startsWith(problemStart), result::toString);
  }
}
