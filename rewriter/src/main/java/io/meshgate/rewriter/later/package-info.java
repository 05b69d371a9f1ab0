/**
 * Reading the statements whose SQL runs later or differently: {@code PREPARE … AS query},
 * {@code EXECUTE}, {@code DECLARE … CURSOR FOR query}, {@code FETCH}/{@code MOVE}, {@code
 * EXPLAIN query}, {@code DEALLOCATE} and {@code DISCARD ALL}. This package only splits such a
 * statement into the head Meshgate writes back and the query to govern; the analyzer governs
 * the query and wraps the result.
 */
package io.meshgate.rewriter.later;
