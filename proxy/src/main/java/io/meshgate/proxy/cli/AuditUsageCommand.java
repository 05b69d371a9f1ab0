package io.meshgate.proxy.cli;

import io.meshgate.audit.AuditLog;
import io.meshgate.audit.AuditUsage;
import io.meshgate.audit.UsageReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code meshgate audit usage --file F [--file F2 …] [--domain D] [--format text|csv]}: queries,
 * users, denials and latency per relation and UTC day, for domain owners. {@code --file} repeats
 * to merge the logs of several instances.
 */
final class AuditUsageCommand {
  private AuditUsageCommand() {}

  static int run(List<String> args, PrintStream out) throws Exception {
    CommandOptions options = CommandOptions.parse(args, Set.of("--file", "--domain", "--format"), Set.of());
    List<String> files = options.values("--file");
    if (files.isEmpty()) {
      throw new MeshgateCommand.UsageException("audit usage needs --file");
    }
    String format = options.value("--format").orElse("text").toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("csv")) {
      throw new MeshgateCommand.UsageException("--format must be text or csv, not '" + format + "'");
    }
    List<AuditLog> logs = new ArrayList<>();
    for (String file : files) {
      logs.add(AuditCommand.existingLog(file));
    }
    Optional<String> domain = options.value("--domain");
    UsageReport report = AuditUsage.report(logs, domain);
    out.print(format.equals("csv") ? report.renderCsv() : report.renderText());
    out.flush();
    return 0;
  }
}
