package io.meshgate.loadtests.systems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
  @Test
  void readsThisJvmsResidentAndProportionalSets() {
    long self = ProcessHandle.current().pid();
    long resident = ProcessMemory.residentKilobytes(self);
    // A running JVM holds megabytes, and far less than a terabyte.
    assertTrue(resident > 10_000 && resident < 1_000_000_000L, "VmRSS " + resident);
    long proportional = ProcessMemory.proportionalKilobytes(self);
    assertTrue(proportional > 1_000 && proportional <= resident + 1024, "Pss " + proportional + ", RSS " + resident);
  }

  @Test
  void aProcessThatDoesNotExistIsAnError() {
    assertThrows(BenchmarkSetupException.class, () -> ProcessMemory.residentKilobytes(Integer.MAX_VALUE));
  }

  @Test
  void theLiveHeapIsTheHistogramsTotal() {
    String histogram = """
        12345:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:          6521         474056  [B (java.base@25.0.3)
         824:             1             16  sun.nio.fs.NativeBuffers$1 (java.base@25.0.3)
        Total         66898        2984216
        """;
    assertEquals(2984216, JavaHeap.parseTotalBytes(histogram));
    assertThrows(BenchmarkSetupException.class, () -> JavaHeap.parseTotalBytes("12345:\nNo such process\n"));
  }
}
