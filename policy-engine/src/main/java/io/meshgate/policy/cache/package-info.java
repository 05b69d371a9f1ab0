/**
 * Decision caching in front of any {@link io.meshgate.policy.PolicyEngine}: one bounded,
 * short-lived cache keyed by who asks about what under which policy revision, never by session
 * or time, so repeated statements skip the round trip to the engine; and the domains' product
 * metadata for discovery, kept per policy revision.
 */
package io.meshgate.policy.cache;
