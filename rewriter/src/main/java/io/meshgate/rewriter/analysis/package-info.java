/**
 * Statement analysis: which statements are utilities to forward as written, what kind a
 * statement is, which tables it reads and which of their columns it names, and which
 * function calls are refused outright.
 */
package io.meshgate.rewriter.analysis;
