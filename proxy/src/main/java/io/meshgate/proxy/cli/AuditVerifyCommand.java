package io.meshgate.proxy.cli;

import io.meshgate.audit.AuditChainVerifier;
import io.meshgate.audit.AuditLog;
import io.meshgate.audit.ChainAnchor;
import io.meshgate.audit.LogVerificationResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code meshgate audit verify --file F [--oldest-kept] [--anchor SEQ:HASH]}: checks the hash
 * chain through every file of the log and, with an anchor kept elsewhere, that the log still
 * holds that line with that hash. Exit 0 intact, 1 broken (the first broken file, line and
 * problem are printed).
 */
final class AuditVerifyCommand {
  static final String OLDEST_KEPT = "--oldest-kept";
  static final String ANCHOR = "--anchor";

  private AuditVerifyCommand() {}

  static int run(List<String> args, PrintStream out) throws Exception {
    CommandOptions options = CommandOptions.parse(args, Set.of("--file", ANCHOR), Set.of(OLDEST_KEPT));
    Optional<ChainAnchor> anchor;
    try {
      anchor = options.value(ANCHOR).map(ChainAnchor::parse);
    } catch (IllegalArgumentException malformed) {
      throw new MeshgateCommand.UsageException(ANCHOR + ": " + malformed.getMessage());
    }
    AuditLog log = AuditCommand.existingLog(options.required("--file", "audit verify"));
    // After retention deleted the oldest files the chain cannot start at seq 1; the operator
    // says so explicitly, and the start found is printed to compare with a record of the deletion.
    AuditChainVerifier.ChainStart start = options.flag(OLDEST_KEPT)
        ? AuditChainVerifier.ChainStart.OLDEST_KEPT_FILE
        : AuditChainVerifier.ChainStart.FIRST_EVENT;
    LogVerificationResult result = AuditChainVerifier.verifyAll(log, start, anchor);
    if (result.intact()) {
      out.println("intact: " + result.eventsChecked() + " events in " + result.filesChecked() + " files, last hash "
          + result.lastHash());
      if (options.flag(OLDEST_KEPT)) {
        out.println("the kept chain starts at seq " + result.firstSeq() + " after prev_hash " + result.firstPreviousHash());
      }
      anchor.ifPresent(checked -> out.println("anchor " + checked + " holds"));
      if (result.lastSeq() > 0) {
        // What to keep elsewhere: the chain cannot show lines cut off its end, an anchor can.
        out.println("anchor to keep elsewhere: " + new ChainAnchor(result.lastSeq(), result.lastHash()));
      }
      return 0;
    }
    out.println("broken: " + result.brokenFile().orElseThrow() + " line " + result.brokenLine().orElseThrow() + ": "
        + result.problem());
    out.println(result.eventsChecked() + " events before it checked out; the last good hash is " + result.lastHash());
    return 1;
  }
}
