package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.jsonl.ChainHash;
import io.meshgate.audit.jsonl.ChainedLine;
import io.meshgate.audit.jsonl.EventJson;
import io.meshgate.audit.jsonl.LineReader;
import io.meshgate.audit.jsonl.RotatedFileName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Checks that a JSON Lines audit log is whole: every line complete and valid, {@code seq}
 * counting on by one without gaps, each {@code prev_hash} equal to the previous line's {@code
 * hash}, each {@code hash} matching its line's content, and each event valid for its schema.
 * Reads each file once, front to back, holding one line at a time.
 *
 * <p>{@link #verify(Path)} checks one file that holds a whole chain (seq 1 onwards); {@link
 * #verifyAll} checks a rotated log, whose chain runs through the rotated files into the active
 * file, so that a whole file deleted from the middle shows as a break at the first line of the
 * file after it.
 *
 * <p>A hash chain shows edits, deletions, insertions and reordering anywhere but at the end:
 * lines (or whole files) cut off the end leave a shorter chain that is still intact. The last
 * hash in the result is there to compare with a head hash kept elsewhere.
 */
public final class AuditChainVerifier {

  private AuditChainVerifier() {}

  /** Where the chain of a rotated log must begin. */
  public enum ChainStart {
    /**
     * The oldest file must begin the chain: its first line has seq 1 and a {@code prev_hash} of
     * 64 zeros. Shows whole files missing at the start.
     */
    FIRST_EVENT,
    /**
     * The oldest file present may begin anywhere, because retention deleted the files before
     * it: its first line's seq and {@code prev_hash} are taken as found and reported ({@link
     * LogVerificationResult#firstSeq()}, {@link LogVerificationResult#firstPreviousHash()}) for
     * comparison with a record of what was deleted. Everything after it is checked as usual.
     */
    OLDEST_KEPT_FILE
  }

  /**
   * Verifies a log held in one file, from seq 1. A rotated file on its own fails at its first
   * line (its chain begins in the file before it): use {@link #verifyAll} for rotated logs.
   *
   * @throws IOException when the file cannot be read at all; damage in what was read is a
   *     result, not an exception
   */
  public static VerificationResult verify(Path file) throws IOException {
    requireNonNull(file, "file is null");
    Chain chain = Chain.fromFirstEvent(" (a rotated file continues the chain of the file"
        + " before it: verify the whole log with verifyAll)", Optional.empty());
    try (InputStream input = Files.newInputStream(file)) {
      LineReader lines = new LineReader(input);
      for (byte[] line = lines.next(); line != null; line = lines.next()) {
        String problem = chain.check(line, file, lines.lineNumber());
        if (problem != null) {
          return VerificationResult.broken(
              chain.eventsChecked(), lines.lineNumber(), problem, chain.lastHash());
        }
      }
      if (lines.hasIncompleteTail()) {
        return VerificationResult.broken(
            chain.eventsChecked(), lines.lineNumber() + 1, TRUNCATED, chain.lastHash());
      }
    }
    return VerificationResult.intact(chain.eventsChecked(), chain.lastHash());
  }

  /** Verifies a rotated log, all of it: its oldest file must begin the chain. */
  public static LogVerificationResult verifyAll(Path activeFile) throws IOException {
    return verifyAll(AuditLog.of(activeFile), ChainStart.FIRST_EVENT);
  }

  /**
   * Verifies a rotated log as one chain: its rotated files in seq order, then its active file.
   * Besides the checks of {@link #verify(Path)}, a rotated file must hold at least one line, and
   * its name must agree with its first event (seq, and time to the second).
   *
   * @throws IOException when a file cannot be read at all
   */
  public static LogVerificationResult verifyAll(AuditLog log, ChainStart start)
      throws IOException {
    return verifyAll(log, start, Optional.empty());
  }

  /**
   * Verifies a rotated log like {@link #verifyAll(AuditLog, ChainStart)} and, given an anchor
   * kept elsewhere, also that the log still holds the anchored line with the anchored hash:
   * so that lines cut off its end, or a log rewritten (or replaced) up to that line with
   * recomputed hashes, are found too. An anchor the log cannot be checked against (its line
   * was deleted by retention) breaks the verification rather than be passed over.
   *
   * @throws IOException when a file cannot be read at all
   */
  public static LogVerificationResult verifyAll(
      AuditLog log, ChainStart start, Optional<ChainAnchor> anchor) throws IOException {
    requireNonNull(log, "log is null");
    requireNonNull(start, "start is null");
    requireNonNull(anchor, "anchor is null");
    Chain chain =
        switch (start) {
          case FIRST_EVENT ->
              Chain.fromFirstEvent(" (the log's oldest files are missing; if retention deleted"
                  + " them, verify from the oldest kept file)", anchor);
          case OLDEST_KEPT_FILE -> Chain.asFound(anchor);
        };
    Breakage[] breakage = new Breakage[1];
    int[] filesChecked = new int[1];
    log.read(
        (file, rotated, content) -> {
          Breakage broken = verifyFile(chain, file, rotated, content);
          if (broken != null) {
            breakage[0] = broken;
            return false;
          }
          filesChecked[0]++;
          return true;
        });
    if (breakage[0] == null) {
      breakage[0] = chain.unreachedAnchor(log.activeFile());
    }
    if (breakage[0] == null) {
      return new LogVerificationResult(
          true, filesChecked[0], chain.eventsChecked(), chain.firstSeq(),
          chain.firstPreviousHash(), Optional.empty(), OptionalLong.empty(), null,
          chain.lastHash());
    }
    return new LogVerificationResult(
        false, filesChecked[0], chain.eventsChecked(), chain.firstSeq(),
        chain.firstPreviousHash(), Optional.of(breakage[0].file()),
        OptionalLong.of(breakage[0].line()), breakage[0].problem(), chain.lastHash());
  }

  private static Breakage verifyFile(
      Chain chain, Path file, Optional<RotatedFileName> rotated, InputStream content)
      throws IOException {
    LineReader lines = new LineReader(content);
    for (byte[] line = lines.next(); line != null; line = lines.next()) {
      String problem = chain.check(line, file, lines.lineNumber());
      if (problem == null && lines.lineNumber() == 1 && rotated.isPresent()) {
        problem = nameMismatch(rotated.get(), chain);
      }
      if (problem != null) {
        return new Breakage(file, lines.lineNumber(), problem);
      }
    }
    if (lines.hasIncompleteTail()) {
      return new Breakage(file, lines.lineNumber() + 1, TRUNCATED);
    }
    if (lines.lineNumber() == 0 && rotated.isPresent()) {
      return new Breakage(
          file, 1, "empty rotated file: the sink only rotates files that hold events");
    }
    return null;
  }

  private static String nameMismatch(RotatedFileName name, Chain chain) {
    if (name.firstSeq() != chain.lastSeq()
        || !name.firstEventTime().equals(chain.lastTime().truncatedTo(ChronoUnit.SECONDS))) {
      return "file name does not match its first line: the name says seq "
          + name.firstSeq()
          + " at "
          + name.firstEventTime()
          + ", the line has seq "
          + chain.lastSeq()
          + " at "
          + chain.lastTime();
    }
    return null;
  }

  private static final String TRUNCATED =
      "truncated line: the file ends without an end of line (a torn write?)";

  private record Breakage(Path file, long line, String problem) {}

  /** The chain checked so far, and what the next line must link to. */
  private static final class Chain {
    // 0 while the first line's seq is to be taken as found.
    private long expectedSeq;
    // Null while the first line's prev_hash is to be taken as found.
    private String previousHash;
    private final String firstSeqHint;
    private final Optional<ChainAnchor> anchor;
    private boolean anchorChecked;
    private Path previousFile;
    private long previousLine;
    private long eventsChecked;
    private long firstSeq;
    private String firstPreviousHash = ChainHash.GENESIS;
    private String lastHash = ChainHash.GENESIS;
    private Instant lastTime;

    private Chain(
        long expectedSeq, String previousHash, String firstSeqHint, Optional<ChainAnchor> anchor) {
      this.expectedSeq = expectedSeq;
      this.previousHash = previousHash;
      this.firstSeqHint = firstSeqHint;
      this.anchor = anchor;
    }

    static Chain fromFirstEvent(String firstSeqHint, Optional<ChainAnchor> anchor) {
      return new Chain(1, ChainHash.GENESIS, firstSeqHint, anchor);
    }

    static Chain asFound(Optional<ChainAnchor> anchor) {
      return new Chain(0, null, "", anchor);
    }

    /**
     * Why the anchor was not checked, after every line checked out; {@code null} when it was
     * (or there is none).
     */
    Breakage unreachedAnchor(Path activeFile) {
      if (anchor.isEmpty() || anchorChecked) {
        return null;
      }
      long seq = anchor.get().seq();
      Path file = previousFile == null ? activeFile : previousFile;
      if (eventsChecked > 0 && seq < firstSeq) {
        return new Breakage(file, previousLine + 1, "anchor not checked: its seq " + seq
            + " is before the oldest line kept (seq " + firstSeq + "); use a newer anchor");
      }
      return new Breakage(file, previousLine + 1,
          (eventsChecked == 0 ? "the log holds no line" : "the log ends at seq " + lastSeq())
              + ", before the anchored seq " + seq
              + ": lines were cut off its end, or the log was replaced");
    }

    /** What is wrong with a line, or {@code null} after taking it into the chain. */
    String check(byte[] line, Path file, long lineNumber) {
      ChainedLine.Decoded decoded;
      try {
        decoded = ChainedLine.decode(line);
      } catch (ChainedLine.MalformedLineException malformed) {
        return malformed.getMessage();
      }
      boolean first = eventsChecked == 0;
      if (expectedSeq != 0 && decoded.seq() != expectedSeq) {
        return "seq gap: expected "
            + expectedSeq
            + ", found "
            + decoded.seq()
            + (first && decoded.seq() > 1 ? firstSeqHint : "");
      }
      if (previousHash != null && !decoded.previousHash().equals(previousHash)) {
        if (first) {
          return "prev_hash of the first line is not " + ChainHash.GENESIS;
        }
        return "prev_hash does not match line "
            + previousLine
            + (file.equals(previousFile) ? "" : " of " + previousFile);
      }
      if (!decoded.hashMatches()) {
        return "hash mismatch: the line's content is not what its hash says";
      }
      AuditEvent event;
      try {
        event = EventJson.read(decoded.json());
      } catch (IllegalArgumentException invalid) {
        return "invalid event: " + invalid.getMessage();
      }
      if (anchor.isPresent() && decoded.seq() == anchor.get().seq()) {
        if (!decoded.hash().equals(anchor.get().hash())) {
          return "anchor mismatch: the anchor kept elsewhere says seq " + decoded.seq()
              + " has hash " + anchor.get().hash()
              + ": the log was rewritten up to this line, or replaced";
        }
        anchorChecked = true;
      }
      if (first) {
        firstSeq = decoded.seq();
        firstPreviousHash = decoded.previousHash();
      }
      expectedSeq = decoded.seq() + 1;
      previousHash = decoded.hash();
      previousFile = file;
      previousLine = lineNumber;
      lastHash = decoded.hash();
      lastTime = event.time();
      eventsChecked++;
      return null;
    }

    long eventsChecked() {
      return eventsChecked;
    }

    long firstSeq() {
      return firstSeq;
    }

    String firstPreviousHash() {
      return firstPreviousHash;
    }

    String lastHash() {
      return lastHash;
    }

    long lastSeq() {
      return expectedSeq - 1;
    }

    Instant lastTime() {
      return lastTime;
    }
  }
}
