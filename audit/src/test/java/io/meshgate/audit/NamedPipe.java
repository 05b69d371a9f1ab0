package io.meshgate.audit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A named pipe ({@code mkfifo}) whose reader reads only when the test says so: a real writer
 * blocked in {@code write()}, without hooks in the sink.
 */
final class NamedPipe {
  /** Bigger than a pipe's buffer, so writing an event that holds it blocks until the test reads. */
  static final String BIG_SQL = "select '" + "x".repeat(128 * 1024) + "'";

  private final Path path;
  private final CompletableFuture<InputStream> reader;

  private NamedPipe(Path path, CompletableFuture<InputStream> reader) {
    this.path = path;
    this.reader = reader;
  }

  /**
   * Creates {@code audit.pipe} in the directory (skipping the test where mkfifo is missing) and
   * starts opening its reading end on a thread of its own: opening blocks until a writer opens
   * the other end.
   */
  static NamedPipe create(Path directory) throws IOException, InterruptedException {
    Path path = directory.resolve("audit.pipe");
    assumeTrue(
        new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0, "mkfifo works");
    CompletableFuture<InputStream> reader = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon(true)
        .start(
            () -> {
              try {
                reader.complete(new FileInputStream(path.toFile()));
              } catch (IOException | RuntimeException failed) {
                reader.completeExceptionally(failed);
              }
            });
    return new NamedPipe(path, reader);
  }

  Path path() {
    return path;
  }

  /** The reading end, once a writer has opened the pipe; nothing has been read from it. */
  InputStream reader() throws Exception {
    return reader.get(10, SECONDS);
  }
}
