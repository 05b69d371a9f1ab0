/**
 * Open Policy Agent as Meshgate's policy engine: {@link io.meshgate.policy.opa.OpaRestPolicyEngine}
 * asks OPA's data API for one decision per statement; {@link
 * io.meshgate.policy.opa.ManagedOpaProcess} runs a local OPA for the demo, tests and
 * single-machine deployments, serving it the policies as a bundle from a loopback bundle server
 * in this JVM so that new policies can be {@linkplain
 * io.meshgate.policy.opa.ManagedOpaProcess#activate activated} atomically without a restart;
 * {@link io.meshgate.policy.opa.PolicySnapshot} copies what OPA loads from a policies folder,
 * {@link io.meshgate.policy.opa.PolicyBundle} builds a bundle from it with {@code opa build},
 * {@link io.meshgate.policy.opa.PolicyRevision} names its content and {@link
 * io.meshgate.policy.opa.OpaBinary} finds the pinned binary. HTTP lives here and nowhere above:
 * callers see only {@link io.meshgate.policy.PolicyEngine}.
 */
package io.meshgate.policy.opa;
