/**
 * The audit trail: one {@link io.meshgate.audit.AuditEvent} per statement, allowed or denied,
 * with the decision that shaped it; {@link io.meshgate.audit.AuditSink}s that write events
 * durably off the caller's thread and rotate their files; {@link io.meshgate.audit.AuditLog},
 * the files of one log in chain order; {@link io.meshgate.audit.AuditChainVerifier}, which
 * proves a log has not been edited; {@link io.meshgate.audit.AuditExport} and {@link
 * io.meshgate.audit.AuditUsage}, which give auditors and domain owners the events and their
 * summary. Depends on no other Meshgate module: the proxy maps its own types to these records.
 */
package io.meshgate.audit;
