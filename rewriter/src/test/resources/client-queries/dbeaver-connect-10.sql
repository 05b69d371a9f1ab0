-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): connect, the schema id by name (PostgreSchema.readSchemaInfo)
-- parameters: $1 = 'sales'
SELECT s.oid as schema_id
from pg_catalog.pg_namespace s
WHERE s.nspname =$1
