-- Npgsql 10.0 (PostgresDatabaseInfo.GenerateLoadEnumFieldsQuery, rendered for PostgreSQL 15, default type loading): on connect
-- Load enum fields
SELECT typ.oid, enumlabel
FROM pg_enum
JOIN pg_type AS typ ON typ.oid = enumtypid
JOIN pg_namespace AS ns ON ns.oid = typ.typnamespace

ORDER BY oid, enumsortorder
