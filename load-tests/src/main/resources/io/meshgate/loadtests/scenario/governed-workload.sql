-- The governed workload of the Meshgate load tests: point lookups and small aggregates on demo
-- tables that have row filters and masks for the analyst alice (EU rows only; e-mail, phone and
-- birth date masked). {sales} and {customers} are the schemas: the data products themselves
-- through Meshgate, the masking views (over tables with row-level security) natively.
\set store random(1, 60)
\set customer random(1, 2000)
SELECT store_id, zip_code, region FROM {sales}.stores WHERE store_id = :store;
SELECT customer_id, name, email, phone, birth_date FROM {customers}.customers WHERE customer_id = :customer;
SELECT count(*), sum(amount) FROM {sales}.store_transactions WHERE store_id = :store;
SELECT day, amount, customer_email FROM {sales}.store_transactions WHERE store_id = :store ORDER BY transaction_id LIMIT 5;
SELECT region, count(*) FROM {customers}.customers GROUP BY region;
