package io.meshgate.proxy.governance;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A policy per user that a test replaces, with a revision, as a policy reload would; users
 * without a decision are denied. Records every input it is asked about.
 */
final class ChangingPolicy implements PolicyEngine {
  static final RelationName STORES = new RelationName("mesh", "sales", "stores");

  /** Allows {@code mesh.sales.stores} with rows of {@code region} only, and {@code masks}. */
  static Decision storesFiltered(String region, Map<String, ColumnMask> masks) {
    return new Decision(true, List.of(), Map.of(STORES.key(), new RelationPolicy(
        List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of(region))), masks, Set.of())),
        List.of("test"));
  }

  final AtomicReference<Map<String, Decision>> decisions = new AtomicReference<>(Map.of());
  final AtomicReference<String> revision = new AtomicReference<>("r1");
  final List<PolicyInput> inputs = new ArrayList<>();

  @Override
  public synchronized Decision decide(PolicyInput input) {
    inputs.add(input);
    return decisions.get().getOrDefault(input.subject().user(),
        new Decision(false, List.of("no grant"), Map.of(), List.of()));
  }

  /** How many decisions were asked for. */
  synchronized int asked() {
    return inputs.size();
  }

  @Override
  public String revision() {
    return revision.get();
  }
}
