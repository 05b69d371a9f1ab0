package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a real PostgreSQL 15, masks and filters on a {@code timestamp with time zone} column mean
 * the same whatever time zone the client sets. A {@code truncate_date} mask truncated at the
 * session's boundaries: the masked day of an event at 23:30 UTC flipped to the next day from
 * the offset +00:30 on, so a client that walks {@code SET TIME ZONE} learns the time of day the
 * mask hides. A filter value without an offset is read in the session's time zone, so the
 * client moves the filter's boundary: such values are policy errors (FilterRenderer).
 */
class SessionTimeZoneIT {
  private static final String SCHEMA = """
      CREATE SCHEMA ops;
      CREATE TABLE ops.logins (id integer, seen timestamp with time zone, day date);
      INSERT INTO ops.logins VALUES (1, '2020-05-06 23:30:00+00', '2020-05-06');
      """;
  private static final Decision TRUNCATED = Decisions.allow()
      .relation("mesh.ops.logins", List.of(), java.util.Map.of(
          "seen", new ColumnMask.TruncateDate(ColumnMask.DateUnit.DAY),
          "day", new ColumnMask.TruncateDate(ColumnMask.DateUnit.MONTH)), java.util.Set.of())
      .build();

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  private List<List<String>> maskedUnder(String timeZone) throws Exception {
    String rewritten = database.analyzer()
        .analyze("SELECT extract(epoch FROM seen) AS seen, day FROM ops.logins", List.of("public"))
        .rewrite(TRUNCATED);
    return database.run("SET TIME ZONE " + timeZone, rewritten);
  }

  @Test
  void theMaskedInstantIsTheSameInEveryTimeZone() throws Exception {
    List<List<String>> utc = maskedUnder("'UTC'");
    // 2020-05-06 00:00 UTC, and the date column's month
    assertEquals(List.of(List.of("seen", "day"), List.of("1588723200.000000", "2020-05-01")), utc);
    for (String timeZone : List.of("0.5", "'Pacific/Kiritimati'", "-11", "'Asia/Kathmandu'", "0.0003")) {
      assertEquals(utc, maskedUnder(timeZone), timeZone);
    }
  }

  @Test
  void aFilterValueWithoutAnOffsetWouldMoveWithTheClientsTimeZone() throws Exception {
    String sql = "SELECT count(*) FROM ops.logins WHERE seen >= '2020-05-07 00:00:00'";
    assertEquals("0", database.run("SET TIME ZONE 'UTC'", sql).get(1).get(0));
    assertEquals("1", database.run("SET TIME ZONE 'Pacific/Kiritimati'", sql).get(1).get(0));
    Decision withoutOffset = Decisions.allow().filter("mesh.ops.logins",
        new RowFilter.Comparison("seen", FilterOperator.GREATER_OR_EQUAL, List.of("2020-05-07 00:00:00"))).build();
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> database.analyzer()
        .analyze("SELECT count(*) FROM ops.logins", List.of("public")).rewrite(withoutOffset));
    assertEquals(SqlRefusal.Reason.POLICY_ERROR, refusal.reason());
    Decision withOffset = Decisions.allow().filter("mesh.ops.logins",
        new RowFilter.Comparison("seen", FilterOperator.GREATER_OR_EQUAL, List.of("2020-05-07T00:00:00Z"))).build();
    String rewritten = database.analyzer().analyze("SELECT count(*) FROM ops.logins", List.of("public"))
        .rewrite(withOffset);
    for (String timeZone : List.of("'UTC'", "'Pacific/Kiritimati'", "-11")) {
      assertEquals("0", database.run("SET TIME ZONE " + timeZone, rewritten).get(1).get(0), timeZone);
    }
  }
}
