-- Grafana 12 (grafana-postgresql-datasource/postgresMetaQuery.ts, rendered by hand): data source settings, TimescaleDB detection
SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'
