/**
 * TPC-H through Meshgate: the 22 queries return exactly what PostgreSQL returns, unrestricted
 * ({@link io.meshgate.proxy.tpch.TpchUnrestrictedIT}) and under row filters compared with
 * PostgreSQL's own row-level security ({@link io.meshgate.proxy.tpch.TpchFilteredIT}). Both share
 * one loaded database ({@link io.meshgate.proxy.tpch.TpchMesh}). The schema and the query texts
 * are {@code rewriter/src/test/resources/tpch/}, shared with the rewriter's tests and the
 * rewrite benchmark.
 */
package io.meshgate.proxy.tpch;
