-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): properties of sales.stores, row-level security policies (PostgreTable.getPolicies)
-- parameters: $1 = 'sales', $2 = 'stores'
select * from pg_catalog.pg_policies where schemaname=$1 and tablename=$2
