/**
 * The rewrite benchmark (JMH, {@code load-tests/bin/jmh}): what Meshgate's rewriter costs per
 * TPC-H query, parse + analyse + rewrite + unparse, without any I/O. Not run by the build.
 */
package io.meshgate.loadtests.rewrite;
