package io.meshgate.policy.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file system notifications live reload starts from, on the real file system. */
class DirectoryWatcherTest {

  private static final Duration NOTICED_WITHIN = Duration.ofSeconds(5);

  @TempDir Path folder;

  private void write(String relative, String content) throws IOException {
    Path file = folder.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static boolean signalled(Semaphore changes) throws InterruptedException {
    return changes.tryAcquire(NOTICED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void noticesEditsInNestedAndNewFoldersButDoesNotWatchIgnoredOnes() throws Exception {
    write("sales/policy.rego", "package a\n");
    write("target/classes/x.rego", "package x\n");
    write(".git/objects/y", "z");
    Semaphore changes = new Semaphore(0);

    try (DirectoryWatcher watcher = DirectoryWatcher.start(folder, changes::release)) {
      assertEquals(2, watcher.watchedFolders(), "the root and sales/, not target/ or .git/");

      write("sales/policy.rego", "package a\n\nx := 1\n");
      assertTrue(signalled(changes), "an edit in a subfolder");
      changes.drainPermits();

      Files.createDirectories(folder.resolve("weather"));
      assertTrue(signalled(changes), "a new folder");
      // The new folder is registered when its creation is seen; give that a moment.
      long deadline = System.nanoTime() + NOTICED_WITHIN.toNanos();
      while (watcher.watchedFolders() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      changes.drainPermits();
      write("weather/policy.rego", "package b\n");
      assertTrue(signalled(changes), "an edit in the new folder");
    }
  }

  @Test
  void stopsWhenClosed() throws Exception {
    Semaphore changes = new Semaphore(0);
    DirectoryWatcher watcher = DirectoryWatcher.start(folder, changes::release);
    watcher.close();

    write("late.rego", "package late\n");

    assertFalse(changes.tryAcquire(300, TimeUnit.MILLISECONDS));
  }
}
