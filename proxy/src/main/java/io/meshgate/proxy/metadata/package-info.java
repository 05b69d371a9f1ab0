/**
 * Schema metadata from the backend (columns and types of each relation), read with
 * Meshgate's service identity and cached, for the rewriter's {@code SELECT *} expansion and
 * the policy input's column lists.
 */
package io.meshgate.proxy.metadata;
