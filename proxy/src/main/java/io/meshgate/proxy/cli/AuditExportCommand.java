package io.meshgate.proxy.cli;

import io.meshgate.audit.AuditExport;
import io.meshgate.audit.AuditFilter;
import io.meshgate.audit.AuditLog;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.DecisionKind;
import io.meshgate.audit.TransactionOutcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code meshgate audit export --file F [--from T] [--to T] [--user U] [--relation R] [--decision
 * allow|deny|none] [--outcome ok|denied|failed|cancelled] [--transaction-outcome
 * committed|rolled_back|unknown] --format jsonl|csv [--output FILE]}: streams the matching events,
 * in chain order, to standard output or a file.
 */
final class AuditExportCommand {
  private AuditExportCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    CommandOptions options = CommandOptions.parse(args,
        Set.of("--file", "--from", "--to", "--user", "--relation", "--decision", "--outcome", "--transaction-outcome",
            "--format", "--output"), Set.of());
    String file = options.required("--file", "audit export");
    AuditExport.Format format = format(options.required("--format", "audit export"));
    AuditFilter filter = filter(options);
    AuditLog log = AuditCommand.existingLog(file);
    if (options.value("--output").isEmpty()) {
      AuditExport.export(log, filter, format, out);
      return 0;
    }
    Path output = Path.of(options.value("--output").orElseThrow()).toAbsolutePath();
    if (output.getParent() == null || !Files.isDirectory(output.getParent())) {
      throw new MeshgateCommand.UsageException("the folder of --output " + output + " does not exist");
    }
    refuseLogFile(log, output);
    long exported = exportToFile(log, filter, format, output);
    err.println(exported + " events written to " + output);
    return 0;
  }

  private static AuditExport.Format format(String value) throws MeshgateCommand.UsageException {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "jsonl" -> AuditExport.Format.JSONL;
      case "csv" -> AuditExport.Format.CSV;
      default -> throw new MeshgateCommand.UsageException("--format must be jsonl or csv, not '" + value + "'");
    };
  }

  private static AuditFilter filter(CommandOptions options) throws MeshgateCommand.UsageException {
    AuditFilter filter = AuditFilter.all();
    if (options.value("--from").isPresent()) {
      filter = filter.withFrom(Rfc3339.parse(options.value("--from").orElseThrow(), "--from"));
    }
    if (options.value("--to").isPresent()) {
      try {
        filter = filter.withTo(Rfc3339.parse(options.value("--to").orElseThrow(), "--to"));
      } catch (IllegalArgumentException e) {
        throw new MeshgateCommand.UsageException("--from must be before --to (--from is inclusive, --to exclusive)");
      }
    }
    if (options.value("--user").isPresent()) {
      filter = filter.withUser(options.value("--user").orElseThrow());
    }
    if (options.value("--relation").isPresent()) {
      filter = filter.withRelation(options.value("--relation").orElseThrow());
    }
    if (options.value("--decision").isPresent()) {
      try {
        filter = filter.withDecision(DecisionKind.fromWireName(options.value("--decision").orElseThrow()));
      } catch (IllegalArgumentException e) {
        throw new MeshgateCommand.UsageException(e.getMessage());
      }
    }
    if (options.value("--outcome").isPresent()) {
      filter = filter.withOutcome(outcome(options.value("--outcome").orElseThrow()));
    }
    if (options.value("--transaction-outcome").isPresent()) {
      try {
        filter = filter.withTransactionOutcome(
            TransactionOutcome.fromWireName(options.value("--transaction-outcome").orElseThrow()));
      } catch (IllegalArgumentException e) {
        throw new MeshgateCommand.UsageException("--transaction-outcome: " + e.getMessage());
      }
    }
    return filter;
  }

  /** {@code outcome.status} as the log spells it. */
  private static AuditOutcome.Status outcome(String value) throws MeshgateCommand.UsageException {
    for (AuditOutcome.Status status : AuditOutcome.Status.values()) {
      if (status.wireName().equals(value)) {
        return status;
      }
    }
    throw new MeshgateCommand.UsageException(
        "--outcome must be ok, denied, failed or cancelled (outcome.status), not '" + value + "'");
  }

  /** Replacing a file of the log with its own export would destroy the evidence. */
  private static void refuseLogFile(AuditLog log, Path output) throws IOException, MeshgateCommand.UsageException {
    if (!Files.exists(output)) {
      return;
    }
    for (Path logFile : log.files()) {
      if (Files.isSameFile(logFile, output)) {
        throw new MeshgateCommand.UsageException("--output " + output + " is a file of the audit log itself");
      }
    }
  }

  /**
   * Written beside the target and renamed into place when complete, so that a reader never takes
   * a half-written export for a whole one. Created {@code rw-r-----} like the log: it holds SQL and
   * user names.
   */
  private static long exportToFile(AuditLog log, AuditFilter filter, AuditExport.Format format, Path output)
      throws IOException {
    Path directory = output.getParent();
    Path temporary = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? Files.createTempFile(directory, "." + output.getFileName() + ".", ".part",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")))
        : Files.createTempFile(directory, "." + output.getFileName() + ".", ".part");
    try {
      long exported;
      try (OutputStream stream = Files.newOutputStream(temporary)) {
        exported = AuditExport.export(log, filter, format, stream);
      }
      Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return exported;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
