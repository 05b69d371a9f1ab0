package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for {@code AT TIME ZONE}, {@code
 * CURRENT_TIMESTAMP(p)} and its kin, and {@code OVERLAPS} returns what the client's own text
 * returns: PostgreSQL reads the forwarded spelling, and {@code AT TIME ZONE} keeps the grouping
 * PostgreSQL gives the client's text.
 */
class DateTimeSyntaxIT {
  private static final String SCHEMA = """
      CREATE SCHEMA events;
      CREATE TABLE events.log (id integer, at timestamptz, local_at timestamp, zone text, n integer,
        starts date, ends date);
      INSERT INTO events.log VALUES
        (1, '2024-03-31 00:30:00+00', '2024-03-31 00:30:00', 'Europe/Paris', 2, '2024-01-01', '2024-02-01'),
        (2, '2024-10-27 01:30:00+00', '2024-10-27 02:30:00', 'Asia/Tokyo', 3, '2024-01-15', '2024-03-01'),
        (3, '2023-12-31 23:59:59.987654+00', '2023-12-31 23:59:59.987654', 'America/New_York', 1, '2024-02-01', '2024-02-01'),
        (4, NULL, NULL, NULL, NULL, NULL, NULL);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id, at AT TIME ZONE 'UTC', local_at AT TIME ZONE 'Europe/Paris', at AT TIME ZONE zone FROM events.log ORDER BY id",
      "SELECT id, local_at AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Tokyo', at at time zone 'UTC' at time zone zone FROM events.log ORDER BY id",
      "SELECT id, at::timestamp AT TIME ZONE 'Europe/Paris', starts::timestamptz AT TIME ZONE 'Europe/Paris' FROM events.log ORDER BY id",
      // tighter than + - * and any other operator, looser than ::
      "SELECT id, local_at AT TIME ZONE 'UTC' + interval '1 hour', interval '1 hour' + at AT TIME ZONE 'UTC' - interval '1 minute' FROM events.log ORDER BY id",
      "SELECT id, 'at ' || at AT TIME ZONE zone || '!', at AT TIME ZONE 'UTC' > local_at, at AT TIME ZONE 'UTC' IS NULL FROM events.log ORDER BY id",
      "SELECT id, extract(hour FROM at AT TIME ZONE 'Europe/Paris'), date_trunc('day', at AT TIME ZONE zone), (at AT TIME ZONE 'UTC')::date FROM events.log ORDER BY id",
      "SELECT date_trunc('hour', at AT TIME ZONE 'UTC') AS h, count(*) FROM events.log GROUP BY date_trunc('hour', at AT TIME ZONE 'UTC') ORDER BY 1 NULLS FIRST",
      "SELECT id FROM events.log WHERE at AT TIME ZONE 'Asia/Tokyo' BETWEEN '2024-01-01' AND '2024-12-31' ORDER BY id",
      "SELECT id, at AT TIME ZONE zone::text, at AT TIME ZONE lower('UTC'), at AT TIME ZONE ('Asia/' || 'Tokyo') FROM events.log ORDER BY id",
      // a time zone given as an interval
      "SELECT id, local_at AT TIME ZONE interval '+05:30', at AT TIME ZONE INTERVAL '-02:00' FROM events.log ORDER BY id",
      // the precision forms: the same type and precision of the value (which itself changes)
      "SELECT id, pg_typeof(current_timestamp(0)), pg_typeof(localtimestamp(3)), pg_typeof(current_time(2)), pg_typeof(localtime(0)),"
          + " current_timestamp(0) = date_trunc('second', current_timestamp(0)), length(localtime(0)::text) FROM events.log ORDER BY id",
      "SELECT id FROM events.log WHERE at < CURRENT_TIMESTAMP(0) AND local_at < LOCALTIMESTAMP(6) AND at AT TIME ZONE 'UTC' < current_timestamp(2) AT TIME ZONE 'UTC' ORDER BY id",
      // OVERLAPS
      "SELECT id, (starts, ends) OVERLAPS (DATE '2024-01-20', DATE '2024-02-10'), (starts, interval '10 days') OVERLAPS (DATE '2024-01-10', DATE '2024-01-12') FROM events.log ORDER BY id",
      "SELECT id FROM events.log WHERE (at, local_at AT TIME ZONE 'UTC') OVERLAPS (TIMESTAMPTZ '2024-03-31 00:00:00+00', TIMESTAMPTZ '2024-10-28 00:00:00+00') ORDER BY id",
      "SELECT (DATE '2020-01-01', DATE '2020-02-01') OVERLAPS (DATE '2020-01-15', DATE '2020-03-01') FROM events.log WHERE id < 3",
      "SELECT id, ROW(starts, ends) OVERLAPS ROW(DATE '2024-01-20', DATE '2024-02-10') FROM events.log ORDER BY id"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    String rewritten =
        database.analyzer().analyze(sql, List.of("public")).rewrite(Decisions.allow().build());
    List<List<String>> expected = database.run(sql);
    assertTrue(expected.size() > 1, "the statement should find rows: " + expected);
    assertEquals(expected, database.run(rewritten), "forwarded: " + rewritten);
  }

  /** A masked timestamp reaches AT TIME ZONE and OVERLAPS masked. */
  @Test
  void theOperatorsReadTheMaskedValue() throws Exception {
    Decision masked = Decisions.allow()
        .mask("mesh.events.log", "at", new ColumnMask.Constant("2000-01-01 12:00:00+00"))
        .build();
    List<List<String>> rows = database.run(database.analyzer().analyze(
            "SELECT at AT TIME ZONE 'UTC', (at, at) OVERLAPS (DATE '1999-01-01', DATE '2001-01-01')"
                + " FROM events.log ORDER BY id", List.of("public"))
        .rewrite(masked));
    assertEquals(List.of("2000-01-01 12:00:00", "t"), rows.get(1));
    assertEquals(List.of("2000-01-01 12:00:00", "t"), rows.get(3));
  }
}
