package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.jsonl.ChainHash;
import io.meshgate.audit.jsonl.ChainedLine;
import io.meshgate.audit.jsonl.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a JSON Lines audit log is whole: every line complete and valid, {@code seq}
 * counting 1, 2, … without gaps, each {@code prev_hash} equal to the previous line's {@code
 * hash}, each {@code hash} matching its line's content, and each event valid for its schema.
 * Reads the file once, front to back, holding one line at a time.
 *
 * <p>A hash chain shows edits, deletions, insertions and reordering anywhere but at the end:
 * lines cut off the end leave a shorter chain that is still intact. {@link
 * VerificationResult#lastHash()} is there to compare with a head hash kept elsewhere.
 */
public final class AuditChainVerifier {

  private AuditChainVerifier() {}

  /**
   * Verifies a log.
   *
   * @throws IOException when the file cannot be read at all; damage in what was read is a
   *     result, not an exception
   */
  public static VerificationResult verify(Path file) throws IOException {
    requireNonNull(file, "file is null");
    try (InputStream input = Files.newInputStream(file)) {
      return verify(input);
    }
  }

  private static VerificationResult verify(InputStream input) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    long lineNumber = 0;
    String lastHash = ChainHash.GENESIS;
    for (int read = input.read(chunk); read >= 0; read = input.read(chunk)) {
      int lineStart = 0;
      for (int index = 0; index < read; index++) {
        if (chunk[index] != '\n') {
          continue;
        }
        line.write(chunk, lineStart, index - lineStart);
        lineStart = index + 1;
        lineNumber++;
        LineVerdict verdict = check(line.toByteArray(), lineNumber, lastHash);
        if (verdict.problem() != null) {
          return VerificationResult.broken(lineNumber - 1, lineNumber, verdict.problem(), lastHash);
        }
        lastHash = verdict.hash();
        line.reset();
      }
      line.write(chunk, lineStart, read - lineStart);
    }
    if (line.size() > 0) {
      return VerificationResult.broken(
          lineNumber,
          lineNumber + 1,
          "truncated line: the file ends without an end of line (a torn write?)",
          lastHash);
    }
    return VerificationResult.intact(lineNumber, lastHash);
  }

  /** What is wrong with line {@code lineNumber}, or its hash if it checks out. */
  private static LineVerdict check(byte[] line, long lineNumber, String previousHash) {
    ChainedLine.Decoded decoded;
    try {
      decoded = ChainedLine.decode(line);
    } catch (ChainedLine.MalformedLineException malformed) {
      return LineVerdict.broken(malformed.getMessage());
    }
    if (decoded.seq() != lineNumber) {
      return LineVerdict.broken("seq gap: expected " + lineNumber + ", found " + decoded.seq());
    }
    if (!decoded.previousHash().equals(previousHash)) {
      return LineVerdict.broken(
          lineNumber == 1
              ? "prev_hash of the first line is not " + ChainHash.GENESIS
              : "prev_hash does not match line " + (lineNumber - 1));
    }
    if (!decoded.hashMatches()) {
      return LineVerdict.broken("hash mismatch: the line's content is not what its hash says");
    }
    try {
      EventJson.read(decoded.json());
    } catch (IllegalArgumentException invalid) {
      return LineVerdict.broken("invalid event: " + invalid.getMessage());
    }
    return new LineVerdict(decoded.hash(), null);
  }

  /** Either the hash of a line that checked out, or what was wrong with it. */
  private record LineVerdict(String hash, String problem) {
    static LineVerdict broken(String problem) {
      return new LineVerdict(null, problem);
    }
  }
}
