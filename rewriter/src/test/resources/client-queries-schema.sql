-- The database the client-query fixtures were captured on (psql 15 -E, pgjdbc with
-- log_statement=all), in a fresh PostgreSQL 15 cluster: CREATE DATABASE mesh, then this
-- script. ClientQueriesIT builds the same, so the OIDs psql wrote into its queries match.
CREATE SCHEMA sales;
CREATE SCHEMA customers;
CREATE TABLE sales.stores (store_id integer PRIMARY KEY, zip_code text, region text);
COMMENT ON TABLE sales.stores IS 'One row per store';
CREATE TABLE sales.store_transactions (
  transaction_id bigint PRIMARY KEY,
  store_id integer REFERENCES sales.stores,
  day date,
  amount numeric(12,2) DEFAULT 0,
  customer_email text COLLATE "C",
  region text);
CREATE INDEX store_transactions_day ON sales.store_transactions (day);
COMMENT ON COLUMN sales.store_transactions.amount IS 'Gross amount';
CREATE TABLE customers.customers (
  customer_id integer PRIMARY KEY, name text, email text, phone text, birth_date date,
  region text);
CREATE VIEW sales.store_regions AS SELECT store_id, region FROM sales.stores;
CREATE FUNCTION sales.double_it(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a * 2';
CREATE TABLE sales.events (id integer, day date) PARTITION BY RANGE (day);
CREATE TABLE sales.events_2024 PARTITION OF sales.events
  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE FUNCTION sales.no_op() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER events_no_op AFTER INSERT ON sales.events
  FOR EACH ROW EXECUTE FUNCTION sales.no_op();
INSERT INTO sales.stores VALUES (1, '10115', 'EU'), (2, '94105', 'US');
INSERT INTO sales.store_transactions VALUES
  (1, 1, '2024-01-01', 10.50, 'a@example.com', 'EU'),
  (2, 2, '2024-01-02', 20.00, 'b@example.com', 'US');
-- Added after the psql and pgjdbc captures, so the OIDs above are unchanged: a free-standing
-- enum and composite type, which DBeaver's, Npgsql's and Metabase's type reads look for.
CREATE TYPE sales.store_size AS ENUM ('small', 'large');
CREATE TYPE sales.address AS (street text, city text);
