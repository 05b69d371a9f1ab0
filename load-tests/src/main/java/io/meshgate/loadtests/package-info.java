/**
 * Side-by-side benchmarks of Meshgate against direct PostgreSQL, PgBouncer, a bare Netty relay and
 * PostgreSQL's own row-level security, run by {@code load-tests/bin/run}.
 *
 * <p>{@link io.meshgate.loadtests.BenchmarkCommand} is the entry point; a
 * {@link io.meshgate.loadtests.BenchmarkPlan} says what to measure (quick or full);
 * {@link io.meshgate.loadtests.Benchmark} starts the systems, runs the scenarios and writes the
 * report. The sub-packages hold the parts: {@code pgbench} (running pgbench and reading its
 * output and per-transaction logs), {@code relay} (the bare Netty relay, the floor of a Java
 * proxy), {@code systems} (the systems under test and their setup),
 * {@code scenario} (the four scenarios and their measurements), {@code report} (tables, charts,
 * markdown). Nothing here runs in the normal build except unit tests of the parsing, the
 * percentiles and the rendering.
 */
package io.meshgate.loadtests;
