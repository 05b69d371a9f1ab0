package io.meshgate.loadtests.profile;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * What one flight recording says about processor time and allocation: the methods the sampled
 * threads were in (self), the methods anywhere on the sampled stacks (inclusive, which is how a
 * cost is traced back to the step of Meshgate that causes it), the threads, and the classes
 * allocated most. Samples of {@code jdk.ExecutionSample}; allocation weights of {@code
 * jdk.ObjectAllocationSample}.
 *
 * @param samples execution samples in the recording
 * @param self samples per method on top of the stack, most first
 * @param inclusive samples per method anywhere on the stack (once per stack), most first
 * @param threads samples per thread kind, most first
 * @param allocations allocated bytes (estimated) per class, most first
 */
public record ProfileSummary(
    Path file,
    long samples,
    List<Map.Entry<String, Long>> self,
    List<Map.Entry<String, Long>> inclusive,
    List<Map.Entry<String, Long>> threads,
    List<Map.Entry<String, Long>> allocations) {
  private static final int SELF_ROWS = 25;
  private static final int INCLUSIVE_ROWS = 45;
  private static final int THREAD_ROWS = 10;
  private static final int ALLOCATION_ROWS = 15;

  public ProfileSummary {
    requireNonNull(file, "file is null");
    self = List.copyOf(self);
    inclusive = List.copyOf(inclusive);
    threads = List.copyOf(threads);
    allocations = List.copyOf(allocations);
  }

  public static ProfileSummary of(Path recording) {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> inclusive = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    Map<String, Long> allocations = new HashMap<>();
    long samples = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        if (type.equals("jdk.ExecutionSample")) {
          RecordedStackTrace stack = event.getStackTrace();
          if (stack == null || stack.getFrames().isEmpty()) {
            continue;
          }
          samples++;
          List<RecordedFrame> frames = stack.getFrames();
          self.merge(name(frames.get(0).getMethod()), 1L, Long::sum);
          Set<String> seen = new HashSet<>();
          for (RecordedFrame frame : frames) {
            String method = name(frame.getMethod());
            if (seen.add(method)) {
              inclusive.merge(method, 1L, Long::sum);
            }
          }
          threads.merge(threadKind(event.getThread("sampledThread")), 1L, Long::sum);
        } else if (type.equals("jdk.ObjectAllocationSample")) {
          allocations.merge(event.getClass("objectClass").getName(), event.getLong("weight"), Long::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + recording, e);
    }
    return new ProfileSummary(recording, samples, top(self, SELF_ROWS), top(inclusive, INCLUSIVE_ROWS),
        top(threads, THREAD_ROWS), top(allocations, ALLOCATION_ROWS));
  }

  /** Plain text: one table per view, shares of the samples in percent. */
  public String render() {
    StringBuilder text = new StringBuilder();
    text.append("Flight recording ").append(file.getFileName()).append(": ").append(samples)
        .append(" execution samples\n");
    section(text, "Threads (share of samples)", threads, samples);
    section(text, "Self: the method a sample was in", self, samples);
    section(text, "Inclusive: methods anywhere on the sampled stack", inclusive, samples);
    long allocated = allocations.stream().mapToLong(Map.Entry::getValue).sum();
    text.append("\nAllocation (estimated bytes, top classes; ").append(allocated / (1024 * 1024))
        .append(" MB among them)\n");
    for (Map.Entry<String, Long> row : allocations) {
      text.append(String.format(Locale.ROOT, "%10d MB  %s%n", row.getValue() / (1024 * 1024), row.getKey()));
    }
    return text.toString();
  }

  private static void section(StringBuilder text, String title, List<Map.Entry<String, Long>> rows, long total) {
    text.append('\n').append(title).append('\n');
    for (Map.Entry<String, Long> row : rows) {
      text.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * row.getValue() / Math.max(1, total),
          row.getKey()));
    }
  }

  private static String name(RecordedMethod method) {
    if (method == null) {
      return "<unknown>";
    }
    return method.getType().getName() + "." + method.getName();
  }

  /** Thread names without their numbers, so that all event loops (or all workers) add up. */
  static String threadKind(RecordedThread thread) {
    if (thread == null) {
      return "<unknown>";
    }
    String name = thread.getJavaName();
    if (name == null || name.isEmpty()) {
      return thread.isVirtual() ? "<virtual thread>" : "<unnamed>";
    }
    return name.replaceAll("\\d+", "N");
  }

  private static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int rows) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(rows)
        .map(entry -> Map.entry(entry.getKey(), entry.getValue()))
        .toList();
  }
}
