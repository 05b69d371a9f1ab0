/**
 * The JSON Lines log format behind {@link io.meshgate.audit.JsonLinesAuditSink} and {@link
 * io.meshgate.audit.AuditChainVerifier}: how an event is spelled in a line, the hash chain that
 * links lines, how rotated files are named, and reading lines (the first, the last, or all of
 * them one at a time). Public only so that the root package can use it; not an API for other
 * modules.
 */
package io.meshgate.audit.jsonl;
