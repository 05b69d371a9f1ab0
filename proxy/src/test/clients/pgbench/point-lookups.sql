-- pgbench script of the client matrix (ClientMatrixIT): point lookups and small aggregates on the
-- demo mesh. Run with -D expected_regions=N (the regions the user may see); a governed result
-- that is wrong aborts the client, which makes pgbench exit non-zero.
\set id random(1, 60)
SELECT * FROM sales.stores WHERE store_id = :id;
SELECT count(*), sum(amount) FROM sales.store_transactions WHERE store_id = :id;
SELECT day, amount, customer_email FROM sales.store_transactions WHERE store_id = :id ORDER BY transaction_id LIMIT 3;
-- Masks hold: the user's own predicate sees masked addresses only.
SELECT count(*) AS unmasked FROM sales.store_transactions WHERE store_id = :id AND customer_email NOT LIKE 'xxxx@%' \gset
\if :unmasked != 0
  \set governance_failed 1 / 0
\endif
-- Row filters hold: only the regions the user may see.
SELECT count(DISTINCT region) AS regions FROM sales.stores \gset
\if :regions != :expected_regions
  \set governance_failed 1 / 0
\endif
