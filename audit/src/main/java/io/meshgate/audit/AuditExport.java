package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.csv.CsvWriter;
import io.meshgate.audit.jsonl.EventJson;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies the events of a log that match a filter to an output, in chain order (rotated files
 * oldest first, then the active file), streaming: one line in memory at a time, whatever the
 * size of the log.
 *
 * <p>Export does not verify the chain (run {@link AuditChainVerifier#verifyAll} for that); it
 * stops with {@link AuditException.DamagedLog} at a line that is not a valid event rather than
 * leave it out silently. An incomplete last line of the active file is a line still being
 * written and is left out.
 */
public final class AuditExport {

  /**
   * The CSV columns, in order; {@code audit/README.md} says what each holds. Columns added later
   * are appended, never inserted, so consumers that read columns by position keep working.
   */
  public static final List<String> CSV_COLUMNS =
      List.of(
          "time",
          "event_id",
          "session_id",
          "user",
          "groups",
          "client_address",
          "application_name",
          "database",
          "statement_kind",
          "decision",
          "outcome_status",
          "sql_state",
          "rows",
          "bytes",
          "duration_micros",
          "relations",
          "policies",
          "sql",
          "rewritten_sql",
          "ddl_action",
          "transaction",
          "transaction_statement",
          "transaction_outcome");

  private AuditExport() {}

  /** What an export writes. */
  public enum Format {
    /**
     * The matching lines exactly as stored, each ended by {@code \n}. Unfiltered, that is the
     * whole chain and verifies as one; filtered, lines are missing from the chain, so the
     * output cannot be verified (verify the log itself).
     */
    JSONL,
    /** UTF-8 CSV, RFC 4180, a header row then one row per event, columns {@link #CSV_COLUMNS}. */
    CSV
  }

  /**
   * Exports to a byte stream (UTF-8), which is flushed but not closed.
   *
   * @return the number of events exported
   * @throws IOException when a file cannot be read or the output cannot be written
   * @throws AuditException.DamagedLog at a line that is not a valid event
   */
  public static long export(AuditLog log, AuditFilter filter, Format format, OutputStream output)
      throws IOException {
    requireNonNull(log, "log is null");
    requireNonNull(filter, "filter is null");
    requireNonNull(format, "format is null");
    requireNonNull(output, "output is null");
    return switch (format) {
      case JSONL -> {
        BufferedOutputStream buffered = new BufferedOutputStream(output, 64 * 1024);
        long exported =
            exportMatching(
                log,
                filter,
                (event, line) -> {
                  buffered.write(line);
                  buffered.write('\n');
                });
        buffered.flush();
        yield exported;
      }
      case CSV -> {
        Writer writer =
            new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 64 * 1024);
        long exported = exportCsv(log, filter, writer);
        writer.flush();
        yield exported;
      }
    };
  }

  /**
   * Exports to a character stream, which is flushed but not closed.
   *
   * @return the number of events exported
   * @throws IOException when a file cannot be read or the output cannot be written
   * @throws AuditException.DamagedLog at a line that is not a valid event
   */
  public static long export(AuditLog log, AuditFilter filter, Format format, Writer output)
      throws IOException {
    requireNonNull(log, "log is null");
    requireNonNull(filter, "filter is null");
    requireNonNull(format, "format is null");
    requireNonNull(output, "output is null");
    Writer writer = new BufferedWriter(output, 64 * 1024);
    long exported =
        switch (format) {
          case JSONL ->
              exportMatching(
                  log,
                  filter,
                  (event, line) -> {
                    writer.write(new String(line, StandardCharsets.UTF_8));
                    writer.write('\n');
                  });
          case CSV -> exportCsv(log, filter, writer);
        };
    writer.flush();
    return exported;
  }

  /** One event as a CSV row, in the order of {@link #CSV_COLUMNS}. */
  static List<String> csvRow(AuditEvent event, TransactionOutcome transactionOutcome) {
    AuditTransaction transaction = event.transaction();
    Set<String> relations = new LinkedHashSet<>();
    event.relations().forEach(relation -> relations.add(relation.relation()));
    AuditOutcome outcome = event.outcome();
    return List.of(
        EventJson.formatTime(event.time()),
        event.eventId(),
        event.sessionId(),
        event.user(),
        String.join(";", event.groups()),
        event.clientAddress(),
        event.applicationName(),
        event.database(),
        event.statementKind(),
        DecisionKind.of(event).wireName(),
        outcome.status().wireName(),
        outcome.sqlState() == null ? "" : outcome.sqlState(),
        Long.toString(outcome.rows()),
        Long.toString(outcome.bytes()),
        Long.toString(outcome.durationMicros()),
        String.join(";", relations),
        event.decision() == null ? "" : String.join(";", event.decision().policies()),
        event.sql(),
        event.rewrittenSql() == null ? "" : event.rewrittenSql(),
        event.ddlAction() == null ? "" : event.ddlAction(),
        transaction == null ? "" : Long.toString(transaction.ordinal()),
        transaction == null ? "" : Long.toString(transaction.statement()),
        transactionOutcome.wireName());
  }

  private static long exportCsv(AuditLog log, AuditFilter filter, Writer writer)
      throws IOException {
    CsvWriter csv = new CsvWriter(writer);
    csv.writeRecord(CSV_COLUMNS);
    return exportMatching(log, filter, true,
        (event, line, outcome) -> csv.writeRecord(csvRow(event, outcome)));
  }

  private static long exportMatching(
      AuditLog log, AuditFilter filter, LoggedEvents.Consumer write) throws IOException {
    return exportMatching(log, filter, false, (event, line, outcome) -> write.accept(event, line));
  }

  /**
   * The second read of the log, when the transaction outcome is wanted (a CSV column, or a
   * filter): what became of a transaction may be on a line after the statement's.
   */
  private static long exportMatching(
      AuditLog log, AuditFilter filter, boolean outcomeWanted, Resolved write) throws IOException {
    TransactionOutcomes outcomes = outcomeWanted || filter.transactionOutcome().isPresent()
        ? TransactionOutcomes.read(log)
        : null;
    long[] exported = new long[1];
    LoggedEvents.read(
        log,
        (event, line) -> {
          if (!filter.matchesEvent(event)) {
            return;
          }
          TransactionOutcome outcome = outcomes == null ? TransactionOutcome.UNKNOWN : outcomes.of(event);
          if (filter.matches(event, outcome)) {
            write.accept(event, line, outcome);
            exported[0]++;
          }
        });
    return exported[0];
  }

  private interface Resolved {
    void accept(AuditEvent event, byte[] line, TransactionOutcome outcome) throws IOException;
  }
}
