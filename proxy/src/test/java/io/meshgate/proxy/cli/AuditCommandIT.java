package io.meshgate.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditExport;
import io.meshgate.audit.UsageReport;
import io.meshgate.proxy.DemoMesh;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code meshgate audit usage} and {@code export} on the log Meshgate itself wrote for a known
 * workload run through it with pgjdbc: the numbers a domain owner and an auditor get are those
 * of the statements that ran.
 */
class AuditCommandIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CUSTOMERS = "mesh.customers.customers";
  private static final String COUNT_CUSTOMERS = "SELECT count(*) FROM customers.customers";
  private static final String COUNT_STORES = "SELECT count(*) FROM sales.stores";

  @Test
  void usageAndExportReportTheWorkloadThatRan() throws Exception {
    Instant before = Instant.now();
    // The customers domain: alice twice and dave once allowed, bob (weather team) denied.
    // carol reads another domain, which --domain customers and --relation leave out.
    count("alice", COUNT_CUSTOMERS);
    count("alice", COUNT_CUSTOMERS);
    count("dave", COUNT_CUSTOMERS);
    SQLException denied = assertThrows(SQLException.class, () -> count("bob", COUNT_CUSTOMERS));
    assertEquals("42501", denied.getSQLState());
    count("carol", COUNT_STORES);
    Instant after = Instant.now();
    String log = mesh.environment().auditFile().toString();
    List<JsonNode> workload = customersEvents();
    assertEquals(List.of("alice", "alice", "dave", "bob"), field(workload, "/user"));

    CommandRun usage = CommandRun.of("audit", "usage", "--file", log, "--domain", "customers", "--format", "csv");
    assertEquals(0, usage.exitCode(), usage.toString());
    List<String> expectedUsage = new ArrayList<>();
    expectedUsage.add(String.join(",", UsageReport.COLUMNS));
    byDay(workload).forEach((day, events) -> expectedUsage.add(String.join(",", CUSTOMERS, day.toString(),
        String.valueOf(events.size()),
        String.valueOf(events.stream().map(event -> event.path("user").asText()).distinct().count()),
        String.valueOf(events.stream().filter(event -> event.at("/outcome/status").asText().equals("denied")).count()),
        millis(nearestRank(events, 50)), millis(nearestRank(events, 95)))));
    assertEquals(expectedUsage, usage.outLines());
    if (byDay(workload).size() == 1) {
      // The usual case, spelled out: 4 queries by 3 users, 1 denial.
      assertEquals(List.of("4", "3", "1"), List.of(usage.outLines().get(1).split(",")).subList(2, 5));
    }

    CommandRun csv = CommandRun.of("audit", "export", "--file", log, "--format", "csv", "--relation", CUSTOMERS);
    assertEquals(0, csv.exitCode(), csv.toString());
    assertEquals(String.join(",", AuditExport.CSV_COLUMNS), csv.outLines().get(0));
    List<List<String>> records = new ArrayList<>();
    for (String record : csv.outLines().subList(1, csv.outLines().size())) {
      // The columns up to policies never hold a comma; sql and rewritten_sql come last.
      records.add(List.of(record.split(",", AuditExport.CSV_COLUMNS.indexOf("sql") + 1)));
    }
    assertEquals(field(workload, "/event_id"), column(records, "event_id"));
    assertEquals(List.of("alice", "alice", "dave", "bob"), column(records, "user"));
    assertEquals(List.of("allow", "allow", "allow", "deny"), column(records, "decision"));
    assertEquals(List.of("ok", "ok", "ok", "denied"), column(records, "outcome_status"));
    assertEquals(List.of("", "", "", "42501"), column(records, "sql_state"));
    assertEquals(List.of("1", "1", "1", "0"), column(records, "rows"), "count(*) returns one row");
    assertEquals(List.of(CUSTOMERS, CUSTOMERS, CUSTOMERS, CUSTOMERS), column(records, "relations"));

    assertEquals(List.of("alice", "alice"),
        field(exportJsonLines(log, "--relation", CUSTOMERS, "--user", "alice"), "/user"));
    assertEquals(List.of("bob"), field(exportJsonLines(log, "--decision", "deny"), "/user"));
    // Within the workload's time, the allowed statements of every domain (pgjdbc's own
    // SET application_name needs no decision and is left out).
    List<JsonNode> allowed = exportJsonLines(log, "--decision", "allow",
        "--from", before.toString(), "--to", after.plusSeconds(1).toString());
    assertEquals(List.of("alice", "alice", "dave", "carol"), field(allowed, "/user"));
    assertEquals(List.of(COUNT_CUSTOMERS, COUNT_CUSTOMERS, COUNT_CUSTOMERS, COUNT_STORES), field(allowed, "/sql"));
  }

  private static void count(String user, String sql) throws SQLException {
    try (Connection connection = mesh.connect(user);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
    }
  }

  /** The log's events of the customers data product, in log order. */
  private static List<JsonNode> customersEvents() throws IOException {
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.environment().auditFile(), StandardCharsets.UTF_8)) {
      JsonNode event = JSON.readTree(line);
      for (JsonNode relation : event.path("relations")) {
        if (relation.path("relation").asText().equals(CUSTOMERS)) {
          events.add(event);
          break;
        }
      }
    }
    return events;
  }

  private static List<JsonNode> exportJsonLines(String log, String... filter) throws IOException {
    List<String> args = new ArrayList<>(List.of("audit", "export", "--file", log, "--format", "jsonl"));
    args.addAll(List.of(filter));
    CommandRun run = CommandRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.toString());
    List<JsonNode> events = new ArrayList<>();
    for (String line : run.outLines()) {
      events.add(JSON.readTree(line));
    }
    return events;
  }

  private static List<String> field(List<JsonNode> events, String pointer) {
    return events.stream().map(event -> event.at(pointer).asText()).toList();
  }

  private static List<String> column(List<List<String>> records, String name) {
    int index = AuditExport.CSV_COLUMNS.indexOf(name);
    return records.stream().map(record -> record.get(index)).toList();
  }

  /** Events by the UTC day of their time: a run across midnight makes two rows. */
  private static Map<LocalDate, List<JsonNode>> byDay(List<JsonNode> events) {
    Map<LocalDate, List<JsonNode>> days = new TreeMap<>();
    for (JsonNode event : events) {
      LocalDate day = LocalDate.ofInstant(Instant.parse(event.path("time").asText()), ZoneOffset.UTC);
      days.computeIfAbsent(day, ignored -> new ArrayList<>()).add(event);
    }
    return days;
  }

  /** The documented nearest-rank percentile: the duration at rank ⌈p·n/100⌉, ascending. */
  private static long nearestRank(List<JsonNode> events, int percentile) {
    List<Long> durations = events.stream()
        .map(event -> event.at("/outcome/duration_micros").longValue()).sorted().toList();
    int rank = (int) Math.ceil(percentile * durations.size() / 100.0);
    return durations.get(rank - 1);
  }

  private static String millis(long micros) {
    return BigDecimal.valueOf(micros, 3).toPlainString();
  }
}
