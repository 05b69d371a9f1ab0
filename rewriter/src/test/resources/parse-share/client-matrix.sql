-- What the client matrix (proxy/src/test/java/io/meshgate/proxy/clients/ClientMatrixIT and the
-- scripts in proxy/src/test/clients/) sends to Meshgate, one statement per entry, each ending
-- with a line that is only ';'. Written out by hand from those files, as the clients send them:
-- psql variables substituted, psycopg2's parameters bound in the client (literals), pgbench
-- -M extended/prepared, psycopg 3 and node-postgres parameters as $n. psql's backslash commands
-- (\dt, \d) and pgjdbc's metadata queries are the client-queries fixtures, counted separately.
-- pgjdbc (ClientMatrixIT and every JDBC test) at connection start
SET extra_float_digits = 3
;
SET application_name = 'PostgreSQL JDBC Driver'
;
-- psql -c (ClientMatrixIT)
SELECT count(*) FROM sales.store_transactions
;
SELECT customer_email FROM sales.store_transactions ORDER BY transaction_id LIMIT 20
;
SELECT * FROM weather.stations_raw LIMIT 1
;
SELECT email FROM customers.customers UNION SELECT customer_email FROM sales.store_transactions
;
-- psql -f governed-report.sql
BEGIN
;
SELECT count(*) AS transactions
  FROM sales.store_transactions
;
SELECT count(*) AS other_regions
  FROM sales.store_transactions
 WHERE region <> 'EU'
;
SELECT count(*) AS customers
  FROM customers.customers c
  JOIN sales.stores s ON s.region = c.region
 WHERE s.store_id = (SELECT min(store_id)
                       FROM sales.stores)
;
SELECT email
  FROM customers.customers
 ORDER BY customer_id
 LIMIT 10
;
COMMIT
;
-- psql -f stops-on-error.sql
SELECT 'before the refusal' AS marker
;
SELECT *
  FROM weather.stations_raw
 LIMIT 1
;
-- pgbench point-lookups.sql (-M simple sends the literal, extended and prepared $1)
SELECT * FROM sales.stores WHERE store_id = 17
;
SELECT * FROM sales.stores WHERE store_id = $1
;
SELECT count(*), sum(amount) FROM sales.store_transactions WHERE store_id = $1
;
SELECT day, amount, customer_email FROM sales.store_transactions WHERE store_id = $1 ORDER BY transaction_id LIMIT 3
;
SELECT count(*) AS unmasked FROM sales.store_transactions WHERE store_id = $1 AND customer_email NOT LIKE 'xxxx@%'
;
SELECT count(DISTINCT region) AS regions FROM sales.stores
;
-- pgbench pipeline.sql
SELECT name, email, region FROM customers.customers WHERE customer_id = $1
;
-- psycopg2 (parameters bound in the client)
SELECT region, count(*) FROM sales.store_transactions WHERE region IN ('EU', 'US') GROUP BY region
;
SELECT count(*) FROM customers.customers WHERE name <> 'O''Brien'
;
SELECT min(store_id) FROM sales.stores WHERE zip_code <> ''
;
SELECT customer_email FROM sales.store_transactions WHERE store_id = 3 ORDER BY transaction_id LIMIT 20
;
SELECT count(*) FROM sales.store_transactions WHERE amount > 20
;
SELECT transaction_id, day, amount FROM sales.store_transactions WHERE day >= '2025-01-01'::date ORDER BY transaction_id LIMIT 5
;
SELECT * FROM weather.stations_raw WHERE zip_code = '10115'
;
SELECT count(*) FROM sales.stores WHERE store_id > 0
;
ROLLBACK
;
-- psycopg 3 (parameters bound by the server, $n)
SELECT count(*) FROM sales.store_transactions WHERE amount > $1
;
SELECT count(*) FROM sales.stores WHERE store_id > $1
;
SELECT count(*) FROM customers.customers WHERE customer_id > $1
;
SELECT count(*) FROM weather.daily_temperatures WHERE min_temp > $1
;
SELECT region, count(*) FROM sales.store_transactions WHERE region IN ($1, $2) GROUP BY region
;
SELECT customer_email FROM sales.store_transactions WHERE store_id = $1 ORDER BY transaction_id LIMIT $2
;
SELECT transaction_id, day, amount FROM sales.store_transactions WHERE amount > $1 ORDER BY transaction_id LIMIT 5
;
SELECT min(store_id) FROM sales.stores WHERE zip_code <> $1
;
-- node-postgres
SHOW statement_timeout
;
SELECT region, count(*) AS transactions FROM sales.store_transactions GROUP BY region ORDER BY region
;
SELECT min(store_id) AS store FROM sales.stores WHERE zip_code <> $1
;
SELECT count(*) AS transactions FROM sales.store_transactions WHERE amount > $1 AND amount < $1 + 10
;
SELECT count(*) AS transactions FROM sales.store_transactions WHERE amount > $1
;
SELECT customer_id, email, region FROM customers.customers WHERE customer_id > $1 ORDER BY customer_id
;
SELECT * FROM weather.stations_raw WHERE zip_code = $1
;
-- asyncpg (asyncpg_client.py): every statement prepared with $n; the JIT probe and restore
-- around its type introspection (the introspection query itself is a catalog read)
SELECT region, count(*) FROM sales.store_transactions WHERE region = ANY($1::text[]) GROUP BY region
;
SELECT customer_email FROM sales.store_transactions WHERE store_id = $1 ORDER BY transaction_id LIMIT $2
;
SELECT customer_id, region, email FROM customers.customers WHERE customer_id > $1 ORDER BY customer_id
;
COPY (SELECT region, customer_email FROM sales.store_transactions WHERE amount > 20) TO STDOUT (FORMAT csv)
;
SELECT ARRAY[store_id, store_id + 1] AS ids, ARRAY[amount]::numeric[] AS amounts, numrange(amount, amount + 1) AS span, jsonb_build_object('email', customer_email) AS doc FROM sales.store_transactions WHERE amount > $1 ORDER BY transaction_id LIMIT 5
;
SELECT current_setting('jit') AS cur, set_config('jit', 'off', false) AS new
;
SELECT set_config('jit', $1, false)
;
COPY "sales"."store_transactions" ("region", "customer_email") TO STDOUT (FORMAT csv)
;
COPY "sales"."store_transactions" FROM STDIN (FORMAT binary)
;
-- asyncpg's pool reset: one simple Query of four statements, which the proxy splits
SELECT pg_advisory_unlock_all()
;
CLOSE ALL
;
UNLISTEN *
;
RESET ALL
;
SELECT count(*) FROM sales.stores WHERE store_id > $1
;
