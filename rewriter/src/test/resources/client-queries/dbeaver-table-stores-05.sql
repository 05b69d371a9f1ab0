-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): properties of sales.stores, sizes (PostgreTableReal.readTableStatistics)
-- parameters: $1 = '16387', $2 = '16387'
select pg_catalog.pg_total_relation_size($1) as total_rel_size,pg_catalog.pg_relation_size($2) as rel_size
