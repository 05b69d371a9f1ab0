package io.meshgate.loadtests;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.pgbench.QueryMode;
import io.meshgate.loadtests.scenario.Scenario;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * A part of a plan to run alone ({@code --only select-only:prepared:32}): one pgbench scenario,
 * optionally one query mode and one client count (the connection storm takes no mode:
 * {@code connection-storm} or {@code connection-storm::8}). Measuring one change takes seconds this way
 * instead of the whole plan's minutes; such a report is not one to quote.
 */
public record PlanFocus(Scenario scenario, Optional<QueryMode> mode, OptionalInt clients) {
  public PlanFocus {
    requireNonNull(scenario, "scenario is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(clients, "clients is null");
    if (scenario == Scenario.CONNECTION_STORM && mode.isPresent()) {
      throw new IllegalArgumentException("the connection storm has no query mode (pgbench -C with -M simple)");
    }
  }

  /** Reads {@code SCENARIO[:MODE[:CLIENTS]]}. */
  public static PlanFocus parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length > 3) {
      throw new IllegalArgumentException("--only takes SCENARIO[:MODE[:CLIENTS]], not " + text);
    }
    Scenario scenario = Arrays.stream(Scenario.values())
        .filter(candidate -> candidate.slug().equals(parts[0]))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "--only takes select-only, governed-workload or connection-storm, not " + parts[0]));
    Optional<QueryMode> mode = Optional.empty();
    if (parts.length > 1 && !parts[1].isEmpty()) {
      mode = Optional.of(Arrays.stream(QueryMode.values())
          .filter(candidate -> candidate.flag().equals(parts[1].toLowerCase(Locale.ROOT)))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("query modes are "
              + Arrays.stream(QueryMode.values()).map(QueryMode::flag).collect(Collectors.joining(", "))
              + ", not " + parts[1])));
    }
    OptionalInt clients = OptionalInt.empty();
    if (parts.length > 2) {
      try {
        clients = OptionalInt.of(Integer.parseInt(parts[2]));
      } catch (NumberFormatException notNumber) {
        throw new IllegalArgumentException("the client count is a number, not " + parts[2]);
      }
    }
    return new PlanFocus(scenario, mode, clients);
  }
}
