package io.meshgate.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditExport;
import io.meshgate.audit.AuditLog;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditTransaction;
import io.meshgate.audit.DecisionKind;
import io.meshgate.audit.UsageReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshgate audit verify|export|usage} run in-process on logs the real sink wrote. */
class AuditCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  private Path log() {
    return directory.resolve("audit.jsonl");
  }

  // verify

  @Test
  void verifyReportsAnIntactLogWithItsLastHash() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(12));
    CommandRun run = CommandRun.of("audit", "verify", "--file", log().toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals(List.of("intact: 12 events in 1 files, last hash " + lastHash(log()),
        "anchor to keep elsewhere: 12:" + lastHash(log())), run.outLines(), run.toString());
  }

  @Test
  void verifyAgainstAnAnchorFindsLinesCutOffTheEnd() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(12));
    String anchor = "12:" + lastHash(log());
    CommandRun holds = CommandRun.of("audit", "verify", "--file", log().toString(), "--anchor", anchor);
    assertEquals(0, holds.exitCode(), holds.toString());
    assertEquals("anchor " + anchor + " holds", holds.outLines().get(1), holds.toString());

    List<String> lines = Files.readAllLines(log());
    Files.write(log(), lines.subList(0, 11));

    assertEquals(0, CommandRun.of("audit", "verify", "--file", log().toString()).exitCode());
    CommandRun cut = CommandRun.of("audit", "verify", "--file", log().toString(), "--anchor", anchor);
    assertEquals(1, cut.exitCode(), cut.toString());
    assertTrue(cut.out().startsWith("broken: " + log() + " line 12: the log ends at seq 11, before the anchored seq 12"),
        cut.toString());

    CommandRun malformed = CommandRun.of("audit", "verify", "--file", log().toString(), "--anchor", "12");
    assertNotEquals(0, malformed.exitCode(), malformed.toString());
    assertTrue(malformed.err().contains("--anchor"), malformed.toString());
  }

  @Test
  void verifyFollowsTheChainThroughRotatedFiles() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(40), 2048);
    List<Path> files = AuditLog.of(log()).files();
    assertTrue(files.size() > 2, "the fixture should rotate: " + files);
    CommandRun run = CommandRun.of("audit", "verify", "--file", log().toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("intact: 40 events in " + files.size() + " files, last hash " + lastHash(log()), run.outLines().get(0));
    assertEquals("anchor to keep elsewhere: 40:" + lastHash(log()), run.outLines().get(1));
  }

  @Test
  void verifyNamesTheFirstEditedLine() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(12));
    List<String> lines = new ArrayList<>(Files.readAllLines(log()));
    String edited = lines.get(4).replace("\"user\":\"bob\"", "\"user\":\"eve\"");
    assertNotEquals(lines.get(4), edited, "line 5 should be bob's");
    lines.set(4, edited);
    Files.write(log(), lines);

    CommandRun run = CommandRun.of("audit", "verify", "--file", log().toString());
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.outLines().get(0).startsWith("broken: " + log() + " line 5: hash mismatch"), run.toString());
    assertTrue(run.outLines().get(1).startsWith("4 events before it checked out"), run.toString());
  }

  @Test
  void verifyNamesTheRotatedFileWhereALineWasDeleted() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(40), 2048);
    List<Path> files = AuditLog.of(log()).files();
    Path middle = files.get(1);
    List<String> lines = new ArrayList<>(Files.readAllLines(middle));
    assertTrue(lines.size() >= 3, "the middle file should hold a few lines: " + lines.size());
    lines.remove(1);
    Files.write(middle, lines);

    CommandRun run = CommandRun.of("audit", "verify", "--file", log().toString());
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.out().startsWith("broken: " + middle + " line 2: seq gap"), run.toString());
  }

  @Test
  void verifyOfAMissingLogFails() {
    CommandRun run = CommandRun.of("audit", "verify", "--file", directory.resolve("nothing.jsonl").toString());
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no audit log at"), run.toString());
  }

  @Test
  void verifyAfterRetentionDeletedTheOldestFile() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(40), 2048);
    Path oldest = AuditLog.of(log()).files().get(0);
    Files.delete(oldest);
    assertEquals(1, CommandRun.of("audit", "verify", "--file", log().toString()).exitCode());

    CommandRun run = CommandRun.of("audit", "verify", "--file", log().toString(), "--oldest-kept");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.outLines().get(1).startsWith("the kept chain starts at seq "), run.toString());
  }

  // export

  @Test
  void unfilteredJsonlExportIsTheLogAndVerifies() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(30), 2048);
    CommandRun run = CommandRun.of("audit", "export", "--file", log().toString(), "--format", "jsonl");
    assertEquals(0, run.exitCode(), run.toString());
    StringBuilder whole = new StringBuilder();
    for (Path file : AuditLog.of(log()).files()) {
      whole.append(Files.readString(file));
    }
    assertEquals(whole.toString(), run.out());

    Path copy = directory.resolve("copy").resolve("export.jsonl");
    Files.createDirectories(copy.getParent());
    Files.writeString(copy, run.out());
    assertEquals(0, CommandRun.of("audit", "verify", "--file", copy.toString()).exitCode());
  }

  @Test
  void exportFiltersByUserRelationDecisionAndTimeAcrossRotatedFilesInBothFormats() throws IOException {
    List<AuditEvent> events = AuditLogFixture.events(36);
    AuditLogFixture.write(log(), events, 2048);
    assertTrue(AuditLog.of(log()).rotatedFiles().size() > 2, "the export should span rotated files");
    Instant from = Instant.parse("2026-11-22T00:00:00Z");
    Instant to = Instant.parse("2026-11-22T08:00:00Z");

    assertExported(events, e -> e.user().equals("alice"), "--user", "alice");
    assertExported(events, e -> e.relations().stream().anyMatch(r -> r.relation().equals("mesh.customers.customers")),
        "--relation", "mesh.customers.customers");
    assertExported(events, e -> DecisionKind.of(e) == DecisionKind.DENY, "--decision", "deny");
    assertExported(events, e -> e.decision() == null, "--decision", "none");
    assertExported(events, e -> e.outcome().status() == AuditOutcome.Status.DENIED, "--outcome", "denied");
    assertExported(events, e -> e.outcome().status() == AuditOutcome.Status.OK && e.user().equals("bob"),
        "--outcome", "ok", "--user", "bob");
    assertExported(events, e -> e.transaction() != null && e.transaction().state() == AuditTransaction.State.COMMITTED,
        "--transaction-outcome", "committed");
    assertExported(events,
        e -> e.transaction() != null && e.transaction().state() == AuditTransaction.State.ROLLED_BACK,
        "--transaction-outcome", "rolled_back", "--outcome", "ok");
    // lines without a transaction (as written before Meshgate recorded it) cannot tell
    assertExported(events, e -> e.transaction() == null, "--transaction-outcome", "unknown");
    // A date is UTC midnight; an offset is honoured: 09:00+01:00 is 08:00Z.
    assertExported(events, e -> !e.time().isBefore(from) && e.time().isBefore(to),
        "--from", "2026-11-22", "--to", "2026-11-22T09:00:00+01:00");
    assertExported(events,
        e -> e.user().equals("carol") && DecisionKind.of(e) == DecisionKind.ALLOW && !e.time().isBefore(from),
        "--user", "carol", "--decision", "allow", "--from", "2026-11-22T00:00:00z");
  }

  private void assertExported(List<AuditEvent> events, Predicate<AuditEvent> expected, String... filter)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("audit", "export", "--file", log().toString(), "--format", "jsonl"));
    args.addAll(List.of(filter));
    CommandRun run = CommandRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.toString());
    List<String> exportedIds = new ArrayList<>();
    for (String line : run.outLines()) {
      exportedIds.add(JSON.readTree(line).get("event_id").asText());
    }
    List<String> expectedIds = events.stream().filter(expected).map(AuditEvent::eventId).toList();
    assertTrue(!expectedIds.isEmpty(), "the fixture should have events for " + List.of(filter));
    assertEquals(expectedIds, exportedIds, "filter " + List.of(filter));

    args.set(args.indexOf("jsonl"), "csv");
    CommandRun csv = CommandRun.of(args.toArray(String[]::new));
    assertEquals(0, csv.exitCode(), csv.toString());
    int idColumn = AuditExport.CSV_COLUMNS.indexOf("event_id");
    List<String> csvIds = csv.outLines().subList(1, csv.outLines().size()).stream()
        .map(record -> record.split(",", -1)[idColumn])
        .toList();
    assertEquals(expectedIds, csvIds, "CSV, filter " + List.of(filter));
  }

  @Test
  void csvExportHasTheDocumentedColumns() throws IOException {
    List<AuditEvent> events = AuditLogFixture.events(20);
    AuditLogFixture.write(log(), events);
    CommandRun run = CommandRun.of("audit", "export", "--file", log().toString(), "--format", "csv", "--decision", "deny");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().endsWith("\r\n"), "RFC 4180 records end with CRLF");
    List<String> lines = run.outLines();
    assertEquals(String.join(",", AuditExport.CSV_COLUMNS), lines.get(0));
    List<AuditEvent> denied = events.stream().filter(e -> DecisionKind.of(e) == DecisionKind.DENY).toList();
    assertEquals(denied.size(), lines.size() - 1);
    int decisionColumn = AuditExport.CSV_COLUMNS.indexOf("decision");
    int idColumn = AuditExport.CSV_COLUMNS.indexOf("event_id");
    for (int i = 1; i < lines.size(); i++) {
      String[] fields = lines.get(i).split(",", -1);
      assertEquals("deny", fields[decisionColumn], lines.get(i));
      assertEquals(denied.get(i - 1).eventId(), fields[idColumn]);
    }
  }

  @Test
  void exportToAFileWritesTheSameBytesReadableByItsGroupOnly() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(15));
    CommandRun toStandardOutput = CommandRun.of("audit", "export", "--file", log().toString(), "--format", "csv");
    Path output = directory.resolve("export.csv");
    Files.writeString(output, "an older export, replaced");
    CommandRun toFile = CommandRun.of(
        "audit", "export", "--file", log().toString(), "--format", "csv", "--output", output.toString());
    assertEquals(0, toFile.exitCode(), toFile.toString());
    assertEquals("", toFile.out());
    assertEquals("15 events written to " + output, toFile.err().strip());
    assertArrayEquals(toStandardOutput.out().getBytes(StandardCharsets.UTF_8), Files.readAllBytes(output));
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(output)));
    }
    try (var left = Files.list(directory)) {
      assertTrue(left.noneMatch(path -> path.getFileName().toString().endsWith(".part")), "no temporary file left");
    }
  }

  @Test
  void exportRefusesToOverwriteTheLogItself() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(5));
    byte[] before = Files.readAllBytes(log());
    CommandRun run = CommandRun.of(
        "audit", "export", "--file", log().toString(), "--format", "jsonl", "--output", log().toString());
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("is a file of the audit log itself"), run.toString());
    assertArrayEquals(before, Files.readAllBytes(log()));
  }

  @Test
  void wrongExportArgumentsAreUsageErrors() throws IOException {
    AuditLogFixture.write(log(), AuditLogFixture.events(5));
    String file = log().toString();
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(List.of("--file", file), "needs --format");
    cases.put(List.of("--file", file, "--format", "xml"), "--format must be jsonl or csv");
    cases.put(List.of("--file", file, "--format", "csv", "--decision", "maybe"), "allow, deny or none");
    cases.put(List.of("--file", file, "--format", "csv", "--outcome", "allowed"), "ok, denied, failed or cancelled");
    cases.put(List.of("--file", file, "--format", "csv", "--transaction-outcome", "aborted"),
        "committed, rolled_back or unknown");
    cases.put(List.of("--file", file, "--format", "csv", "--from", "yesterday"), "RFC 3339");
    cases.put(List.of("--file", file, "--format", "csv", "--from", "2026-11-22T10:00:00"), "RFC 3339");
    cases.put(List.of("--file", file, "--format", "csv", "--from", "2026-11-22", "--to", "2026-11-21"),
        "--from must be before --to");
    cases.put(List.of("--file", file, "--format", "csv", "--usr", "alice"), "unknown option '--usr'");
    cases.put(List.of("--file", file, "--format", "csv", "--output", directory.resolve("none/x.csv").toString()),
        "does not exist");
    cases.put(List.of("--file", file, "--format", "csv", "--user", "alice", "--user", "bob"), "--user may be given once");
    for (Map.Entry<List<String>, String> entry : cases.entrySet()) {
      List<String> args = new ArrayList<>(List.of("audit", "export"));
      args.addAll(entry.getKey());
      CommandRun run = CommandRun.of(args.toArray(String[]::new));
      assertEquals(2, run.exitCode(), entry.getKey() + "\n" + run);
      assertTrue(run.err().contains(entry.getValue()), entry.getKey() + "\n" + run);
      assertEquals("", run.out(), "nothing exported for " + entry.getKey());
    }
  }

  // usage

  @Test
  void usageForOneDomainAsCsv() throws IOException {
    List<AuditEvent> events = AuditLogFixture.events(30);
    AuditLogFixture.write(log(), events);
    CommandRun run = CommandRun.of("audit", "usage", "--file", log().toString(), "--domain", "sales", "--format", "csv");
    assertEquals(0, run.exitCode(), run.toString());
    List<String> lines = run.outLines();
    assertEquals(String.join(",", UsageReport.COLUMNS), lines.get(0));
    assertTrue(lines.size() > 1, run.toString());
    long queries = 0;
    long denials = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",", -1);
      assertEquals("mesh.sales.store_transactions", fields[0], line);
      queries += Long.parseLong(fields[2]);
      denials += Long.parseLong(fields[4]);
    }
    Predicate<AuditEvent> sales = e -> e.relations().stream().anyMatch(r -> r.relation().startsWith("mesh.sales."));
    assertEquals(events.stream().filter(sales).count(), queries);
    assertEquals(events.stream().filter(sales).filter(e -> DecisionKind.of(e) == DecisionKind.DENY).count(), denials);
  }

  @Test
  void usageMergesTheLogsOfSeveralInstancesAsText() throws IOException {
    Path other = directory.resolve("other").resolve("audit.jsonl");
    Files.createDirectories(other.getParent());
    AuditLogFixture.write(log(), AuditLogFixture.events(12));
    AuditLogFixture.write(other, AuditLogFixture.events(12));
    CommandRun one = CommandRun.of("audit", "usage", "--file", log().toString(), "--domain", "customers");
    CommandRun both = CommandRun.of(
        "audit", "usage", "--file", log().toString(), "--file", other.toString(), "--domain", "customers");
    assertEquals(0, both.exitCode(), both.toString());
    assertTrue(both.outLines().get(0).startsWith("relation"), both.toString());
    assertEquals(one.outLines().size(), both.outLines().size(), "same relations and days");
    for (int i = 1; i < one.outLines().size(); i++) {
      long queriesInOne = Long.parseLong(one.outLines().get(i).trim().split("\\s+")[2]);
      long queriesInBoth = Long.parseLong(both.outLines().get(i).trim().split("\\s+")[2]);
      assertEquals(2 * queriesInOne, queriesInBoth, both.toString());
    }
  }

  @Test
  void unknownAuditSubcommandIsAUsageError() {
    CommandRun run = CommandRun.of("audit", "repair", "--file", "x");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("unknown audit subcommand 'repair'"), run.toString());
  }

  private static String lastHash(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
    return last.get("hash").asText();
  }
}
