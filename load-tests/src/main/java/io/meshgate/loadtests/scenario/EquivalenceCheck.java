package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Whether Meshgate and the native setup answered the governed workload's statements alike,
 * before either was timed: a comparison of costs means something only if both enforce the same
 * rules.
 *
 * @param statements how many statements were compared
 * @param differences one line per statement whose rows differed (empty: identical)
 */
public record EquivalenceCheck(int statements, List<String> differences) {
  public EquivalenceCheck {
    differences = List.copyOf(requireNonNull(differences, "differences is null"));
  }

  public boolean identical() {
    return differences.isEmpty();
  }
}
