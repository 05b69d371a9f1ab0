package io.meshgate.audit.jsonl;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * Reads the first line of a log without reading the rest: a sink that continues an existing
 * file needs the seq and time of its first event to name the file when it rotates it.
 */
public final class FirstLineReader {

  private static final int CHUNK = 8 * 1024;

  private FirstLineReader() {}

  /** The first line without its {@code \n}; empty when the file holds no complete line. */
  public static Optional<byte[]> read(FileChannel file) throws IOException {
    requireNonNull(file, "file is null");
    ByteArrayOutputStream line = new ByteArrayOutputStream(CHUNK);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    long position = 0;
    while (true) {
      chunk.clear();
      int read = file.read(chunk, position);
      if (read < 0) {
        return Optional.empty();
      }
      for (int index = 0; index < read; index++) {
        if (chunk.get(index) == '\n') {
          line.write(chunk.array(), 0, index);
          return Optional.of(line.toByteArray());
        }
      }
      line.write(chunk.array(), 0, read);
      position += read;
    }
  }
}
