package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The policy decision that shaped a statement, as far as an auditor needs it.
 *
 * @param allow whether the decision allowed the statement
 * @param reasons the decision's deny reasons (empty when allowed)
 * @param policies identifiers of the rules that shaped the decision
 * @param policyRevision the revision of the policy bundle that decided; {@code null} when the
 *     policy source reports no revision
 */
public record AuditDecision(
    boolean allow, List<String> reasons, List<String> policies, String policyRevision) {
  public AuditDecision {
    reasons = List.copyOf(requireNonNull(reasons, "reasons is null"));
    policies = List.copyOf(requireNonNull(policies, "policies is null"));
  }
}
