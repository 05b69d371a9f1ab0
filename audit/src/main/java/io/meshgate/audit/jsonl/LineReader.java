package io.meshgate.audit.jsonl;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a log into its lines, holding one line in memory at a time, so that verifying,
 * exporting and reporting work on logs of any size. A line is the bytes before a {@code \n};
 * bytes after the last {@code \n} are not a line but an incomplete tail, which the caller judges
 * (a torn write in a closed file, or a line being written in the live one).
 */
public final class LineReader {

  private static final int CHUNK = 64 * 1024;

  private final InputStream input;
  private final byte[] chunk = new byte[CHUNK];
  private int chunkStart;
  private int chunkEnd;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
  private long lineNumber;
  private boolean endReached;

  public LineReader(InputStream input) {
    this.input = requireNonNull(input, "input is null");
  }

  /**
   * The next complete line, without its {@code \n}; {@code null} at the end of the input, after
   * which {@link #hasIncompleteTail()} says whether bytes without an end of line were left.
   */
  public byte[] next() throws IOException {
    while (true) {
      for (int index = chunkStart; index < chunkEnd; index++) {
        if (chunk[index] == '\n') {
          line.write(chunk, chunkStart, index - chunkStart);
          chunkStart = index + 1;
          lineNumber++;
          byte[] complete = line.toByteArray();
          line.reset();
          return complete;
        }
      }
      line.write(chunk, chunkStart, chunkEnd - chunkStart);
      chunkStart = 0;
      chunkEnd = 0;
      if (endReached) {
        return null;
      }
      int read = input.read(chunk);
      if (read < 0) {
        endReached = true;
        return null;
      }
      chunkEnd = read;
    }
  }

  /** The 1-based number of the line {@link #next()} returned last; 0 before the first. */
  public long lineNumber() {
    return lineNumber;
  }

  /** Whether the input ended in bytes without a final {@code \n}; meaningful at the end. */
  public boolean hasIncompleteTail() {
    return endReached && line.size() > 0;
  }
}
