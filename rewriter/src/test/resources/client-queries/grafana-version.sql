-- Grafana 12 (grafana-postgresql-datasource/postgresMetaQuery.ts, rendered by hand): data source health check, server version
SELECT current_setting('server_version_num')::int/100 as version
