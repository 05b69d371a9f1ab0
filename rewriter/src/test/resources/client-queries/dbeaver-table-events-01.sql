-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): properties of partitioned sales.events, its partitions (PostgreTable.getSubInheritance)
-- parameters: $1 = '16420'
SELECT i.*,c.relnamespace FROM pg_catalog.pg_inherits i,pg_catalog.pg_class c WHERE i.inhparent=$1 AND c.oid=i.inhrelid
