/**
 * The decision vocabulary of policy contract v1 (input and decision records) and the
 * {@link io.meshgate.policy.PolicyEngine} interface through which Meshgate asks for one
 * decision per statement. Engines, transports and caching live in sub-packages; nothing
 * here knows SQL syntax beyond expression strings carried inside decisions.
 */
package io.meshgate.policy;
