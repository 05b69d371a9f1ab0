/**
 * Live policy reload for a managed OPA: {@link io.meshgate.policy.reload.PolicyReloader} watches
 * the policies folder, checks every edit on a private copy with the domain teams' own checks, and
 * makes OPA serve it only if they pass; otherwise the last good revision stays active and {@link
 * io.meshgate.policy.reload.PolicyReloadStatus} says why. Connections and statements are not
 * touched: only the decisions change, and a listener hears about each new revision so that caches
 * can be dropped.
 */
package io.meshgate.policy.reload;
