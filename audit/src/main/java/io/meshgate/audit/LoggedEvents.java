package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.jsonl.ChainedLine;
import io.meshgate.audit.jsonl.EventJson;
import io.meshgate.audit.jsonl.LineReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the events of a log in chain order, one line in memory at a time, for export and
 * reports. It does not check the chain (that is the verifier's job) but stops at a line that is
 * not a valid event, because an export or a report that silently left lines out would be worse
 * than none. An incomplete last line of the active file is being written and is left out; in a
 * rotated file it is damage.
 */
final class LoggedEvents {

  private LoggedEvents() {}

  /** Receives each event with the line it was read from, as stored (without its end of line). */
  interface Consumer {
    void accept(AuditEvent event, byte[] line) throws IOException;
  }

  static void read(AuditLog log, Consumer consumer) throws IOException {
    requireNonNull(log, "log is null");
    requireNonNull(consumer, "consumer is null");
    log.read(
        (file, rotated, content) -> {
          LineReader lines = new LineReader(content);
          for (byte[] line = lines.next(); line != null; line = lines.next()) {
            consumer.accept(event(file, lines.lineNumber(), line), line);
          }
          if (lines.hasIncompleteTail() && rotated.isPresent()) {
            throw damaged(file, lines.lineNumber() + 1, "truncated line");
          }
          return true;
        });
  }

  private static AuditEvent event(Path file, long lineNumber, byte[] line) {
    try {
      return EventJson.read(ChainedLine.parse(line));
    } catch (ChainedLine.MalformedLineException malformed) {
      throw damaged(file, lineNumber, malformed.getMessage());
    } catch (IllegalArgumentException invalid) {
      throw damaged(file, lineNumber, "invalid event: " + invalid.getMessage());
    }
  }

  private static AuditException.DamagedLog damaged(Path file, long lineNumber, String problem) {
    return new AuditException.DamagedLog(
        "audit log file "
            + file
            + " line "
            + lineNumber
            + " cannot be read as an event ("
            + problem
            + "); run the audit verify command on the whole log");
  }
}
