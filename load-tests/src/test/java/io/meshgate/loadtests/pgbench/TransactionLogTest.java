package io.meshgate.loadtests.pgbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionLogTest {
  @TempDir Path directory;

  @Test
  void latenciesOfCompletedTransactions() {
    TransactionLog log = TransactionLog.parse(List.of(
        "1 1 1066 0 1795276520 230419",
        "1 2 252 0 1795276520 230676",
        "0 1 4367 0 1795276520 232063",
        "0 2 failed 0 1795276520 240000",
        "0 3 skipped 0 1795276520 250000",
        ""));
    assertEquals(3, log.latencies().count());
    assertEquals(1066, log.latencies().percentileMicros(50));
    assertEquals(4367, log.latencies().maximumMicros());
    assertEquals(1, log.failed());
    assertEquals(1, log.skipped());
  }

  @Test
  void cyclesAreTheGapsBetweenOneClientsTransactionEnds() {
    // Client 0 ends at .100000, .110000 and (next second) .005000: cycles 10 ms and 895 ms.
    // Client 1 ends twice 4 ms apart, listed out of order as two threads' files would be.
    TransactionLog log = TransactionLog.parse(List.of(
        "0 1 700 0 1795276524 100000",
        "1 2 900 0 1795276524 204000",
        "0 2 800 0 1795276524 110000",
        "1 1 900 0 1795276524 200000",
        "0 3 failed 0 1795276525 5000"));
    assertEquals(3, log.cycles().count());
    assertEquals(4_000, log.cycles().percentileMicros(1));
    assertEquals(10_000, log.cycles().percentileMicros(50));
    assertEquals(895_000, log.cycles().maximumMicros());
  }

  @Test
  void readsEveryThreadsFileOfAPrefixAndNothingElse() throws IOException {
    Files.writeString(directory.resolve("run.4242"), "0 1 100 0 1795276520 1000\n0 2 200 0 1795276520 2000\n");
    Files.writeString(directory.resolve("run.4242.1"), "1 1 300 0 1795276520 1500\n");
    Files.writeString(directory.resolve("run.out"), "tps = 1 (without initial connection time)\n");
    Files.writeString(directory.resolve("run-other.4242"), "9 1 999999 0 1795276520 1000\n");
    Files.writeString(directory.resolve("runner.4242"), "9 1 999999 0 1795276520 1000\n");
    Path prefix = directory.resolve("run");
    assertEquals(List.of(directory.resolve("run.4242"), directory.resolve("run.4242.1")), TransactionLog.files(prefix));
    TransactionLog log = TransactionLog.read(prefix);
    assertEquals(3, log.latencies().count());
    assertEquals(300, log.latencies().maximumMicros());
  }

  @Test
  void noFilesIsAnEmptyLog() throws IOException {
    TransactionLog log = TransactionLog.read(directory.resolve("nothing"));
    assertTrue(log.latencies().isEmpty());
    assertTrue(log.cycles().isEmpty());
  }

  @Test
  void malformedLinesAreErrorsThatSayWhere() {
    PgbenchException tooShort = assertThrows(PgbenchException.class,
        () -> TransactionLog.parse(List.of("0 1 100 0 1795276520 1000", "0 2 100")));
    assertTrue(tooShort.getMessage().contains("line 2"), tooShort.getMessage());
    PgbenchException notANumber = assertThrows(PgbenchException.class,
        () -> TransactionLog.parse(List.of("0 1 fast 0 1795276520 1000")));
    assertTrue(notANumber.getMessage().contains("'fast'"), notANumber.getMessage());
    assertThrows(PgbenchException.class, () -> TransactionLog.parse(List.of("0 1 -5 0 1795276520 1000")));
  }
}
