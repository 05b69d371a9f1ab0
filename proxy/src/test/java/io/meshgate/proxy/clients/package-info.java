/**
 * The client matrix: integration tests that run real PostgreSQL clients (psql, pgbench,
 * psycopg 3, psycopg2, SQLAlchemy, asyncpg, node-postgres, Go's pgx) against Meshgate and check that each gets governed
 * results. The client programs are installed and located by {@code proxy/bin/ensure-test-clients};
 * the scripts they run live in {@code proxy/src/test/clients/}. Tools that cannot run here
 * (DBeaver) are stood in for by their catalog SQL, transcribed and sent over pgjdbc.
 */
package io.meshgate.proxy.clients;
