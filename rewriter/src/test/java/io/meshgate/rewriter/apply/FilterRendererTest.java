package io.meshgate.rewriter.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RowFilter;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Structured filters on dates and timestamps take only values every session reads alike. */
class FilterRendererTest {
  private static final TableSchema EVENTS = new TableSchema(
      new RelationName("mesh", "ops", "events"),
      List.of(new ColumnSchema("day", "date"), new ColumnSchema("at", "timestamp without time zone"),
          new ColumnSchema("seen", "timestamp(3) with time zone"), new ColumnSchema("region", "text")));

  private static String render(String column, FilterOperator operator, Object value) throws SqlRefusal {
    return PostgresUnparser.unparse(
        FilterRenderer.render(new RowFilter.Comparison(column, operator, List.of(value)), EVENTS), List.of());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "day|2025-01-31|(\"day\" >= '2025-01-31')",
      "at|2025-01-31 08:00:00|(\"at\" >= '2025-01-31 08:00:00')",
      "at|2025-01-31T08:00|(\"at\" >= '2025-01-31T08:00')",
      "seen|2025-01-31T08:00:00Z|(\"seen\" >= '2025-01-31T08:00:00Z')",
      "seen|2025-01-31 08:00:00.5+05:30|(\"seen\" >= '2025-01-31 08:00:00.5+05:30')",
      "seen|-infinity|(\"seen\" >= '-infinity')",
      "region|01/02/2025|(\"region\" >= '01/02/2025')"})
  void valuesEverySessionReadsAlikeAreRendered(String column, String value, String expected) throws SqlRefusal {
    assertEquals(expected, render(column, FilterOperator.GREATER_OR_EQUAL, value));
  }

  /** Read in the client's TimeZone or DateStyle, which SET TIME ZONE and SET DateStyle change. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "seen|2024-03-05", "seen|2024-03-05 00:00:00", "seen|today", "seen|now",
      "day|01/02/2025", "day|today", "at|2024-03-05 00:00:00+02", "at|Jan 2 2025", "day|2024-03-05; x"})
  void valuesASessionReadsItsOwnWayArePolicyErrors(String column, String value) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> render(column, FilterOperator.LESS, value));
    assertEquals("42501", refusal.sqlState());
    assertEquals(SqlRefusal.Reason.POLICY_ERROR, refusal.reason());
    assertTrue(refusal.getMessage().startsWith("policy error in row filter for ops.events: the value for " + column),
        refusal.getMessage());
    assertFalse(refusal.getMessage().contains(value), "no values in errors: " + refusal.getMessage());
  }
}
