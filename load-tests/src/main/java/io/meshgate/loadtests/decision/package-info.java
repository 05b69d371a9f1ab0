/**
 * The policy decision benchmark: how long one decision takes, and how many the engines give per
 * second, from the decision cache (hits), from the managed local OPA over REST without a cache,
 * and from a separately started OPA server reached by URL (the remote configuration). Runs
 * in the benchmark's own JVM against Meshgate's policy-engine classes, not through the proxy.
 */
package io.meshgate.loadtests.decision;
