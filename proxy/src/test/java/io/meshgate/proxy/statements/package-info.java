/**
 * Integration tests for statements whose SQL runs later or elsewhere: several statements in
 * one simple Query, PREPARE/EXECUTE, cursors, EXPLAIN, DO, and prepared statements that
 * outlive a policy change.
 */
package io.meshgate.proxy.statements;
