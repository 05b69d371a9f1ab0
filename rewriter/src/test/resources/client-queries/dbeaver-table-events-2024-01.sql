-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): properties of partition sales.events_2024, its range (PostgreTable.getPartitionRange)
-- parameters: $1 = 'events_2024', $2 = '16385'
select pg_get_expr(c.relpartbound, c.oid, true) as partition_range from "pg_catalog".pg_class c where relname = $1 and relnamespace = $2
