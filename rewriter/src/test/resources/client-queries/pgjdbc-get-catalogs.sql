-- pgjdbc 42.7.14: DatabaseMetaData.getCatalogs (log_statement=all)
SELECT datname AS "TABLE_CAT" FROM pg_catalog.pg_database WHERE datallowconn = true ORDER BY datname
