/**
 * The JSON form of policy contract v1: {@link io.meshgate.policy.json.PolicyInputJson} writes
 * the input exactly as the contract spells it, and {@link io.meshgate.policy.json.DecisionParser}
 * reads a decision strictly, so that anything off-contract becomes a typed refusal instead of a
 * partially applied policy. Transport-neutral: used by every engine that speaks JSON.
 */
package io.meshgate.policy.json;
