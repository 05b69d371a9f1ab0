package io.meshgate.loadtests.profile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileSummaryTest {
  private static volatile long sink;

  @Test
  void namesTheMethodThatBurnedTheProcessor(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("burn.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      recording.start();
      burnFor(Duration.ofMillis(600));
      recording.stop();
      recording.dump(file);
    }
    ProfileSummary summary = ProfileSummary.of(file);
    assertTrue(summary.samples() > 0, "no samples");
    String burner = ProfileSummaryTest.class.getName() + ".burnFor";
    assertTrue(summary.inclusive().stream().anyMatch(row -> row.getKey().equals(burner)
        && row.getValue() * 2 > summary.samples()), summary.render());
    assertTrue(summary.render().contains("%  " + burner), summary.render());
  }

  private static void burnFor(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    long value = 1;
    while (System.nanoTime() < end) {
      for (int index = 0; index < 10_000; index++) {
        value = value * 6364136223846793005L + 1442695040888963407L;
      }
    }
    sink = value;
  }
}
