-- psql 15: \d sales.events (psql -E)
SELECT pg_catalog.pg_get_partkeydef('16420'::pg_catalog.oid);
