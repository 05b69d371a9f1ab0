/**
 * Open Policy Agent as Meshgate's policy engine: {@link io.meshgate.policy.opa.OpaRestPolicyEngine}
 * asks OPA's data API for one decision per statement; {@link
 * io.meshgate.policy.opa.ManagedOpaProcess} runs a local OPA on the policies folder for the demo,
 * tests and single-machine deployments; {@link io.meshgate.policy.opa.OpaBinary} finds the pinned
 * binary and {@link io.meshgate.policy.opa.PolicyRevision} names what a policies folder contains.
 * HTTP lives here and nowhere above: callers see only {@link io.meshgate.policy.PolicyEngine}.
 */
package io.meshgate.policy.opa;
