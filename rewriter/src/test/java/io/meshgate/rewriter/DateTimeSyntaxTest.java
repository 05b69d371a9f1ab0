package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RowFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Date/time syntax BI tools send that Calcite does not read or writes its own way: {@code x AT
 * TIME ZONE z} (a carrier, with PostgreSQL's precedence), {@code CURRENT_TIMESTAMP(p)} and its
 * kin (PostgreSQL keywords, not functions), and {@code (a, b) OVERLAPS (c, d)} (Calcite writes
 * {@code PERIOD (a, b)}). {@code DateTimeSyntaxIT} runs these texts on PostgreSQL.
 */
class DateTimeSyntaxTest {
  private static final String LOG = "mesh.events.log";

  private final StatementAnalyzer analyzer = new StatementAnalyzer(
      new DemoCatalog().add("events", "log", "id", "integer", "at", "timestamp with time zone",
          "local_at", "timestamp without time zone", "zone", "text", "email", "text"),
      DemoCatalog.DATABASE);

  /** The forwarded select list of {@code select <expression> from (values ...) t(...)}. */
  private String passthrough(String expression) throws SqlRefusal {
    return new ForwardedSelectList(analyzer,
        " from (values (now(), localtimestamp, 'UTC', 1)) as t(at, local_at, zone, n)",
        " FROM (VALUES (now(), LOCALTIMESTAMP, 'UTC', 1)) AS \"t\" (\"at\", \"local_at\","
            + " \"zone\", \"n\")").of(expression);
  }

  private String rewrite(String sql, Decision decision) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(decision);
  }

  static Stream<Arguments> roundTrips() {
    return Stream.of(
        arguments("now() at time zone 'UTC'", "(now() AT TIME ZONE 'UTC')"),
        arguments("at AT TIME ZONE zone", "(\"at\" AT TIME ZONE \"zone\")"),
        arguments("at\n  at  time\tzone 'UTC'", "(\"at\" AT TIME ZONE 'UTC')"),
        arguments("at at /* c */ time zone 'UTC'", "(\"at\" AT TIME ZONE 'UTC')"),
        // left associative
        arguments("local_at at time zone 'UTC' at time zone 'Asia/Tokyo'",
            "((\"local_at\" AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Tokyo')"),
        // tighter than + - * / % ^ and any other operator, on either side
        arguments("local_at at time zone 'UTC' + interval '1 hour'",
            "((\"local_at\" AT TIME ZONE 'UTC') + CAST('1 hour' AS \"interval\"))"),
        arguments("interval '1 hour' + local_at at time zone 'UTC'",
            "(CAST('1 hour' AS \"interval\") + (\"local_at\" AT TIME ZONE 'UTC'))"),
        arguments("2 * n at time zone 'UTC'", "(2 * (\"n\" AT TIME ZONE 'UTC'))"),
        arguments("n ^ n at time zone 'UTC' ^ n", "((\"n\" ^ (\"n\" AT TIME ZONE 'UTC')) ^ \"n\")"),
        arguments("'x' || at at time zone zone || 'y'",
            "(('x' || (\"at\" AT TIME ZONE \"zone\")) || 'y')"),
        arguments("at at time zone 'UTC' ->> 'k'", "((\"at\" AT TIME ZONE 'UTC') ->> 'k')"),
        // looser than :: and unary minus; the zone is an operand like any other
        arguments("at::timestamp at time zone 'UTC'",
            "(CAST(\"at\" AS TIMESTAMP) AT TIME ZONE 'UTC')"),
        arguments("at at time zone zone::text", "(\"at\" AT TIME ZONE CAST(\"zone\" AS \"text\"))"),
        arguments("-n at time zone 'UTC'", "((- \"n\") AT TIME ZONE 'UTC')"),
        arguments("at at time zone lower('UTC')", "(\"at\" AT TIME ZONE lower('UTC'))"),
        arguments("(at at time zone 'UTC')::date", "CAST((\"at\" AT TIME ZONE 'UTC') AS DATE)"),
        arguments("at at time zone ('U' || 'TC')", "(\"at\" AT TIME ZONE ('U' || 'TC'))"),
        // comparisons, IS, BETWEEN looser
        arguments("at at time zone 'UTC' > local_at", "((\"at\" AT TIME ZONE 'UTC') > \"local_at\")"),
        arguments("at at time zone 'UTC' is null", "((\"at\" AT TIME ZONE 'UTC') IS NULL)"),
        arguments("date_trunc('day', at at time zone 'Europe/Paris')",
            "(DATE_TRUNC('day', (\"at\" AT TIME ZONE 'Europe/Paris')))"),
        arguments("extract(hour from at at time zone 'UTC')",
            "EXTRACT(HOUR FROM (\"at\" AT TIME ZONE 'UTC'))"),
        // a column called at stays a column
        arguments("t.at", "\"t\".\"at\""),
        // the precision forms are PostgreSQL keywords
        arguments("current_timestamp(0)", "CURRENT_TIMESTAMP(0)"),
        arguments("localtimestamp(3)", "LOCALTIMESTAMP(3)"),
        arguments("current_time(2)", "CURRENT_TIME(2)"),
        arguments("localtime(0)", "LOCALTIME(0)"),
        arguments("CURRENT_TIMESTAMP (6) at time zone 'UTC'",
            "(CURRENT_TIMESTAMP(6) AT TIME ZONE 'UTC')"),
        arguments("current_timestamp, localtimestamp, current_time, localtime, current_date",
            "CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_TIME, LOCALTIME, CURRENT_DATE"),
        // OVERLAPS in PostgreSQL's spelling
        arguments("(DATE '2020-01-01', DATE '2020-02-01') OVERLAPS (DATE '2020-01-15', DATE '2020-03-01')",
            "((DATE '2020-01-01', DATE '2020-02-01') OVERLAPS (DATE '2020-01-15', DATE '2020-03-01'))"),
        arguments("(at, interval '1 day') overlaps (local_at, local_at at time zone 'UTC')",
            "((\"at\", CAST('1 day' AS \"interval\")) OVERLAPS (\"local_at\","
                + " (\"local_at\" AT TIME ZONE 'UTC')))"),
        arguments("ROW(DATE '2020-01-01', DATE '2020-02-01') OVERLAPS ROW(at, local_at)",
            "((DATE '2020-01-01', DATE '2020-02-01') OVERLAPS (\"at\", \"local_at\"))"),
        arguments("(at, at) overlaps (at, at) and n = 1",
            "(((\"at\", \"at\") OVERLAPS (\"at\", \"at\")) AND (\"n\" = 1))"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void roundTrips(String expression, String expected) throws SqlRefusal {
    assertEquals(expected, passthrough(expression));
  }

  @Test
  void theColumnsBeneathAreReferenced() throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(
        "select id from events.log where at at time zone zone > current_timestamp(0)"
            + " and (local_at, local_at) overlaps (now(), now())",
        DemoCatalog.SEARCH_PATH);
    RelationAccess log = statement.relations().getFirst();
    assertEquals(Set.of("id", "at", "zone", "local_at"), Set.copyOf(log.referencedColumns()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select at at time zone 'UTC' from events.log",
      "select id from events.log where now() at time zone zone > local_at",
      "select id from events.log order by local_at at time zone 'UTC' at time zone zone",
      "select id from events.log where (at, at) overlaps (now(), now())"})
  void aDeniedColumnIsStillRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> rewrite(sql, Decisions.allow().deny(LOG, "at", "zone").build()), sql);
    assertEquals("42501", refusal.sqlState());
  }

  @Test
  void theOperatorSeesTheMaskedAndFilteredValue() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .relation(LOG,
            List.of(new RowFilter.Comparison("id", FilterOperator.EQUAL, List.of("1"))),
            Map.of("at", new ColumnMask.Null()), Set.of())
        .build();
    assertEquals("SELECT (\"l\".\"at\" AT TIME ZONE 'UTC') FROM (SELECT \"id\","
            + " CAST(NULL AS timestamp with time zone) AS \"at\", \"local_at\", \"zone\", \"email\""
            + " FROM \"events\".\"log\" WHERE (\"id\" = '1') OFFSET 0) AS \"l\""
            + " WHERE ((\"l\".\"at\", \"l\".\"at\") OVERLAPS (CURRENT_TIMESTAMP(0), \"l\".\"local_at\"))",
        rewrite("select l.at at time zone 'UTC' from events.log l"
            + " where (l.at, l.at) overlaps (current_timestamp(0), l.local_at)", decision));
  }

  @Test
  void policyExpressionsMayUseAtTimeZone() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .filter(LOG, new RowFilter.Expression(
            "extract(hour from at at time zone 'Europe/Paris') between 8 and 18"))
        .build();
    assertEquals("SELECT \"id\" FROM (SELECT \"id\", \"at\", \"local_at\", \"zone\", \"email\""
            + " FROM \"events\".\"log\" WHERE (EXTRACT(HOUR FROM (\"at\" AT TIME ZONE 'Europe/Paris'))"
            + " BETWEEN ASYMMETRIC 8 AND 18) OFFSET 0) AS \"log\"",
        rewrite("select id from events.log", decision));
  }

  @ParameterizedTest
  @ValueSource(strings = {"select at at local from events.log",
      "select id from events.log where local_at AT LOCAL > now()"})
  void atLocalIsRefusedNamingTheFix(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH));
    assertEquals("0A000", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("AT TIME ZONE current_setting('TimeZone')"),
        refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"select at at time zone from events.log",
      "select at time zone 'UTC' from events.log", "select at at time 'UTC' from events.log"})
  void incompleteFormsAreSyntaxErrors(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH));
    assertEquals("42601", refusal.sqlState());
    assertFalse(refusal.getMessage().isEmpty());
  }
}
