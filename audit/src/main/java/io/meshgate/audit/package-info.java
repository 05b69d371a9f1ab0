/**
 * The audit trail: one {@link io.meshgate.audit.AuditEvent} per statement, allowed or denied,
 * with the decision that shaped it; {@link io.meshgate.audit.AuditSink}s that write events
 * durably off the caller's thread; and {@link io.meshgate.audit.AuditChainVerifier}, which proves
 * a log has not been edited. Depends on no other Meshgate module: the proxy maps its own types
 * to these records.
 */
package io.meshgate.audit;
