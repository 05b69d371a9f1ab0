-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): properties of sales.stores, referencing schemas (PostgreTable.getReferences)
-- parameters: $1 = '16387'
SELECT DISTINCT connamespace FROM pg_catalog.pg_constraint WHERE confrelid=$1
