package io.meshgate.audit.jsonl;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Finds the last line of a log without reading the whole file, so that reopening a large log
 * to continue its chain stays quick.
 */
public final class LastLineReader {

  private static final int CHUNK = 64 * 1024;

  private LastLineReader() {}

  /**
   * The end of a log file.
   *
   * @param fileSize the file's size in bytes
   * @param lastLineStart the byte offset where the last line starts
   * @param lastLine the last line without its end of line; empty for an empty file
   * @param complete whether the file ends with an end of line (true for an empty file)
   */
  public record Tail(long fileSize, long lastLineStart, byte[] lastLine, boolean complete) {
    public Tail {
      requireNonNull(lastLine, "lastLine is null");
    }

    public boolean isEmptyFile() {
      return fileSize == 0;
    }
  }

  public static Tail read(FileChannel file) throws IOException {
    requireNonNull(file, "file is null");
    long size = file.size();
    if (size == 0) {
      return new Tail(0, 0, new byte[0], true);
    }
    boolean complete = readByte(file, size - 1) == '\n';
    long lineEnd = complete ? size - 1 : size;
    long lineStart = startOfLineEndingAt(file, lineEnd);
    byte[] line = new byte[Math.toIntExact(lineEnd - lineStart)];
    readFully(file, ByteBuffer.wrap(line), lineStart);
    return new Tail(size, lineStart, line, complete);
  }

  /** The 1-based number of the line that starts at {@code offset}; reads the file up to it. */
  public static long lineNumberAt(FileChannel file, long offset) throws IOException {
    long newlines = 0;
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    for (long position = 0; position < offset; ) {
      chunk.clear().limit((int) Math.min(CHUNK, offset - position));
      readFully(file, chunk, position);
      for (int index = 0; index < chunk.limit(); index++) {
        if (chunk.get(index) == '\n') {
          newlines++;
        }
      }
      position += chunk.limit();
    }
    return newlines + 1;
  }

  private static long startOfLineEndingAt(FileChannel file, long lineEnd) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    long chunkEnd = lineEnd;
    while (chunkEnd > 0) {
      long chunkStart = Math.max(0, chunkEnd - CHUNK);
      chunk.clear().limit((int) (chunkEnd - chunkStart));
      readFully(file, chunk, chunkStart);
      for (int index = chunk.limit() - 1; index >= 0; index--) {
        if (chunk.get(index) == '\n') {
          return chunkStart + index + 1;
        }
      }
      chunkEnd = chunkStart;
    }
    return 0;
  }

  private static byte readByte(FileChannel file, long position) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    readFully(file, one, position);
    return one.get(0);
  }

  private static void readFully(FileChannel file, ByteBuffer into, long position)
      throws IOException {
    long next = position;
    while (into.hasRemaining()) {
      int read = file.read(into, next);
      if (read < 0) {
        throw new EOFException("file shrank while reading its end");
      }
      next += read;
    }
  }
}
