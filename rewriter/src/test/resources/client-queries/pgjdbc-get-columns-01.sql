-- pgjdbc 42.7.14: DatabaseMetaData.getColumns (log_statement=all)
select current_catalog
