package io.meshgate.audit.jsonl;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name a full log file gets when the sink rotates it: {@code
 * <active name>.<yyyyMMdd'T'HHmmss'Z'>-<seq>.jsonl}, where the time is the UTC time of the
 * file's first event and seq that event's seq, zero-padded to 19 digits (the width of the
 * largest {@code long}). Fixed widths make the names sort as text in the order the files were
 * started, and seq breaks ties between files started in the same second. Readers order by the
 * seq in the name, which is the chain's order even if the clock went back.
 *
 * <p>The whole active name is the prefix, so logs named {@code audit.jsonl} and {@code
 * audit.log} in one directory never claim each other's files.
 */
public record RotatedFileName(Path path, Instant firstEventTime, long firstSeq) {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern SUFFIX = Pattern.compile("\\.(\\d{8}T\\d{6}Z)-(\\d{19})\\.jsonl");
  private static final int SEQ_DIGITS = 19;

  public RotatedFileName {
    requireNonNull(path, "path is null");
    requireNonNull(firstEventTime, "firstEventTime is null");
    if (firstSeq < 1) {
      throw new IllegalArgumentException("firstSeq starts at 1");
    }
  }

  /** The name for the active file {@code activeFile} once it is full. */
  public static RotatedFileName of(Path activeFile, Instant firstEventTime, long firstSeq) {
    requireNonNull(activeFile, "activeFile is null");
    requireNonNull(firstEventTime, "firstEventTime is null");
    String seq = String.format("%0" + SEQ_DIGITS + "d", firstSeq);
    String name =
        activeFile.getFileName() + "." + STAMP.format(firstEventTime) + "-" + seq + ".jsonl";
    return new RotatedFileName(
        activeFile.resolveSibling(name),
        firstEventTime.truncatedTo(ChronoUnit.SECONDS),
        firstSeq);
  }

  /** {@code candidate} read as a rotated file of {@code activeFile}, if it is named like one. */
  public static Optional<RotatedFileName> parse(Path activeFile, Path candidate) {
    requireNonNull(activeFile, "activeFile is null");
    requireNonNull(candidate, "candidate is null");
    String prefix = activeFile.getFileName().toString();
    String name = candidate.getFileName().toString();
    if (!name.startsWith(prefix)) {
      return Optional.empty();
    }
    Matcher suffix = SUFFIX.matcher(name.substring(prefix.length()));
    if (!suffix.matches()) {
      return Optional.empty();
    }
    Instant time;
    try {
      time = STAMP.parse(suffix.group(1), Instant::from);
    } catch (DateTimeException notATime) {
      return Optional.empty();
    }
    long seq;
    try {
      seq = Long.parseLong(suffix.group(2));
    } catch (NumberFormatException tooLarge) {
      return Optional.empty();
    }
    if (seq < 1) {
      return Optional.empty();
    }
    return Optional.of(new RotatedFileName(candidate, time, seq));
  }
}
