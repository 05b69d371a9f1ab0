package io.meshgate.audit;

import static io.meshgate.audit.EventBuilder.event;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.audit.AuditSinkOptions.Fsync;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditUsageTest {

  // The order events are written in, so that the percentiles must sort: S_i lasts
  // 100 µs × SHUFFLED[i - 1].
  private static final int[] SHUFFLED = {
    20, 1, 19, 2, 18, 3, 17, 4, 16, 5, 15, 6, 14, 7, 13, 8, 12, 9, 11, 10
  };

  private static final UsageRow HR_DAY_ONE =
      new UsageRow("mesh.hr.employees", LocalDate.parse("2026-11-20"), 3, 2, 1, 20, 2_000);
  private static final UsageRow SALES_DAY_ONE =
      new UsageRow("mesh.sales.orders", LocalDate.parse("2026-11-20"), 20, 3, 2, 1_000, 1_900);
  private static final UsageRow SALES_DAY_TWO =
      new UsageRow("mesh.sales.orders", LocalDate.parse("2026-11-21"), 3, 1, 1, 3_000, 5_000);
  private static final UsageRow ODD_NAME =
      new UsageRow("weird_relation", LocalDate.parse("2026-11-20"), 1, 1, 0, 7, 7);

  @TempDir Path directory;
  private AuditLog instanceA;
  private AuditLog instanceB;

  /**
   * Two instances' logs.
   *
   * <p>Instance A: S1..S20 read mesh.sales.orders on 2026-11-20 (S20 at 23:59:59.999999, and
   * read and written), users alice (S1..S10), bob (S11..S19), carol (S20), S5 and S15 denied,
   * S1 also reads mesh.hr.employees; T1..T3 by dave on 2026-11-21 (T1 at midnight, T2 refused
   * without a decision), lasting 5, 1 and 3 ms; one read of {@code weird_relation}, 7 µs; one
   * utility statement without relations. Instance B: H1, H2 by bob read mesh.hr.employees on
   * 2026-11-20, lasting 10 and 20 µs, H2 denied.
   *
   * <p>So mesh.sales.orders on the 20th: 20 queries, 3 users, 2 denials, durations 100..2000 µs:
   * median at rank 10 = 1000 µs, p95 at rank 19 = 1900 µs. On the 21st: sorted 1000, 3000, 5000:
   * median rank 2 = 3000, p95 rank ⌈2.85⌉ = 3 = 5000. mesh.hr.employees on the 20th: S1 (2000
   * µs), H1, H2: sorted 10, 20, 2000: median rank 2 = 20, p95 rank 3 = 2000.
   */
  @BeforeEach
  void writeLogs() throws Exception {
    List<AuditEvent> eventsA = new ArrayList<>();
    Instant morning = Instant.parse("2026-11-20T01:00:00Z");
    for (int number = 1; number <= 20; number++) {
      EventBuilder sales =
          event()
              .user(number <= 10 ? "alice" : number <= 19 ? "bob" : "carol")
              .time(number == 20
                  ? Instant.parse("2026-11-20T23:59:59.999999Z")
                  : morning.plusSeconds(60L * number))
              .durationMicros(100L * SHUFFLED[number - 1])
              .reads("mesh.sales.orders");
      if (number == 5 || number == 15) {
        sales.denied();
      }
      if (number == 1) {
        sales.reads("mesh.hr.employees");
      }
      if (number == 20) {
        sales.touches("mesh.sales.orders", "insert");
      }
      eventsA.add(sales.build());
    }
    eventsA.add(event().user("dave").time("2026-11-21T00:00:00Z").durationMicros(5_000)
        .reads("mesh.sales.orders").build());
    eventsA.add(event().user("dave").time("2026-11-21T12:00:00Z").durationMicros(1_000)
        .refusedWithoutDecision().reads("mesh.sales.orders").build());
    eventsA.add(event().user("dave").time("2026-11-21T23:00:00Z").durationMicros(3_000)
        .reads("mesh.sales.orders").build());
    eventsA.add(event().user("alice").time("2026-11-20T05:00:00Z").durationMicros(7)
        .reads("weird_relation").build());
    eventsA.add(event().user("alice").time("2026-11-20T06:00:00Z").withoutDecision().build());
    instanceA = write("a.jsonl", eventsA);
    instanceB =
        write(
            "b.jsonl",
            List.of(
                event().user("bob").time("2026-11-20T08:00:00Z").durationMicros(10)
                    .reads("mesh.hr.employees").build(),
                event().user("bob").time("2026-11-20T09:00:00Z").durationMicros(20).denied()
                    .reads("mesh.hr.employees").build()));
  }

  @Test
  void rowsPerRelationAndDayAcrossInstances() throws Exception {
    UsageReport report = AuditUsage.report(List.of(instanceA, instanceB), Optional.empty());

    assertEquals(List.of(HR_DAY_ONE, SALES_DAY_ONE, SALES_DAY_TWO, ODD_NAME), report.rows());
  }

  @Test
  void oneInstanceAlone() throws Exception {
    UsageReport report = AuditUsage.report(instanceB, Optional.empty());

    assertEquals(
        List.of(new UsageRow("mesh.hr.employees", LocalDate.parse("2026-11-20"), 2, 1, 1, 10, 20)),
        report.rows());
  }

  @Test
  void aDomainKeepsOnlyItsSchema() throws Exception {
    List<AuditLog> logs = List.of(instanceA, instanceB);

    assertEquals(
        List.of(SALES_DAY_ONE, SALES_DAY_TWO),
        AuditUsage.report(logs, Optional.of("sales")).rows());
    assertEquals(List.of(HR_DAY_ONE), AuditUsage.report(logs, Optional.of("hr")).rows());
    assertEquals(List.of(), AuditUsage.report(logs, Optional.of("mesh")).rows());
    assertEquals(List.of(), AuditUsage.report(logs, Optional.of("weird_relation")).rows());
  }

  @Test
  void millisecondsAreExact() {
    assertEquals(new BigDecimal("0.020"), HR_DAY_ONE.medianDurationMillis());
    assertEquals(new BigDecimal("1.900"), SALES_DAY_ONE.p95DurationMillis());
  }

  @Test
  void theTextTableAlignsColumns() throws Exception {
    UsageReport report = AuditUsage.report(List.of(instanceA, instanceB), Optional.empty());

    assertEquals(
        """
        relation           day         queries  distinct_users  denials  median_ms  p95_ms
        mesh.hr.employees  2026-11-20        3               2        1      0.020   2.000
        mesh.sales.orders  2026-11-20       20               3        2      1.000   1.900
        mesh.sales.orders  2026-11-21        3               1        1      3.000   5.000
        weird_relation     2026-11-20        1               1        0      0.007   0.007
        """,
        report.renderText());
  }

  @Test
  void theCsvHasAHeaderAndOneRecordPerRow() throws Exception {
    UsageReport report = AuditUsage.report(List.of(instanceA, instanceB), Optional.of("sales"));

    assertEquals(
        "relation,day,queries,distinct_users,denials,median_ms,p95_ms\r\n"
            + "mesh.sales.orders,2026-11-20,20,3,2,1.000,1.900\r\n"
            + "mesh.sales.orders,2026-11-21,3,1,1,3.000,5.000\r\n",
        report.renderCsv());
  }

  @Test
  void anEmptyReportRendersItsHeader() {
    UsageReport empty = new UsageReport(List.of());

    assertEquals(
        "relation  day  queries  distinct_users  denials  median_ms  p95_ms\n",
        empty.renderText());
    assertEquals(
        "relation,day,queries,distinct_users,denials,median_ms,p95_ms\r\n", empty.renderCsv());
  }

  @Test
  void nearestRankPicksAnObservedValue() {
    assertEquals(7, AuditUsage.nearestRank(new long[] {7}, 1, 50));
    assertEquals(7, AuditUsage.nearestRank(new long[] {7}, 1, 95));
    // Even count: the median is the lower middle value, not an average.
    assertEquals(1, AuditUsage.nearestRank(new long[] {1, 2}, 2, 50));
    assertEquals(2, AuditUsage.nearestRank(new long[] {1, 2}, 2, 95));
    long[] oneToHundred = LongStream.rangeClosed(1, 100).toArray();
    assertEquals(50, AuditUsage.nearestRank(oneToHundred, 100, 50));
    assertEquals(95, AuditUsage.nearestRank(oneToHundred, 100, 95));
    assertEquals(10, AuditUsage.nearestRank(oneToHundred, 10, 95));
    assertEquals(19, AuditUsage.nearestRank(oneToHundred, 20, 95));
    assertEquals(20, AuditUsage.nearestRank(oneToHundred, 21, 95));
    // Rank ⌈10.45⌉ = 11: rounded up, never to the nearest, so p95 is never below 95 %.
    assertEquals(11, AuditUsage.nearestRank(oneToHundred, 11, 95));
    assertEquals(30, AuditUsage.nearestRank(oneToHundred, 31, 95));
    assertThrows(IllegalArgumentException.class, () -> AuditUsage.nearestRank(new long[0], 0, 50));
  }

  @Test
  void theSchemaIsTheMiddleOfThreeParts() {
    assertEquals(Optional.of("sales"), AuditUsage.schemaOf("mesh.sales.orders"));
    assertEquals(Optional.empty(), AuditUsage.schemaOf("sales.orders"));
    assertEquals(Optional.empty(), AuditUsage.schemaOf("a.b.c.d"));
  }

  private AuditLog write(String name, List<AuditEvent> events) throws Exception {
    Path file = directory.resolve(name);
    // Small files: the report reads across rotated files.
    AuditSinkOptions options = SampleEvents.options(Fsync.NEVER).withMaxFileBytes(4_000);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(file, options)) {
      for (AuditEvent event : events) {
        sink.append(event).get(10, SECONDS);
      }
    }
    return AuditLog.of(file);
  }
}
