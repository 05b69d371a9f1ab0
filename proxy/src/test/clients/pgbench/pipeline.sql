-- pgbench script of the client matrix (ClientMatrixIT): several Parse/Bind/Execute in one
-- pipeline, before a single Sync (needs -M extended or -M prepared).
\set id random(1, 60)
\startpipeline
SELECT * FROM sales.stores WHERE store_id = :id;
SELECT count(*), sum(amount) FROM sales.store_transactions WHERE store_id = :id;
SELECT name, email, region FROM customers.customers WHERE customer_id = :id;
\endpipeline
