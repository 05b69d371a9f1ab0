package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.audit.jsonl.ChainedLine;
import io.meshgate.audit.jsonl.FirstLineReader;
import io.meshgate.audit.jsonl.LastLineReader;
import io.meshgate.audit.jsonl.RotatedFileName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A JSON Lines audit log as files on disk: the active file a {@link JsonLinesAuditSink} writes,
 * and the files it rotated away before, which sit next to it as {@code
 * <active name>.<yyyyMMdd'T'HHmmss'Z'>-<seq of its first event, 19 digits>.jsonl}. One hash
 * chain runs through all of them, oldest rotated file first, active file last.
 *
 * <p>The files are found anew on every call, so an {@code AuditLog} may be kept while a sink
 * keeps rotating. Reading follows the chain's order (the seq in the names) and copes with a
 * rotation happening while it reads: no file is skipped or read twice.
 *
 * @param activeFile the file the sink writes (it need not exist, e.g. between a rotation's
 *     rename and the creation of the next file)
 */
public record AuditLog(Path activeFile) {

  private static final Comparator<RotatedFileName> CHAIN_ORDER =
      Comparator.comparingLong(RotatedFileName::firstSeq)
          .thenComparing(rotated -> rotated.path().getFileName().toString());

  public AuditLog {
    requireNonNull(activeFile, "activeFile is null");
    if (activeFile.getFileName() == null) {
      throw new IllegalArgumentException("activeFile must name a file, not " + activeFile);
    }
  }

  public static AuditLog of(Path activeFile) {
    return new AuditLog(activeFile);
  }

  /** The rotated files as they are now, oldest (lowest seq) first. */
  public List<Path> rotatedFiles() throws IOException {
    return rotated().stream().map(RotatedFileName::path).toList();
  }

