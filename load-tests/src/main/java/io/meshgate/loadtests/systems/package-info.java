/**
 * The systems under test and what they need: pgbench's database and role, PostgreSQL's native
 * row-level security and masking views, the benchmark's copy of the policies, PgBouncer,
 * Meshgate and the Netty relay as child processes, and reading their memory from {@code /proc}. The demo's
 * {@code LocalPostgres} and {@code DemoDataMesh} (in the proxy module) provide PostgreSQL and the
 * demo data.
 */
package io.meshgate.loadtests.systems;
