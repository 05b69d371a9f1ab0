package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One decision for one statement. {@code relations} is keyed by {@link RelationName#key()}; a
 * relation without an entry gets no filter and no mask.
 */
public record Decision(
    boolean allow,
    List<String> denyReasons,
    Map<String, RelationPolicy> relations,
    List<String> policies) {
  public Decision {
    denyReasons = List.copyOf(requireNonNull(denyReasons, "denyReasons is null"));
    relations = Map.copyOf(requireNonNull(relations, "relations is null"));
    policies = List.copyOf(requireNonNull(policies, "policies is null"));
  }

  /** A refusal that Meshgate itself makes, e.g. for an undefined or malformed decision. */
  public static Decision deny(String reason) {
    return new Decision(false, List.of(reason), Map.of(), List.of());
  }

  /** The policy for a relation; unrestricted when the decision has no entry for it. */
  public RelationPolicy policyFor(RelationName relation) {
    return relations.getOrDefault(relation.key(), RelationPolicy.UNRESTRICTED);
  }
}
