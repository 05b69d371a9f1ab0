-- TPC-H schema (specification 3.0.1, clause 1.4) in PostgreSQL types, schema tpch. Used by the
-- TPC-H integration tests (proxy/.../tpch), the parse share report (rewriter ParseShareTest)
-- and the rewrite benchmark (load-tests/bin/jmh). One CREATE TABLE per statement, one column
-- per line, keys added after loading.
CREATE TABLE tpch.region (
  r_regionkey integer NOT NULL,
  r_name character(25) NOT NULL,
  r_comment character varying(152) NOT NULL);
CREATE TABLE tpch.nation (
  n_nationkey integer NOT NULL,
  n_name character(25) NOT NULL,
  n_regionkey integer NOT NULL,
  n_comment character varying(152) NOT NULL);
CREATE TABLE tpch.part (
  p_partkey integer NOT NULL,
  p_name character varying(55) NOT NULL,
  p_mfgr character(25) NOT NULL,
  p_brand character(10) NOT NULL,
  p_type character varying(25) NOT NULL,
  p_size integer NOT NULL,
  p_container character(10) NOT NULL,
  p_retailprice numeric(15,2) NOT NULL,
  p_comment character varying(23) NOT NULL);
CREATE TABLE tpch.supplier (
  s_suppkey integer NOT NULL,
  s_name character(25) NOT NULL,
  s_address character varying(40) NOT NULL,
  s_nationkey integer NOT NULL,
  s_phone character(15) NOT NULL,
  s_acctbal numeric(15,2) NOT NULL,
  s_comment character varying(101) NOT NULL);
CREATE TABLE tpch.partsupp (
  ps_partkey integer NOT NULL,
  ps_suppkey integer NOT NULL,
  ps_availqty integer NOT NULL,
  ps_supplycost numeric(15,2) NOT NULL,
  ps_comment character varying(199) NOT NULL);
CREATE TABLE tpch.customer (
  c_custkey integer NOT NULL,
  c_name character varying(25) NOT NULL,
  c_address character varying(40) NOT NULL,
  c_nationkey integer NOT NULL,
  c_phone character(15) NOT NULL,
  c_acctbal numeric(15,2) NOT NULL,
  c_mktsegment character(10) NOT NULL,
  c_comment character varying(117) NOT NULL);
CREATE TABLE tpch.orders (
  o_orderkey bigint NOT NULL,
  o_custkey integer NOT NULL,
  o_orderstatus character(1) NOT NULL,
  o_totalprice numeric(15,2) NOT NULL,
  o_orderdate date NOT NULL,
  o_orderpriority character(15) NOT NULL,
  o_clerk character(15) NOT NULL,
  o_shippriority integer NOT NULL,
  o_comment character varying(79) NOT NULL);
CREATE TABLE tpch.lineitem (
  l_orderkey bigint NOT NULL,
  l_partkey integer NOT NULL,
  l_suppkey integer NOT NULL,
  l_linenumber integer NOT NULL,
  l_quantity numeric(15,2) NOT NULL,
  l_extendedprice numeric(15,2) NOT NULL,
  l_discount numeric(15,2) NOT NULL,
  l_tax numeric(15,2) NOT NULL,
  l_returnflag character(1) NOT NULL,
  l_linestatus character(1) NOT NULL,
  l_shipdate date NOT NULL,
  l_commitdate date NOT NULL,
  l_receiptdate date NOT NULL,
  l_shipinstruct character(25) NOT NULL,
  l_shipmode character(10) NOT NULL,
  l_comment character varying(44) NOT NULL);
ALTER TABLE tpch.region ADD PRIMARY KEY (r_regionkey);
ALTER TABLE tpch.nation ADD PRIMARY KEY (n_nationkey);
ALTER TABLE tpch.part ADD PRIMARY KEY (p_partkey);
ALTER TABLE tpch.supplier ADD PRIMARY KEY (s_suppkey);
ALTER TABLE tpch.partsupp ADD PRIMARY KEY (ps_partkey, ps_suppkey);
ALTER TABLE tpch.customer ADD PRIMARY KEY (c_custkey);
ALTER TABLE tpch.orders ADD PRIMARY KEY (o_orderkey);
ALTER TABLE tpch.lineitem ADD PRIMARY KEY (l_orderkey, l_linenumber);
