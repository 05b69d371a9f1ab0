package io.meshgate.proxy.cli;

import io.meshgate.audit.AuditLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code meshgate audit verify|export|usage}: the auditors' commands over an audit log on disk. */
final class AuditCommand {
  private AuditCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
    if (args.isEmpty()) {
      throw new MeshgateCommand.UsageException("audit needs a subcommand: verify, export or usage");
    }
    List<String> options = args.subList(1, args.size());
    return switch (args.get(0)) {
      case "verify" -> AuditVerifyCommand.run(options, out);
      case "export" -> AuditExportCommand.run(options, out, err);
      case "usage" -> AuditUsageCommand.run(options, out);
      default -> throw new MeshgateCommand.UsageException(
          "unknown audit subcommand '" + args.get(0) + "'; use verify, export or usage");
    };
  }

  /**
   * The log whose active file is {@code file}. A log that is not there at all is an error, not an
   * empty log: a mistyped path must not pass as "intact: 0 events".
   */
  static AuditLog existingLog(String file) throws IOException {
    AuditLog log = AuditLog.of(Path.of(file));
    if (log.files().isEmpty()) {
      throw new IOException("no audit log at " + file + " (neither that file nor rotated files next to it)");
    }
    return log;
  }
}
