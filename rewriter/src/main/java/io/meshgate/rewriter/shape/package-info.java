/**
 * Statement shapes: a simple-protocol statement with the literals that only stand for values
 * lifted out, so that statements differing only in those values share one key; the sentinel
 * statement governed once per shape; and the template cut from its rewrite, which each statement
 * of the shape fills with its own literals (see {@code rewriter/README.md}, "Statement shapes").
 * It lifts only where a literal can be nothing but a value, and never out of utility
 * statements; everything else stays part of the key.
 */
package io.meshgate.rewriter.shape;
