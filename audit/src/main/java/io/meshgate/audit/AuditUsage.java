package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Usage of relations for domain owners: per relation and UTC day, how many statements touched
 * it, by how many users, how many were denied, and their median and 95th percentile duration.
 *
 * <p>Percentiles are exact, by nearest rank over every duration (no sketches or interpolation):
 * the p-th percentile of n durations sorted ascending is the one at rank ⌈p·n/100⌉, so it is
 * always a duration that occurred. Exactness costs memory: eight bytes per statement and
 * relation for the durations, plus each row's user names; the events themselves are read one at
 * a time.
 */
public final class AuditUsage {

  private static final Comparator<GroupKey> ORDER =
      Comparator.comparing(GroupKey::relation).thenComparing(GroupKey::day);

  private AuditUsage() {}

  /** Usage in one log. */
  public static UsageReport report(AuditLog log, Optional<String> domain) throws IOException {
    requireNonNull(log, "log is null");
    return report(List.of(log), domain);
  }

  /**
   * Usage across logs, e.g. one per Meshgate instance.
   *
   * @param domain when present, only relations whose schema part ({@code
   *     catalog.schema.table}) equals it; a relation not named in three parts matches no domain
   * @throws IOException when a file cannot be read
   * @throws AuditException.DamagedLog at a line that is not a valid event
   */
  public static UsageReport report(Collection<AuditLog> logs, Optional<String> domain)
      throws IOException {
    requireNonNull(logs, "logs is null");
    requireNonNull(domain, "domain is null");
    Map<GroupKey, Group> groups = new TreeMap<>(ORDER);
    for (AuditLog log : logs) {
      LoggedEvents.read(
          log,
          (event, line) -> {
            LocalDate day = LocalDate.ofInstant(event.time(), ZoneOffset.UTC);
            Set<String> relations = new LinkedHashSet<>();
            event.relations().forEach(relation -> relations.add(relation.relation()));
            for (String relation : relations) {
              if (domain.isEmpty() || domain.equals(schemaOf(relation))) {
                groups.computeIfAbsent(new GroupKey(relation, day), key -> new Group()).add(event);
              }
            }
          });
    }
    List<UsageRow> rows = new ArrayList<>(groups.size());
    groups.forEach((key, group) -> rows.add(group.toRow(key)));
    return new UsageReport(rows);
  }

  /** The schema part of {@code catalog.schema.table}; empty for any other shape. */
  static Optional<String> schemaOf(String relation) {
    String[] parts = relation.split("\\.", -1);
    return parts.length == 3 ? Optional.of(parts[1]) : Optional.empty();
  }

  /**
   * The p-th percentile by nearest rank of values sorted ascending: the value at rank
   * ⌈p·n/100⌉.
   */
  static long nearestRank(long[] sortedValues, int count, int percent) {
    if (count < 1 || percent < 1 || percent > 100) {
      throw new IllegalArgumentException("needs values and a percent in 1..100");
    }
    long rank = ((long) percent * count + 99) / 100;
    return sortedValues[(int) rank - 1];
  }

  private record GroupKey(String relation, LocalDate day) {}

  /** The statements of one relation on one day, as far as the row needs them. */
  private static final class Group {
    private long queries;
    private long denials;
    private final Set<String> users = new HashSet<>();
    private long[] durations = new long[16];

    void add(AuditEvent event) {
      if (queries == durations.length) {
        durations = Arrays.copyOf(durations, durations.length * 2);
      }
      durations[(int) queries] = event.outcome().durationMicros();
      queries++;
      users.add(event.user());
      if (event.outcome().status() == AuditOutcome.Status.DENIED) {
        denials++;
      }
    }

    UsageRow toRow(GroupKey key) {
      int count = (int) queries;
      long[] sorted = Arrays.copyOf(durations, count);
      Arrays.sort(sorted);
      return new UsageRow(
          key.relation(),
          key.day(),
          queries,
          users.size(),
          denials,
          nearestRank(sorted, count, 50),
          nearestRank(sorted, count, 95));
    }
  }
}
