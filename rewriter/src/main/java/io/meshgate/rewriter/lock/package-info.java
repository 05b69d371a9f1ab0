/**
 * Row locks of a query ({@code SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE [OF
 * ...] [NOWAIT | SKIP LOCKED]}), which Calcite does not parse: reading the clauses from the
 * tokens at the end of a top-level SELECT (and refusing them anywhere else), telling which
 * governed tables they lock, so the policy is asked for {@code update} access on each, and
 * writing them back after the rewritten query.
 */
package io.meshgate.rewriter.lock;
