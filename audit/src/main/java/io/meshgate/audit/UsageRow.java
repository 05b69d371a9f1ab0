package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * How one relation was used on one UTC day, from the audit events that touched it.
 *
 * @param relation the relation, {@code catalog.schema.table}
 * @param day the UTC day of the events' {@code time}
 * @param queries statements that touched the relation that day, whatever their outcome; a
 *     statement that touched it twice (read and written) counts once
 * @param distinctUsers how many different users ran those statements
 * @param denials those statements whose outcome is {@code denied} (refused by policy or by
 *     fail-closed enforcement)
 * @param medianDurationMicros the median {@code duration_micros} of those statements, by
 *     nearest rank: the value at rank ⌈n/2⌉ of the n durations sorted ascending
 * @param p95DurationMicros the 95th percentile by nearest rank: the value at rank ⌈0.95·n⌉
 */
public record UsageRow(
    String relation,
    LocalDate day,
    long queries,
    long distinctUsers,
    long denials,
    long medianDurationMicros,
    long p95DurationMicros) {

  public UsageRow {
    requireNonNull(relation, "relation is null");
    requireNonNull(day, "day is null");
    if (queries < 1) {
      throw new IllegalArgumentException("a usage row counts at least one query");
    }
    if (distinctUsers < 1 || distinctUsers > queries) {
      throw new IllegalArgumentException("distinctUsers must be between 1 and queries");
    }
    if (denials < 0 || denials > queries) {
      throw new IllegalArgumentException("denials must be between 0 and queries");
    }
    if (medianDurationMicros < 0 || p95DurationMicros < medianDurationMicros) {
      throw new IllegalArgumentException("durations must satisfy 0 <= median <= p95");
    }
  }

  /** The median duration in milliseconds, exactly (three decimal places). */
  public BigDecimal medianDurationMillis() {
    return BigDecimal.valueOf(medianDurationMicros, 3);
  }

  /** The 95th percentile duration in milliseconds, exactly (three decimal places). */
  public BigDecimal p95DurationMillis() {
    return BigDecimal.valueOf(p95DurationMicros, 3);
  }
}
