-- pgjdbc 42.7.14: DatabaseMetaData.getImportedKeys (log_statement=all)
SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys'
