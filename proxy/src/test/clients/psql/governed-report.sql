-- psql script of the client matrix (ClientMatrixIT): statements over several lines, psql
-- variables and \gset, a join and a subquery, an explicit transaction. Prints key=value lines,
-- then e-mail addresses (run it with -q).
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\set own_region 'EU'
BEGIN;
SELECT count(*) AS transactions
  FROM sales.store_transactions \gset
\echo transactions=:transactions
SELECT count(*) AS other_regions
  FROM sales.store_transactions
 WHERE region <> :'own_region' \gset
\echo other_regions=:other_regions
SELECT count(*) AS customers
  FROM customers.customers c
  JOIN sales.stores s ON s.region = c.region
 WHERE s.store_id = (SELECT min(store_id)
                       FROM sales.stores) \gset
\echo customers=:customers
\echo emails:
SELECT email
  FROM customers.customers
 ORDER BY customer_id
 LIMIT 10;
COMMIT;
