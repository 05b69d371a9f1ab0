package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RowFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a real PostgreSQL 15, a policy expression means the same whatever the client's session
 * sets. The backend evaluates filters and masks in the client's session: {@code day >=
 * current_date} admitted a day more for a client west of UTC than for one east of it, {@code
 * seen >= DATE '2020-05-06'} on a {@code timestamptz} column moved its boundary by the client's
 * offset, and {@code date_trunc('day', seen)} truncated at the client's midnight. Such policies
 * are policy errors now (the statement fails closed), and the spellings that name the zone
 * return the same rows and values in every zone.
 */
class PolicyExpressionSessionIT {
  private static final String SCHEMA = """
      CREATE SCHEMA ops;
      CREATE TABLE ops.events (id integer, day date, seen timestamp with time zone);
      INSERT INTO ops.events
        SELECT k, (now() AT TIME ZONE 'UTC')::date + k,
          TIMESTAMPTZ '2020-05-06 00:00:00+00' + k * interval '1 hour'
        FROM generate_series(-30, 30) AS k;
      """;

  /** The zones farthest west and east of UTC, and two with odd offsets. */
  private static final List<String> ZONES =
      List.of("'UTC'", "'Etc/GMT+12'", "'Pacific/Kiritimati'", "'Asia/Kathmandu'", "0.0003");

  private static final String COUNT = "SELECT count(*) FROM ops.events";

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  private static Decision filtered(String expression) {
    return Decisions.allow().filter("mesh.ops.events", new RowFilter.Expression(expression)).build();
  }

  /** What {@code sql} returns under {@code decision} in each zone, or the policy error. */
  private static List<String> outcomes(String sql, Decision decision) throws Exception {
    List<String> outcomes = new ArrayList<>();
    for (String zone : ZONES) {
      String rewritten;
      try {
        rewritten = database.analyzer().analyze(sql, List.of("public")).rewrite(decision);
      } catch (SqlRefusal refusal) {
        outcomes.add(refusal.reason() + " " + refusal.sqlState());
        continue;
      }
      outcomes.add(database.run("SET TIME ZONE " + zone, rewritten).subList(1, 2).toString());
    }
    database.run("RESET TIME ZONE", "SELECT 1");
    return outcomes;
  }

  private static List<String> refusedInEveryZone() {
    return ZONES.stream().map(zone -> "POLICY_ERROR 42501").toList();
  }

  private static String direct(String zone, String sql) throws Exception {
    return database.run("SET TIME ZONE " + zone, sql).get(1).get(0);
  }

  @Test
  void aCurrentDateFilterIsRefusedAndTheUtcDateIsTheSameEverywhere() throws Exception {
    // the hazard, on the backend itself: the west's current date is a day or two behind the east's
    String sql = COUNT + " WHERE day >= current_date";
    assertNotEquals(direct("'Etc/GMT+12'", sql), direct("'Pacific/Kiritimati'", sql));

    assertEquals(refusedInEveryZone(), outcomes(COUNT, filtered("day >= current_date")));
    assertEquals(refusedInEveryZone(), outcomes(COUNT, filtered("day > current_date - 7")));

    List<String> utc = outcomes(COUNT, filtered("day >= (now() AT TIME ZONE 'UTC')::date"));
    assertEquals(ZONES.stream().map(zone -> "[[31]]").toList(), utc, "days 0 to 30 in every zone");
  }

  @Test
  void aTimestamptzComparedWithADateIsRefusedAndAnInstantIsTheSameEverywhere() throws Exception {
    String sql = COUNT + " WHERE seen >= DATE '2020-05-06'";
    assertNotEquals(direct("'Etc/GMT+12'", sql), direct("'Pacific/Kiritimati'", sql));

    assertEquals(refusedInEveryZone(), outcomes(COUNT, filtered("seen >= DATE '2020-05-06'")));
    assertEquals(refusedInEveryZone(),
        outcomes(COUNT, filtered("seen >= TIMESTAMPTZ '2020-05-06 00:00:00'")));
    assertEquals(refusedInEveryZone(), outcomes(COUNT, filtered("seen::date >= '2020-05-06'")));

    assertEquals(ZONES.stream().map(zone -> "[[31]]").toList(),
        outcomes(COUNT, filtered("seen >= TIMESTAMPTZ '2020-05-06 00:00:00+00'")));
    assertEquals(ZONES.stream().map(zone -> "[[31]]").toList(),
        outcomes(COUNT, filtered("(seen AT TIME ZONE 'UTC')::date >= DATE '2020-05-06'")));
  }

  @Test
  void aMaskTruncatingAtTheClientsMidnightIsRefusedAndOneAtUtcIsTheSameEverywhere()
      throws Exception {
    String sql = "SELECT extract(epoch FROM seen) FROM ops.events WHERE id = 5";
    Decision sessionMidnight = Decisions.allow().relation("mesh.ops.events", List.of(),
        Map.of("seen", new ColumnMask.Expression("date_trunc('day', seen)")), Set.of()).build();
    assertEquals(refusedInEveryZone(), outcomes(sql, sessionMidnight));

    Decision utcMidnight = Decisions.allow().relation("mesh.ops.events", List.of(),
        Map.of("seen", new ColumnMask.Expression(
            "date_trunc('day', seen AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'")), Set.of()).build();
    // 05:00 UTC truncated to 2020-05-06 00:00 UTC
    assertEquals(ZONES.stream().map(zone -> "[[1588723200.000000]]").toList(),
        outcomes(sql, utcMidnight));
  }
}
