package io.meshgate.rewriter;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds decisions for tests. */
public final class Decisions {
  private final Map<String, RelationPolicy> relations = new LinkedHashMap<>();

  public static Decisions allow() {
    return new Decisions();
  }

  public Decisions relation(
      String key, List<RowFilter> filters, Map<String, ColumnMask> masks, Set<String> denied) {
    relations.put(key, new RelationPolicy(filters, masks, denied));
    return this;
  }

  public Decisions filter(String key, RowFilter... filters) {
    return relation(key, List.of(filters), Map.of(), Set.of());
  }

  public Decisions mask(String key, String column, ColumnMask mask) {
    return relation(key, List.of(), Map.of(column, mask), Set.of());
  }

  /** Rows of region EU only, with {@code column} masked as the constant {@code maskedValue}. */
  public Decisions euRowsMasking(String key, String column, String maskedValue) {
    return relation(key,
        List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))),
        Map.of(column, new ColumnMask.Constant(maskedValue)), Set.of());
  }

  public Decisions deny(String key, String... columns) {
    return relation(key, List.of(), Map.of(), Set.of(columns));
  }

  public Decision build() {
    return new Decision(true, List.of(), relations, List.of("test"));
  }
}
