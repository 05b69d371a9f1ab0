package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches for Netty buffers that were garbage-collected without being released, while it is
 * open. Two independent channels, because either alone can miss a report:
 *
 * <ul>
 *   <li>a {@link ResourceLeakDetector.LeakListener} on the detector every {@code ByteBuf} shares;
 *       the detector is created when Netty's buffer classes load, long before a test can install
 *       its own factory, so it is reached by reflection;
 *   <li>a tee of {@code System.err}: slf4j-simple, Netty's logger here, writes {@code LEAK:}
 *       reports there, looking up {@code System.err} at every line. The tee also keeps other
 *       lines a test may want to inspect (unexpected exceptions in a server running in-process).
 * </ul>
 *
 * <p>Netty only reports a leak when a later buffer is tracked after the collector has found
 * the lost one, so {@link #assertNoLeaks()} collects garbage and allocates until nothing more
 * turns up. Leak detection is forced to {@code PARANOID} while the watch is open, so every
 * buffer is tracked even when a test runs outside Maven.
 */
public final class LeakWatch implements AutoCloseable {
  /** A server logging in a loop must not exhaust the test's memory. */
  private static final int MAXIMUM_LINES = 200_000;

  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final List<String> errorLines = Collections.synchronizedList(new ArrayList<>());
  private final PrintStream originalError;
  private final ResourceLeakDetector.Level originalLevel;
  private final Optional<ResourceLeakDetector<?>> detector;

  private LeakWatch(boolean echo) {
    originalLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    // Leaks of earlier tests in this JVM are theirs: let them surface before watching.
    collectAndTrack();
    originalError = System.err;
    System.setErr(new PrintStream(new LineTee(originalError, echo), true, StandardCharsets.UTF_8));
    detector = byteBufDetector();
    detector.ifPresent(found -> found.setLeakListener((type, records) -> leaks.add("LEAK of " + type + ":" + records)));
  }

  /** Starts watching; close the watch to restore {@code System.err} and the leak level. */
  public static LeakWatch start() {
    return new LeakWatch(true);
  }

  /** Like {@link #start()}, but keeps {@code System.err} off the console (for leaks made on purpose). */
  static LeakWatch startQuietly() {
    return new LeakWatch(false);
  }

  /** Whether the shared buffer leak detector could be reached (else only the log is watched). */
  public boolean listensToDetector() {
    return detector.isPresent();
  }

  /** Fails with the leak records if any buffer was lost since {@link #start()}. */
  public void assertNoLeaks() {
    for (int round = 0; round < 4; round++) {
      collectAndTrack();
    }
    List<String> found = new ArrayList<>(leaks);
    found.addAll(errorLinesContaining("LEAK:"));
    if (!found.isEmpty()) {
      StringBuilder report = new StringBuilder(found.size() + " Netty leak report(s):");
      found.stream().limit(3).forEach(leak -> report.append("\n").append(leak, 0, Math.min(leak.length(), 6000)));
      fail(report.toString());
    }
  }

  /** Lines written to {@code System.err} since {@link #start()} that contain {@code text}. */
  public List<String> errorLinesContaining(String text) {
    synchronized (errorLines) {
      return errorLines.stream().filter(line -> line.contains(text)).toList();
    }
  }

  /**
   * For each line containing {@code text}, that line and the next one joined by {@code " | "}:
   * a logged exception's class and message follow the log line.
   */
  public List<String> errorEntries(String text) {
    synchronized (errorLines) {
      List<String> entries = new ArrayList<>();
      for (int i = 0; i < errorLines.size(); i++) {
        if (errorLines.get(i).contains(text)) {
          entries.add(errorLines.get(i) + (i + 1 < errorLines.size() ? " | " + errorLines.get(i + 1) : ""));
        }
      }
      return entries;
    }
  }

  @Override
  public void close() {
    detector.ifPresent(found -> found.setLeakListener(null));
    System.err.flush();
    System.setErr(originalError);
    ResourceLeakDetector.setLevel(originalLevel);
  }

  /**
   * A collection, then tracked allocations: each one makes the detector poll its queue of
   * collected-but-unreleased buffers and report them.
   */
  private static void collectAndTrack() {
    System.gc();
    try {
      Thread.sleep(40);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int i = 0; i < 64; i++) {
      release(ByteBufAllocator.DEFAULT.buffer(8));
      release(ByteBufAllocator.DEFAULT.directBuffer(8));
      release(UnpooledByteBufAllocator.DEFAULT.directBuffer(8));
    }
  }

  private static void release(ByteBuf buffer) {
    buffer.release();
  }

  private static Optional<ResourceLeakDetector<?>> byteBufDetector() {
    try {
      Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
      field.setAccessible(true);
      return Optional.of((ResourceLeakDetector<?>) field.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("LeakWatch: cannot reach Netty's buffer leak detector (" + e + "); watching the log only");
      return Optional.empty();
    }
  }

  /** Writes through to the real stream and keeps whole lines for inspection. */
  private final class LineTee extends OutputStream {
    private final PrintStream target;
    private final boolean echo;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineTee(PrintStream target, boolean echo) {
      this.target = target;
      this.echo = echo;
    }

    @Override
    public synchronized void write(int value) {
      if (echo) {
        target.write(value);
      }
      if (value == '\n') {
        endLine();
      } else {
        line.write(value);
      }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      if (echo) {
        target.write(bytes, offset, length);
      }
      for (int i = offset; i < offset + length; i++) {
        if (bytes[i] == '\n') {
          endLine();
        } else {
          line.write(bytes[i]);
        }
      }
    }

    @Override
    public synchronized void flush() {
      target.flush();
    }

    private void endLine() {
      if (errorLines.size() < MAXIMUM_LINES) {
        errorLines.add(line.toString(StandardCharsets.UTF_8));
      }
      line.reset();
    }
  }
}
