/**
 * The demo: a throwaway local PostgreSQL, the demo data mesh on it, and the whole demo wired
 * together.
 *
 * <p>{@link io.meshgate.proxy.demo.LocalPostgres} starts and stops a PostgreSQL server from the
 * machine's own binaries (found by {@link io.meshgate.proxy.demo.PostgresBinaries}, installed by
 * {@code proxy/bin/ensure-postgres} if need be); {@link io.meshgate.proxy.demo.DemoDataMesh}
 * seeds it with the three data domains and the proxy's least-privileged service role;
 * {@link io.meshgate.proxy.demo.DemoEnvironment} puts Meshgate in front, for {@code meshgate
 * demo} and the proxy's integration tests. The first two use nothing of the proxy's server code,
 * so tests of any layer can run them. The rows themselves are generated, without I/O, in
 * {@code io.meshgate.proxy.demo.data}.
 */
package io.meshgate.proxy.demo;
