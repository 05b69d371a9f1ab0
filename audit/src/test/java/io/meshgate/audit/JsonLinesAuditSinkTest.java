package io.meshgate.audit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditSinkOptions.Fsync;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonLinesAuditSinkTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(Fsync.class)
  void eachEventIsInTheFileWhenItsFutureCompletes(Fsync fsync) throws Exception {
    Path log = directory.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options(fsync))) {
      for (int index = 1; index <= 20; index++) {
        AuditEvent event = SampleEvents.allowedSelect("alice", "select " + index);

        sink.append(event).get(10, SECONDS);

        List<String> lines = Files.readAllLines(log);
        assertEquals(index, lines.size());
        JsonNode last = JSON.readTree(lines.get(index - 1));
        assertEquals(index, last.get("seq").longValue());
        assertEquals(event.eventId(), last.get("event_id").textValue());
      }
      assertEquals(20, sink.writtenEvents());
      assertEquals(0, sink.failedEvents());
      assertEquals(0, sink.queueDepth());
      assertTrue(sink.lastBatchWriteLatency().toNanos() > 0);
      assertTrue(sink.isHealthy());
    }
    assertIntact(log, 20);
  }

  /**
   * The writer copies a batch into one buffer it keeps: statements larger than that buffer, and
   * than the size it keeps it at, must come out whole, and the lines after them too.
   */
  @Test
  void hugeStatementsAndTheSmallOnesAfterThemAreWrittenWhole() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    String huge = "select '" + "y".repeat(3 * 1024 * 1024) + "'";
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options(Fsync.ALWAYS))) {
      sink.append(SampleEvents.allowedSelect("alice", "select 1")).get(30, SECONDS);
      sink.append(SampleEvents.allowedSelect("alice", huge)).get(30, SECONDS);
      sink.append(SampleEvents.allowedSelect("alice", "select 2")).get(30, SECONDS);
    }
    List<String> lines = Files.readAllLines(log);
    assertEquals(3, lines.size());
    assertEquals(huge, JSON.readTree(lines.get(1)).get("sql").textValue());
    assertEquals("select 2", JSON.readTree(lines.get(2)).get("sql").textValue());
    assertIntact(log, 3);
  }

  @Test
  void theChainContinuesAcrossCloseAndReopen() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    writeEvents(log, 3);
    String thirdHash = JSON.readTree(Files.readAllLines(log).get(2)).get("hash").textValue();

    writeEvents(log, 2);

    List<String> lines = Files.readAllLines(log);
    assertEquals(5, lines.size());
    JsonNode fourth = JSON.readTree(lines.get(3));
    assertEquals(4, fourth.get("seq").longValue());
    assertEquals(thirdHash, fourth.get("prev_hash").textValue());
    assertIntact(log, 5);
  }

  @Test
  void refusesToContinueAfterATornLastLineAndSaysHowToRepair() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    writeEvents(log, 3);
    long intactSize = Files.size(log);
    byte[] fragment = "{\"schema_version\":1,\"seq\":4,\"prev".getBytes(StandardCharsets.UTF_8);
    Files.write(log, fragment, StandardOpenOption.APPEND);

    AuditException.DamagedLog damaged =
        assertThrows(
            AuditException.DamagedLog.class,
            () -> JsonLinesAuditSink.open(log, options(Fsync.NEVER)));

    assertEquals("XX001", damaged.sqlState());
    assertTrue(damaged.getMessage().contains("incomplete line 4"), damaged.getMessage());
    assertTrue(
        damaged.getMessage().contains("truncate -s " + intactSize + " " + log),
        damaged.getMessage());
    assertEquals(
        intactSize + fragment.length, Files.size(log), "opening must not change the damaged file");

    // The repair the message names: cut the fragment off, and the chain continues.
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(intactSize);
    }
    writeEvents(log, 1);
    assertIntact(log, 4);
  }

  @Test
  void refusesToContinueFromALastLineWhoseHashDoesNotMatch() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    writeEvents(log, 2);
    List<String> lines = Files.readAllLines(log);
    lines.set(1, lines.get(1).replace("\"rows\":3", "\"rows\":9"));
    Files.write(log, lines);

    AuditException.DamagedLog damaged =
        assertThrows(
            AuditException.DamagedLog.class,
            () -> JsonLinesAuditSink.open(log, options(Fsync.ALWAYS)));

    assertTrue(damaged.getMessage().contains("last line 2 (hash mismatch)"), damaged.getMessage());
  }

  @Test
  void manyThreadsGetEveryEventWrittenOnceInTheirOrder() throws Exception {
    int threads = 8;
    int perThread = 2_000;
    Path log = directory.resolve("audit.jsonl");
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    // Room for every event: this test is about order and completeness, not overload.
    AuditSinkOptions roomForAll =
        SampleEvents.options(Fsync.ALWAYS).withQueueCapacity(threads * perThread);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, roomForAll)) {
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<List<CompletableFuture<Void>>>> appenders = new ArrayList<>();
      for (int thread = 0; thread < threads; thread++) {
        int appender = thread;
        appenders.add(
            CompletableFuture.supplyAsync(
                () -> {
                  awaitUninterruptibly(start);
                  List<CompletableFuture<Void>> own = new ArrayList<>();
                  for (int index = 0; index < perThread; index++) {
                    String sql = appender + ":" + index;
                    own.add(sink.append(SampleEvents.allowedSelect("alice", sql)));
                  }
                  return own;
                },
                runnable -> Thread.ofPlatform().start(runnable)));
      }
      start.countDown();
      for (CompletableFuture<List<CompletableFuture<Void>>> appender : appenders) {
        futures.addAll(appender.get(30, SECONDS));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, SECONDS);
      assertEquals(threads * perThread, sink.writtenEvents());
      assertEquals(0, sink.failedEvents());
    }

    assertIntact(log, threads * perThread);
    Map<Integer, Integer> lastIndexOfThread = new HashMap<>();
    Set<String> eventIds = new HashSet<>();
    for (String line : Files.readAllLines(log)) {
      JsonNode json = JSON.readTree(line);
      eventIds.add(json.get("event_id").textValue());
      String[] threadAndIndex = json.get("sql").textValue().split(":");
      int thread = Integer.parseInt(threadAndIndex[0]);
      int index = Integer.parseInt(threadAndIndex[1]);
      assertEquals(
          lastIndexOfThread.getOrDefault(thread, -1) + 1, index, "order of thread " + thread);
      lastIndexOfThread.put(thread, index);
    }
    assertEquals(threads * perThread, eventIds.size());
  }

  @Test
  void closeWritesEverythingAcceptedBefore() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options(Fsync.ALWAYS));
    for (int index = 0; index < 500; index++) {
      futures.add(sink.append(SampleEvents.utility()));
    }

    sink.close();

    for (CompletableFuture<Void> future : futures) {
      assertTrue(future.isDone() && !future.isCompletedExceptionally());
    }
    assertIntact(log, 500);
  }

  @Test
  void appendsAfterCloseFailAtOnce() {
    JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(directory.resolve("audit.jsonl"), options(Fsync.NEVER));
    sink.close();
    sink.close();

    CompletableFuture<Void> late = sink.append(SampleEvents.utility());

    AuditException.Closed closed = assertInstanceOf(AuditException.Closed.class, failure(late));
    assertEquals("57P01", closed.sqlState());
    assertFalse(sink.isHealthy());
    assertEquals(1, sink.failedEvents());
  }

  @Test
  void aSinkThatFallsBehindRefusesNewStatementsButLosesNoEvent() throws Exception {
    // A real blocked writer: a pipe whose reader does not read yet fills up, and the writer
    // waits in write() while the queue behind it fills.
    NamedPipe pipe = NamedPipe.create(directory);
    int capacity = 4;
    // Bigger than a pipe's buffer, so the first write already blocks.
    String bigSql = NamedPipe.BIG_SQL;
    List<CompletableFuture<Void>> accepted = new ArrayList<>();

    JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(pipe.path(), new AuditSinkOptions(capacity, Fsync.NEVER));
    InputStream reader = pipe.reader();
    // Once the writer has taken the first event, it is stuck writing it: nothing drains the
    // queue any more.
    accepted.add(sink.append(SampleEvents.allowedSelect("alice", bigSql)));
    while (sink.queueDepth() > 0) {
      Thread.sleep(1);
    }
    Thread.sleep(50);
    for (int index = 0; index < capacity; index++) {
      assertTrue(sink.acceptsNewStatements(), "room for " + (capacity - index) + " more");
      accepted.add(sink.append(SampleEvents.allowedSelect("alice", bigSql)));
    }
    assertFalse(sink.acceptsNewStatements(), "behind: new statements must wait");
    // Statements that already ran (or were under way) still get their events.
    for (int index = 0; index < 3; index++) {
      accepted.add(sink.append(SampleEvents.allowedSelect("alice", bigSql)));
    }
    assertTrue(accepted.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
    assertEquals(capacity + 3, sink.queueDepth());
    assertFalse(accepted.get(0).isDone(), "the writer is blocked");
    assertTrue(sink.isHealthy(), "a sink that is behind is overloaded, not broken");

    // Reading unblocks the writer; everything accepted gets written, in one intact chain.
    CompletableFuture<byte[]> drained = CompletableFuture.supplyAsync(() -> readAll(reader));
    CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(30, SECONDS);
    assertTrue(sink.acceptsNewStatements());
    sink.close();
    Path copy = directory.resolve("copy.jsonl");
    Files.write(copy, drained.get(30, SECONDS));
    assertIntact(copy, accepted.size());
  }

  @Test
  void anIoErrorMakesTheSinkUnhealthyForGood() throws Exception {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "/dev/full exists");

    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(full, options(Fsync.NEVER))) {
      assertTrue(sink.isHealthy());

      CompletableFuture<Void> first = sink.append(SampleEvents.allowedSelect());
      ExecutionException firstFailed =
          assertThrows(ExecutionException.class, () -> first.get(10, SECONDS));
      AuditException.StorageFailure failed =
          assertInstanceOf(AuditException.StorageFailure.class, firstFailed.getCause());
      assertEquals("58030", failed.sqlState());
      assertFalse(sink.isHealthy());

      CompletableFuture<Void> later = sink.append(SampleEvents.allowedSelect());
      assertTrue(later.isCompletedExceptionally(), "fails at once, before reaching the writer");
      assertInstanceOf(AuditException.StorageFailure.class, failure(later));
      assertEquals(0, sink.writtenEvents());
      assertEquals(2, sink.failedEvents());
    }
  }

  @Test
  void aFailedWriteToARegularFileIsCutOffSoTheLogStaysWhole() throws Exception {
    // A real write error on a regular file: the kernel refuses to grow a file past the size
    // limit of a child process (ulimit -f, in KiB), in the middle of a line.
    Path log = directory.resolve("audit.jsonl");
    String javaCommand = ProcessHandle.current().info().command().orElseThrow();
    Process process =
        new ProcessBuilder(
                "bash",
                "-c",
                "ulimit -f 20 && exec \"$0\" -cp \"$1\" \"$2\" \"$3\"",
                javaCommand,
                System.getProperty("java.class.path"),
                WriteUntilFileTooLarge.class.getName(),
                log.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, SECONDS));
    Matcher reported =
        Pattern.compile("written (\\d+) healthy false StorageFailure")
            .matcher(output);
    assumeTrue(reported.find(), () -> "the file size limit took effect: " + output);
    long written = Long.parseLong(reported.group(1));

    assertTrue(written > 0, output);
    assertTrue(Files.size(log) <= 20 * 1024, "the torn line was cut off: " + Files.size(log));
    assertIntact(log, written);
    writeEvents(log, 1);
    assertIntact(log, written + 1);
  }

  @Test
  void pipesAndDevicesCannotBeForced() {
    assumeTrue(Files.exists(Path.of("/dev/full")), "/dev/full exists");

    AuditException.StorageFailure refused =
        assertThrows(
            AuditException.StorageFailure.class,
            () -> JsonLinesAuditSink.open(Path.of("/dev/full"), options(Fsync.ALWAYS)));

    assertTrue(refused.getMessage().contains("fsync NEVER"), refused.getMessage());
  }

  @Test
  void aLogIsOpenInOneSinkAtATime() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    try (JsonLinesAuditSink first = JsonLinesAuditSink.open(log, options(Fsync.NEVER))) {
      first.append(SampleEvents.utility()).get(10, SECONDS);

      AuditException.StorageFailure refused =
          assertThrows(
              AuditException.StorageFailure.class,
              () -> JsonLinesAuditSink.open(log, options(Fsync.NEVER)));
      assertTrue(refused.getMessage().contains("already open"), refused.getMessage());

      first.append(SampleEvents.utility()).get(10, SECONDS);
    }
    writeEvents(log, 1);
    assertIntact(log, 3);
  }

  @Test
  void anotherProcessCannotOpenTheLogEvenAfterThisOneReadIt() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options(Fsync.NEVER))) {
      sink.append(SampleEvents.utility()).get(10, SECONDS);
      // Opening and closing the log in this process must not give up the lock.
      assertIntact(log, 1);

      assertTrue(openInAnotherProcess(log).startsWith("refused: "), "still locked");
    }
    assertTrue(openInAnotherProcess(log).startsWith("opened "), "unlocked after close");
  }

  @Test
  void aNewLogIsNotReadableByOthers() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    assumeTrue(log.getFileSystem().supportedFileAttributeViews().contains("posix"));

    writeEvents(log, 1);

    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(log);
    assertFalse(permissions.contains(PosixFilePermission.OTHERS_READ), permissions::toString);
    assertFalse(permissions.contains(PosixFilePermission.GROUP_WRITE), permissions::toString);
    assertTrue(permissions.contains(PosixFilePermission.OWNER_WRITE), permissions::toString);
  }

  @Test
  void aDeletedLogIsNotSilentlyStartedAgain() throws Exception {
    Path log = directory.resolve("audit.jsonl");
    Path lockFile = directory.resolve("audit.jsonl.lock");
    writeEvents(log, 2);
    // Every file of the log gone; the lock file a sink leaves shows there was one.
    Files.delete(log);

    AuditException.DamagedLog refused =
        assertThrows(AuditException.DamagedLog.class, () -> JsonLinesAuditSink.open(log, options(Fsync.ALWAYS)));
    assertTrue(refused.getMessage().contains("delete " + lockFile), refused.getMessage());
    assertFalse(Files.exists(log), "a refused open creates no log");

    // Starting a new log is the operator's decision.
    Files.delete(lockFile);
    writeEvents(log, 1);
    assertIntact(log, 1);
  }

  @Test
  void aLogEveryoneMayWriteIsRefused() throws Exception {
    // Anyone who can write the file, or its directory, can rewrite or replace the history.
    Path shared = Files.createDirectory(directory.resolve("shared"));
    assumeTrue(shared.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path log = shared.resolve("audit.jsonl");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    AuditException.StorageFailure directoryRefused =
        assertThrows(AuditException.StorageFailure.class, () -> JsonLinesAuditSink.open(log, options(Fsync.ALWAYS)));
    assertTrue(directoryRefused.getMessage().contains("chmod o-w " + shared), directoryRefused.getMessage());
    assertFalse(Files.exists(log), "nothing is created in a refused directory");

    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-x---"));
    writeEvents(log, 1);
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
    AuditException.StorageFailure fileRefused =
        assertThrows(AuditException.StorageFailure.class, () -> JsonLinesAuditSink.open(log, options(Fsync.ALWAYS)));
    assertTrue(fileRefused.getMessage().contains("chmod o-w " + log), fileRefused.getMessage());

    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));
    writeEvents(log, 1);
    assertIntact(log, 2);
  }

  private static String openInAnotherProcess(Path log) throws Exception {
    String javaCommand = ProcessHandle.current().info().command().orElseThrow();
    Process process =
        new ProcessBuilder(
                javaCommand,
                "-cp",
                System.getProperty("java.class.path"),
                OpenLogElsewhere.class.getName(),
                log.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, SECONDS));
    return output.lines().filter(line -> line.startsWith("opened") || line.startsWith("refused"))
        .findFirst()
        .orElse(output);
  }

  private static AuditSinkOptions options(Fsync fsync) {
    return SampleEvents.options(fsync);
  }

  private static void writeEvents(Path log, int count) throws Exception {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, options(Fsync.ALWAYS))) {
      for (int index = 0; index < count; index++) {
        sink.append(SampleEvents.allowedSelect()).get(10, SECONDS);
      }
    }
  }

  private static void assertIntact(Path log, long events) throws Exception {
    VerificationResult result = AuditChainVerifier.verify(log);
    assertTrue(result.intact(), result::toString);
    assertEquals(events, result.eventsChecked());
  }

  private static Throwable failure(CompletableFuture<Void> future) {
    assertTrue(future.isDone(), "the future is already complete");
    ExecutionException failed = assertThrows(ExecutionException.class, future::get);
    return failed.getCause();
  }

  private static byte[] readAll(InputStream input) {
    try (input) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      input.transferTo(all);
      return all.toByteArray();
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }
}
