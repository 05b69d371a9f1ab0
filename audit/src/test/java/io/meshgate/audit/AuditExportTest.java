package io.meshgate.audit;

import static io.meshgate.audit.EventBuilder.event;
import static io.meshgate.audit.EventBuilder.id;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditExport.Format;
import io.meshgate.audit.AuditSinkOptions.Fsync;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditExportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Commas, double quotes and a line break: every reason RFC 4180 has to quote. */
  private static final String TRICKY_SQL =
      "select \"name\", 'a,b' from hr.employees\nwhere note = 'say \"hi\"'";

  /** A CR LF pair inside a field must come back as it was. */
  private static final String CRLF_SQL = "insert into sales.orders\r\nselect * from staging";

  @TempDir Path directory;
  private Path log;

  /**
   * Seven events over three days, written with small files so an export spans several of them:
   *
   * <pre>
   *  n  user   time                  decision          relations
   *  1  alice  2026-11-20T09:00:00Z  allow             mesh.sales.orders
   *  2  bob    2026-11-20T10:00:00Z  deny              mesh.sales.orders, mesh.hr.employees
   *  3  alice  2026-11-20T12:00:00Z  none (utility)    -
   *  4  carol  2026-11-21T00:00:00Z  allow             mesh.hr.employees
   *  5  alice  2026-11-21T08:30:00Z  deny (DROP TABLE) mesh.hr.employees
   *  6  bob    2026-11-21T09:00:00Z  allow             mesh.sales.orders (read and insert)
   *  7  alice  2026-11-22T00:00:00Z  none (refused)    -
   * </pre>
   */
  @BeforeEach
  void writeLog() throws Exception {
    log = directory.resolve("audit.jsonl");
    List<AuditEvent> events =
        List.of(
            event().number(1).user("alice").time("2026-11-20T09:00:00Z").allowed()
                .reads("mesh.sales.orders").sql("select a, b from sales.orders").build(),
            event().number(2).user("bob").groups("analysts", "hr").time("2026-11-20T10:00:00Z")
                .denied().reads("mesh.sales.orders").reads("mesh.hr.employees").sql(TRICKY_SQL)
                .build(),
            event().number(3).user("alice").time("2026-11-20T12:00:00Z").withoutDecision()
                .sql("SET search_path = sales").build(),
            event().number(4).user("carol").time("2026-11-21T00:00:00Z").allowed()
                .reads("mesh.hr.employees").build(),
            event().number(5).user("alice").time("2026-11-21T08:30:00Z").denied()
                .ddl("drop_table").touches("mesh.hr.employees", "ddl")
                .sql("drop table hr.employees").build(),
            event().number(6).user("bob").time("2026-11-21T09:00:00Z").allowed()
                .touches("mesh.sales.orders", "read").touches("mesh.sales.orders", "insert")
                .sql(CRLF_SQL).build(),
            event().number(7).user("alice").time("2026-11-22T00:00:00Z").refusedWithoutDecision()
                .sql("selec oops").build());
    AuditSinkOptions smallFiles = SampleEvents.options(Fsync.NEVER).withMaxFileBytes(1_500);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(log, smallFiles)) {
      for (AuditEvent event : events) {
        sink.append(event).get(10, SECONDS);
      }
    }
    assertTrue(AuditLog.of(log).rotatedFiles().size() >= 3, "the export spans several files");
  }

  @Test
  void withoutFiltersEveryEventIsExportedInOrder() throws Exception {
    assertExported(AuditFilter.all(), 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void fromIsInclusive() throws Exception {
    assertExported(
        AuditFilter.all().withFrom(Instant.parse("2026-11-20T12:00:00Z")), 3, 4, 5, 6, 7);
  }

  @Test
  void toIsExclusive() throws Exception {
    assertExported(AuditFilter.all().withTo(Instant.parse("2026-11-21T00:00:00Z")), 1, 2, 3);
  }

  @Test
  void fromAndToMakeAHalfOpenRange() throws Exception {
    assertExported(
        AuditFilter.all()
            .withFrom(Instant.parse("2026-11-20T12:00:00Z"))
            .withTo(Instant.parse("2026-11-21T09:00:00Z")),
        3, 4, 5);
  }

  @Test
  void theTimeFilterSeesMicroseconds() throws Exception {
    assertExported(
        AuditFilter.all().withFrom(Instant.parse("2026-11-21T08:59:59.999999Z")), 6, 7);
    assertExported(
        AuditFilter.all().withFrom(Instant.parse("2026-11-21T09:00:00.000001Z")), 7);
  }

  @Test
  void userMatchesExactly() throws Exception {
    assertExported(AuditFilter.all().withUser("alice"), 1, 3, 5, 7);
    assertExported(AuditFilter.all().withUser("ALICE"));
  }

  @Test
  void relationMatchesAnyRelationEntry() throws Exception {
    assertExported(AuditFilter.all().withRelation("mesh.hr.employees"), 2, 4, 5);
    assertExported(AuditFilter.all().withRelation("mesh.sales.orders"), 1, 2, 6);
    assertExported(AuditFilter.all().withRelation("mesh.sales"));
  }

  @Test
  void decisionTellsAllowDenyAndNone() throws Exception {
    assertExported(AuditFilter.all().withDecision(DecisionKind.ALLOW), 1, 4, 6);
    assertExported(AuditFilter.all().withDecision(DecisionKind.DENY), 2, 5);
    assertExported(AuditFilter.all().withDecision(DecisionKind.NONE), 3, 7);
  }

  @Test
  void filtersCombine() throws Exception {
    assertExported(
        AuditFilter.all()
            .withUser("alice")
            .withRelation("mesh.hr.employees")
            .withDecision(DecisionKind.DENY),
        5);
    assertExported(
        AuditFilter.all().withUser("bob").withFrom(Instant.parse("2026-11-21T00:00:00Z")), 6);
    assertExported(
        AuditFilter.all()
            .withUser("alice")
            .withDecision(DecisionKind.NONE)
            .withTo(Instant.parse("2026-11-22T00:00:00Z")),
        3);
    assertExported(AuditFilter.all().withUser("carol").withDecision(DecisionKind.DENY));
  }

  @Test
  void anEmptyOrBackwardsRangeIsRefused() {
    Instant instant = Instant.parse("2026-11-21T00:00:00Z");
    assertThrows(
        IllegalArgumentException.class, () -> AuditFilter.all().withFrom(instant).withTo(instant));
    assertThrows(
        IllegalArgumentException.class,
        () -> AuditFilter.all().withTo(instant).withFrom(instant.plusSeconds(1)));
  }

  @Test
  void decisionWordsAreParsedStrictly() {
    assertEquals(DecisionKind.DENY, DecisionKind.fromWireName("deny"));
    assertEquals("none", DecisionKind.NONE.wireName());
    assertThrows(IllegalArgumentException.class, () -> DecisionKind.fromWireName("denied"));
  }

  @Test
  void jsonLinesAreTheStoredLinesUnchanged() throws Exception {
    List<String> stored = storedLines();

    String exported = exportJsonLines(AuditFilter.all().withRelation("mesh.hr.employees"));

    assertEquals(
        stored.get(1) + "\n" + stored.get(3) + "\n" + stored.get(4) + "\n", exported);
  }

  @Test
  void anUnfilteredJsonLinesExportVerifiesAsOneChain() throws Exception {
    Path copy = directory.resolve("copy.jsonl.out");
    Files.writeString(copy, exportJsonLines(AuditFilter.all()));

    VerificationResult result = AuditChainVerifier.verify(copy);

    assertTrue(result.intact(), result::toString);
    assertEquals(7, result.eventsChecked());
  }

  @Test
  void aFilteredJsonLinesExportDoesNotVerify() throws Exception {
    Path copy = directory.resolve("copy.jsonl.out");
    Files.writeString(copy, exportJsonLines(AuditFilter.all().withUser("bob")));

    VerificationResult result = AuditChainVerifier.verify(copy);

    assertFalse(result.intact());
    assertTrue(result.problem().startsWith("seq gap: expected 1, found 2"), result::toString);
  }

  @Test
  void jsonLinesToAWriterMatchBytes() throws Exception {
    StringWriter writer = new StringWriter();

    long count = AuditExport.export(AuditLog.of(log), AuditFilter.all(), Format.JSONL, writer);

    assertEquals(7, count);
    assertEquals(exportJsonLines(AuditFilter.all()), writer.toString());
  }

  @Test
  void csvHasTheDocumentedColumnsAndQuotesWhatNeedsIt() throws Exception {
    String csv = exportCsv(AuditFilter.all().withUser("bob"));

    String expected =
        "time,event_id,session_id,user,groups,client_address,application_name,database,"
            + "statement_kind,decision,outcome_status,sql_state,rows,bytes,duration_micros,"
            + "relations,policies,sql,rewritten_sql,ddl_action,"
            + "transaction,transaction_statement,transaction_outcome\r\n"
            // Event 2: denied, so no rewritten SQL; both relations; the SQL quoted; not DDL.
            + "2026-11-20T10:00:00.000000Z," + id(2) + ",session-1,bob,analysts;hr,10.1.2.3,"
            + "psql,mesh,select,deny,denied,42501,0,0,1000,mesh.sales.orders;mesh.hr.employees,"
            + "global.default_deny,"
            + "\"select \"\"name\"\", 'a,b' from hr.employees\nwhere note = 'say \"\"hi\"\"'\","
            + ",,,,unknown\r\n"
            // Event 6: one relation read and written appears once; CR LF kept inside quotes.
            + "2026-11-21T09:00:00.000000Z," + id(6) + ",session-1,bob,analysts,10.1.2.3,"
            + "psql,mesh,select,allow,ok,,2,64,1000,mesh.sales.orders,sales.readers;global.pii,"
            + "\"insert into sales.orders\r\nselect * from staging\","
            + "\"/* rewritten */ insert into sales.orders\r\nselect * from staging\",,,,unknown\r\n";
    assertEquals(expected, csv);
  }

  @Test
  void csvEndsWithTheDdlActionOfADdlStatementAndNoneForOthers() throws Exception {
    String csv =
        exportCsv(AuditFilter.all().withUser("alice").withFrom(Instant.parse("2026-11-21T00:00:00Z")));

    String expected =
        "time,event_id,session_id,user,groups,client_address,application_name,database,"
            + "statement_kind,decision,outcome_status,sql_state,rows,bytes,duration_micros,"
            + "relations,policies,sql,rewritten_sql,ddl_action,"
            + "transaction,transaction_statement,transaction_outcome\r\n"
            // Event 5: a DROP TABLE the policy refused still names its action.
            + "2026-11-21T08:30:00.000000Z," + id(5) + ",session-1,alice,analysts,10.1.2.3,"
            + "psql,mesh,ddl,deny,denied,42501,0,0,1000,mesh.hr.employees,global.default_deny,"
            + "drop table hr.employees,,drop_table,,,unknown\r\n"
            // Event 7: refused before a decision, and not DDL: no action.
            + "2026-11-22T00:00:00.000000Z," + id(7) + ",session-1,alice,analysts,10.1.2.3,"
            + "psql,mesh,select,none,denied,42601,0,0,1000,,,selec oops,,,,,unknown\r\n";
    assertEquals(expected, csv);
  }

  @Test
  void csvReadsBackToTheEventsFields() throws Exception {
    List<List<String>> records = Rfc4180.parse(exportCsv(AuditFilter.all()));

    assertEquals(AuditExport.CSV_COLUMNS, records.get(0));
    assertEquals(8, records.size());
    int sql = AuditExport.CSV_COLUMNS.indexOf("sql");
    int decision = AuditExport.CSV_COLUMNS.indexOf("decision");
    int outcome = AuditExport.CSV_COLUMNS.indexOf("outcome_status");
    int sqlState = AuditExport.CSV_COLUMNS.indexOf("sql_state");
    List<String> sqls = new ArrayList<>();
    for (List<String> record : records.subList(1, records.size())) {
      assertEquals(AuditExport.CSV_COLUMNS.size(), record.size(), record::toString);
      sqls.add(record.get(sql));
    }
    assertEquals(
        List.of(
            "select a, b from sales.orders", TRICKY_SQL, "SET search_path = sales", "select 1",
            "drop table hr.employees", CRLF_SQL, "selec oops"),
        sqls);
    List<String> refusedWithoutDecision = records.get(7);
    assertEquals("none", refusedWithoutDecision.get(decision));
    assertEquals("denied", refusedWithoutDecision.get(outcome));
    assertEquals("42601", refusedWithoutDecision.get(sqlState));
  }

  @Test
  void csvToAByteStreamIsUtf8() throws Exception {
    Path unicodeLog = directory.resolve("unicode.jsonl");
    String sql = "select 'Zoë 😀' from t";
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(unicodeLog, SampleEvents.options(Fsync.NEVER))) {
      sink.append(event().sql(sql).build()).get(10, SECONDS);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    AuditExport.export(AuditLog.of(unicodeLog), AuditFilter.all(), Format.CSV, bytes);

    List<List<String>> records = Rfc4180.parse(bytes.toString(StandardCharsets.UTF_8));
    assertEquals(sql, records.get(1).get(AuditExport.CSV_COLUMNS.indexOf("sql")));
  }

  @Test
  void aLineBeingWrittenAtTheEndOfTheActiveFileIsLeftOut() throws Exception {
    byte[] partial =
        "{\"schema_version\":1,\"seq\":8,\"prev_hash\":\"".getBytes(StandardCharsets.UTF_8);
    Files.write(log, partial, StandardOpenOption.APPEND);

    assertExported(AuditFilter.all(), 1, 2, 3, 4, 5, 6, 7);
  }

  @Test
  void aDamagedLineStopsTheExportAndSaysWhere() throws Exception {
    Path first = AuditLog.of(log).rotatedFiles().get(0);
    List<String> lines = Files.readAllLines(first);
    lines.set(0, "not an event");
    Files.write(first, lines);

    AuditException.DamagedLog damaged =
        assertThrows(AuditException.DamagedLog.class, () -> exportJsonLines(AuditFilter.all()));

    assertTrue(damaged.getMessage().contains(first + " line 1"), damaged.getMessage());
    assertEquals("XX001", damaged.sqlState());
  }

  private void assertExported(AuditFilter filter, int... expectedNumbers) throws Exception {
    List<String> expected = new ArrayList<>();
    for (int number : expectedNumbers) {
      expected.add(id(number));
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();

    long count = AuditExport.export(AuditLog.of(log), filter, Format.JSONL, output);

    List<String> exported = new ArrayList<>();
    for (String line : output.toString(StandardCharsets.UTF_8).split("\n", -1)) {
      if (!line.isEmpty()) {
        exported.add(JSON.readTree(line).get("event_id").textValue());
      }
    }
    assertEquals(expected, exported, filter::toString);
    assertEquals(expected.size(), count);
    // The same filter gives the same events as CSV.
    List<List<String>> records = Rfc4180.parse(exportCsv(filter));
    List<String> csvIds =
        records.subList(1, records.size()).stream()
            .map(record -> record.get(AuditExport.CSV_COLUMNS.indexOf("event_id")))
            .toList();
    assertEquals(expected, csvIds, filter::toString);
  }

  private String exportJsonLines(AuditFilter filter) throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    AuditExport.export(AuditLog.of(log), filter, Format.JSONL, output);
    return output.toString(StandardCharsets.UTF_8);
  }

  private String exportCsv(AuditFilter filter) throws Exception {
    StringWriter writer = new StringWriter();
    AuditExport.export(AuditLog.of(log), filter, Format.CSV, writer);
    return writer.toString();
  }

  private List<String> storedLines() throws Exception {
    List<String> lines = new ArrayList<>();
    for (Path file : AuditLog.of(log).files()) {
      lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
    }
    return lines;
  }
}
