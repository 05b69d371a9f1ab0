-- psql script of the client matrix (ClientMatrixIT): with ON_ERROR_STOP a refused statement
-- ends the script (psql exits 3) and nothing after it runs.
\set ON_ERROR_STOP on
\set VERBOSITY verbose
SELECT 'before the refusal' AS marker;
SELECT *
  FROM weather.stations_raw
 LIMIT 1;
SELECT 'after the refusal' AS marker;