  /** Every file of the log as it is now, in chain order: rotated files, then the active file. */
  public List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>(rotatedFiles());
    if (Files.exists(activeFile)) {
      files.add(activeFile);
    }
    return List.copyOf(files);
  }

  /** The most recently rotated file, whose last line the active file's chain continues. */
  Optional<RotatedFileName> newestRotated() throws IOException {
    List<RotatedFileName> rotated = rotated();
    return rotated.isEmpty() ? Optional.empty() : Optional.of(rotated.get(rotated.size() - 1));
  }

  /** What {@link #read} hands each file to, in chain order. */
  interface FileVisitor {
    /**
     * Reads one file.
     *
     * @param rotated the file's name read as a rotated file; empty for the active file, which
     *     comes last and may still be growing
     * @return whether to go on to the next file
     */
    boolean visit(Path file, Optional<RotatedFileName> rotated, InputStream content)
        throws IOException;
  }

  /**
   * Hands every file to {@code visitor} in chain order, each opened once.
   *
   * <p>Rotated files never change, so the ones listed are read in turn; then the directory is
   * listed again for files rotated away meanwhile. A listing that overlaps rotations is not a
   * snapshot: it may show a file renamed during it and miss one renamed just before that. So
   * when the next listed file does not begin right after the last line of the file read before
   * it, the directory is listed once more before the gap is taken as real (a deleted file,
   * which the verifier reports).
   *
   * <p>The active file is read only if no file was rotated away while it was being opened:
   * otherwise that file is read first and the active file opened again. A rotation after that
   * point renames the file being read, which goes on through the open descriptor.
   *
   * <p>A read covers the log as it was when it began: it ends with the file that was active
   * then, whether still active or rotated away meanwhile, and leaves files begun later to the
   * next read. Without that bound, a reader slower than a writer that keeps rotating would
   * never finish. When the log is not consistent enough to tell that file (the active file
   * does not continue the newest rotated one), there is no bound, so that nothing is left out.
   */
  void read(FileVisitor visitor) throws IOException {
    requireNonNull(visitor, "visitor is null");
    // The name seq of the last rotated file read.
    long lastReadSeq = 0;
    // The seq the next file should begin with; 0 while unknown.
    long expectedSeq = 0;
    // The lastReadSeq for which a gap was already listed again.
    long listedAgainAfter = -1;
    // The first seq of the file active when the read began; 0 when unknown.
    long lastFileSeq = firstSeqOfActiveFile();
    listing:
    while (true) {
      List<RotatedFileName> pending = rotatedAfter(lastReadSeq, lastFileSeq);
      for (RotatedFileName next : pending) {
        if (expectedSeq != 0
            && next.firstSeq() != expectedSeq
            && listedAgainAfter != lastReadSeq) {
          listedAgainAfter = lastReadSeq;
          continue listing;
        }
        try (FileChannel channel = FileChannel.open(next.path(), StandardOpenOption.READ)) {
          if (!visitor.visit(next.path(), Optional.of(next), Channels.newInputStream(channel))) {
            return;
          }
          expectedSeq = seqAfterLastLine(channel);
        }
        lastReadSeq = next.firstSeq();
        if (lastFileSeq != 0 && lastReadSeq == lastFileSeq) {
          return;
        }
      }
      if (!pending.isEmpty()) {
        continue;
      }
      InputStream active;
      try {
        active = Files.newInputStream(activeFile);
      } catch (NoSuchFileException between) {
        // A rotation may have renamed the file and not yet created the next one.
        if (!rotatedAfter(lastReadSeq, lastFileSeq).isEmpty()) {
          continue;
        }
        return;
      }
      try (active) {
        if (!rotatedAfter(lastReadSeq, lastFileSeq).isEmpty()) {
          continue;
        }
        visitor.visit(activeFile, Optional.empty(), active);
        return;
      }
    }
  }

  /**
   * The seq with which the active file begins (or will begin, while it is empty), when it
   * continues the newest rotated file; 0 when that cannot be told. Tried again when a rotation
   * gets in between looking at the two files.
   */
  private long firstSeqOfActiveFile() throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<RotatedFileName> newest = newestRotated();
      long afterRotated = 1;
      if (newest.isPresent()) {
        try (FileChannel rotated =
            FileChannel.open(newest.get().path(), StandardOpenOption.READ)) {
          afterRotated = seqAfterLastLine(rotated);
        } catch (NoSuchFileException deleted) {
          continue;
        }
        if (afterRotated == 0) {
          return 0;
        }
      }
      Optional<byte[]> firstLine;
      try (FileChannel active = FileChannel.open(activeFile, StandardOpenOption.READ)) {
        firstLine = FirstLineReader.read(active);
      } catch (NoSuchFileException missing) {
        firstLine = Optional.empty();
      }
      long activeSeq = firstLine.isEmpty() ? afterRotated : seqOf(firstLine.get());
      // A rotated file is always named for a seq before the active file's; one named after it
      // does not belong to the chain, so the log is not consistent and the read not bounded:
      // it reads that file too, and the verifier says what is wrong with it.
      boolean namedBeforeActive = newest.isEmpty() || newest.get().firstSeq() < activeSeq;
      if (activeSeq == afterRotated && namedBeforeActive) {
        return activeSeq;
      }
    }
    return 0;
  }

  /** The seq after the last line of a rotated file; 0 when that line does not tell it. */
  private static long seqAfterLastLine(FileChannel channel) throws IOException {
    LastLineReader.Tail tail = LastLineReader.read(channel);
    if (tail.isEmptyFile() || !tail.complete()) {
      return 0;
    }
    long seq = seqOf(tail.lastLine());
    return seq == 0 ? 0 : seq + 1;
  }

  /** The seq of a line; 0 when it has none. */
  private static long seqOf(byte[] line) {
    try {
      JsonNode seq = ChainedLine.parse(line).get("seq");
      return seq != null && seq.isIntegralNumber() && seq.canConvertToLong() && seq.longValue() >= 1
          ? seq.longValue()
          : 0;
    } catch (ChainedLine.MalformedLineException damaged) {
      return 0;
    }
  }

  /**
   * The rotated files named after {@code seq}, up to {@code bound} (the first seq of the file
   * that was active when the read began; 0 for none). Files named beyond the bound are left
   * to the next read, and must not end this one: a writer rotates the bound's file away before
   * it names any file after it, so until that file has been read, the active file is still
   * to be read too, whatever else the directory holds.
   */
  private List<RotatedFileName> rotatedAfter(long seq, long bound) throws IOException {
    return rotated().stream()
        .filter(rotated -> rotated.firstSeq() > seq)
        .filter(rotated -> bound == 0 || rotated.firstSeq() <= bound)
        .toList();
  }

  private List<RotatedFileName> rotated() throws IOException {
    Path directory = activeFile.toAbsolutePath().getParent();
    List<RotatedFileName> rotated = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        RotatedFileName.parse(activeFile, entry)
            .filter(name -> Files.isRegularFile(name.path()))
            .map(name -> new RotatedFileName(
                activeFile.resolveSibling(entry.getFileName()), name.firstEventTime(),
                name.firstSeq()))
            .ifPresent(rotated::add);
      }
    } catch (NoSuchFileException noDirectory) {
      return List.of();
    }
    rotated.sort(CHAIN_ORDER);
    return rotated;
  }
}
