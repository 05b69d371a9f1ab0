-- SQL that BI tools generate for ordinary questions, written over the demo mesh's tables, one
-- statement per entry, each ending with a line that is only ';'. The comment line right before
-- a statement names it "<tool> <shape>: what it shows"; the proxy's BiToolQueriesIT runs every
-- entry through Meshgate as alice (EU rows only, e-mail, phone and birth date masked) in both
-- protocols and compares with the superuser's answer over alice's rows written out by hand, and
-- ParseShareTest counts them. Shapes were read from the tools' public sources and documentation:
-- Metabase's postgres driver (src/metabase/driver/postgres.clj: date-trunc, extract-integer,
-- add-interval, datetime-diff, convert-timezone, regex-match-first, split-part, json-query,
-- median) and its query processor's nested "source" queries and row cap; Superset's
-- PostgresBaseEngineSpec (time grains, convert_dttm, epoch_to_dttm) and its virtual_table and
-- series-limit wrappers; Grafana's PostgreSQL macros as documented; Tableau's and Power BI's
-- (folded Power Query) aliasing habits.
--
-- metabase date-trunc-month: DATE_TRUNC bucketing, three-part column names
SELECT DATE_TRUNC('month', "sales"."store_transactions"."day") AS "day", COUNT(*) AS "count" FROM "sales"."store_transactions" GROUP BY DATE_TRUNC('month', "sales"."store_transactions"."day") ORDER BY DATE_TRUNC('month', "sales"."store_transactions"."day") ASC
;
-- metabase nested-source: a question on a question, "source" subquery, row cap LIMIT 1048575
SELECT "source"."region" AS "region", COUNT(*) AS "count", SUM("source"."amount") AS "sum" FROM (SELECT "sales"."store_transactions"."region" AS "region", "sales"."store_transactions"."amount" AS "amount", "sales"."store_transactions"."customer_email" AS "customer_email" FROM "sales"."store_transactions" WHERE "sales"."store_transactions"."amount" > 10) AS "source" GROUP BY "source"."region" ORDER BY "source"."region" ASC LIMIT 1048575
;
-- metabase cast-date-bucket: day bucketing of a timestamp column, CAST(... AS date)
SELECT CAST("weather"."hourly_temperatures"."hour" AS date) AS "hour", AVG("weather"."hourly_temperatures"."avg_temp") AS "avg" FROM "weather"."hourly_temperatures" GROUP BY CAST("weather"."hourly_temperatures"."hour" AS date) ORDER BY CAST("weather"."hourly_temperatures"."hour" AS date) ASC LIMIT 1048575
;
-- metabase date-trunc-date-column: DATE_TRUNC of a date column cast back to date, quarter
SELECT CAST(DATE_TRUNC('quarter', "sales"."store_transactions"."day") AS date) AS "day", CAST(extract(quarter from CAST("sales"."store_transactions"."day" AS timestamp)) AS integer) AS "quarter", COUNT(*) AS "count" FROM "sales"."store_transactions" GROUP BY 1, 2 ORDER BY 1 ASC
;
-- metabase extract-day-of-week: CAST(extract(dow ...) AS integer) + 1, year of era
SELECT CAST(extract(dow from CAST("sales"."store_transactions"."day" AS timestamp)) AS integer) + 1 AS "day", CAST(extract(year from CAST("sales"."store_transactions"."day" AS timestamp)) AS integer) AS "year", COUNT(*) AS "count" FROM "sales"."store_transactions" GROUP BY 1, 2 ORDER BY 1 ASC, 2 ASC
;
-- metabase week-start-adjusted: week buckets starting on Sunday, INTERVAL '1 day' arithmetic
SELECT (DATE_TRUNC('week', ("sales"."store_transactions"."day" + INTERVAL '1 day')) + INTERVAL '-1 day') AS "day", COUNT(*) AS "count" FROM "sales"."store_transactions" GROUP BY 1 ORDER BY 1 ASC
;
-- metabase hour-of-day-make-time: make_time(extract(hour ...)::integer, 0, 0.0)
SELECT make_time(extract(hour from "weather"."hourly_temperatures"."hour")::integer, 0, 0.0) AS "hour", MAX("weather"."hourly_temperatures"."max_temp") AS "max" FROM "weather"."hourly_temperatures" GROUP BY 1 ORDER BY 1 ASC
;
-- metabase timestamptz-literals: filter with timestamp with time zone '...' literals
SELECT COUNT(*) AS "count" FROM "sales"."store_transactions" WHERE ("sales"."store_transactions"."day" >= timestamp with time zone '2025-01-01 00:00:00.000Z') AND ("sales"."store_transactions"."day" < timestamp with time zone '2025-07-01 00:00:00.000Z')
;
-- metabase relative-dates: NOW() + INTERVAL '-n day', date + interval cast back to date
SELECT COUNT(*) AS "count" FROM "sales"."store_transactions" WHERE ("sales"."store_transactions"."day" >= DATE_TRUNC('day', NOW() + INTERVAL '-3650 day')) AND ("sales"."store_transactions"."day" < CAST((CAST(NOW() AS date) + INTERVAL '1 day') AS date))
;
-- metabase count-distinct: distinct count of a plain and of a masked column
SELECT COUNT(distinct "sales"."store_transactions"."store_id") AS "count", COUNT(distinct "sales"."store_transactions"."customer_email") AS "count_2" FROM "sales"."store_transactions"
;
-- metabase percentile-median: median and percentile as ordered-set aggregates
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "sales"."store_transactions"."amount") AS "median", percentile_disc(0.9) WITHIN GROUP (ORDER BY "sales"."store_transactions"."amount") AS "p90" FROM "sales"."store_transactions"
;
-- metabase numeric-bins: auto-binning FLOOR((x - min) / width) * width + min
SELECT ((FLOOR((("sales"."store_transactions"."amount" - 0.0) / 25.0)) * 25.0) + 0.0) AS "amount", COUNT(*) AS "count" FROM "sales"."store_transactions" GROUP BY ((FLOOR((("sales"."store_transactions"."amount" - 0.0) / 25.0)) * 25.0) + 0.0) ORDER BY ((FLOOR((("sales"."store_transactions"."amount" - 0.0) / 25.0)) * 25.0) + 0.0) ASC
;
-- metabase case-bins: custom column with CASE, grouped by its expression
SELECT CASE WHEN "sales"."store_transactions"."amount" < 50 THEN 'small' WHEN "sales"."store_transactions"."amount" < 200 THEN 'medium' ELSE 'large' END AS "size", COUNT(*) AS "count" FROM "sales"."store_transactions" GROUP BY CASE WHEN "sales"."store_transactions"."amount" < 50 THEN 'small' WHEN "sales"."store_transactions"."amount" < 200 THEN 'medium' ELSE 'large' END ORDER BY 1 ASC
;
-- metabase aggregates-with-casts: AVG, SUM of a CAST, share as CAST(SUM(CASE ...)) / NULLIF(COUNT(*), 0)
SELECT AVG("sales"."store_transactions"."amount") AS "avg", SUM(CAST("sales"."store_transactions"."store_id" AS double precision)) AS "sum", CAST(SUM(CASE WHEN "sales"."store_transactions"."amount" > 30 THEN 1 ELSE 0.0 END) AS double precision) / NULLIF(CAST(COUNT(*) AS double precision), 0.0) AS "share" FROM "sales"."store_transactions"
;
-- metabase count-where: COUNT(CASE ...), SUM(CASE ...) over a masked column, COUNT(DISTINCT CASE ...)
SELECT COUNT(CASE WHEN "sales"."store_transactions"."amount" > 30 THEN 1 END) AS "count_where", SUM(CASE WHEN "sales"."store_transactions"."customer_email" LIKE 'xxxx@%' THEN 1 ELSE 0.0 END) AS "masked", COUNT(DISTINCT CASE WHEN "sales"."store_transactions"."amount" > 30 THEN "sales"."store_transactions"."store_id" END) AS "stores" FROM "sales"."store_transactions"
;
-- metabase between-and-contains: BETWEEN dates and LIKE '%x%' on a masked column
SELECT "sales"."store_transactions"."transaction_id" AS "transaction_id", "sales"."store_transactions"."customer_email" AS "customer_email" FROM "sales"."store_transactions" WHERE ("sales"."store_transactions"."day" BETWEEN date '2025-01-01' AND date '2025-03-31') AND ("sales"."store_transactions"."customer_email" LIKE '%example%') ORDER BY "sales"."store_transactions"."transaction_id" ASC LIMIT 2000
;
-- metabase case-insensitive-contains: LOWER(x) LIKE, NOT (x IS NULL), OR ... = ''
SELECT COUNT(*) AS "count" FROM "customers"."customers" WHERE (LOWER("customers"."customers"."email") LIKE '%xxxx@example%') AND (NOT ("customers"."customers"."phone" IS NULL)) AND ((LOWER("customers"."customers"."name") LIKE '%a%') OR ("customers"."customers"."name" = ''))
;
-- metabase starts-with-masked: a predicate on a masked column sees the mask, not the address
SELECT COUNT(*) AS "count" FROM "customers"."customers" WHERE "customers"."customers"."email" LIKE 'a%'
;
-- metabase coalesce-not-null: COALESCE, NOT (x IS NULL), ORDER BY an aggregate alias
SELECT COALESCE("sales"."store_transactions"."customer_email", '') AS "email", COUNT(*) AS "count" FROM "sales"."store_transactions" WHERE NOT ("sales"."store_transactions"."customer_email" IS NULL) GROUP BY COALESCE("sales"."store_transactions"."customer_email", '') ORDER BY "count" DESC, "email" ASC LIMIT 10
;
-- metabase implicit-join: LEFT JOIN "sales"."stores" AS "Stores" on a foreign key
SELECT "Stores"."zip_code" AS "Stores__zip_code", SUM("sales"."store_transactions"."amount") AS "sum" FROM "sales"."store_transactions" LEFT JOIN "sales"."stores" AS "Stores" ON "sales"."store_transactions"."store_id" = "Stores"."store_id" GROUP BY "Stores"."zip_code" ORDER BY "Stores"."zip_code" ASC
;
-- metabase cumulative-sum: SUM(SUM(x)) OVER (ORDER BY ... ROWS UNBOUNDED PRECEDING)
SELECT "source"."day" AS "day", SUM(SUM("source"."amount")) OVER (ORDER BY "source"."day" ASC ROWS UNBOUNDED PRECEDING) AS "sum" FROM (SELECT DATE_TRUNC('month', "sales"."store_transactions"."day") AS "day", "sales"."store_transactions"."amount" AS "amount" FROM "sales"."store_transactions") AS "source" GROUP BY "source"."day" ORDER BY "source"."day" ASC
;
-- metabase offset-lag: LAG over a nested source
SELECT "source"."day" AS "day", "source"."sum" AS "sum", LAG("source"."sum", 1) OVER (ORDER BY "source"."day" ASC) AS "prev" FROM (SELECT DATE_TRUNC('month', "sales"."store_transactions"."day") AS "day", SUM("sales"."store_transactions"."amount") AS "sum" FROM "sales"."store_transactions" GROUP BY 1) AS "source" ORDER BY 1 ASC
;
-- metabase regex-and-split: substring(x FROM pattern), CASE ... split_part over a masked column
SELECT substring("sales"."store_transactions"."customer_email" FROM '@(.*)$') AS "domain", CASE WHEN 2 < 1 THEN '' ELSE split_part("sales"."store_transactions"."customer_email", '@', 1) END AS "local", COUNT(*) AS "count" FROM "sales"."store_transactions" GROUP BY 1, 2 ORDER BY 1 ASC, 2 ASC
;
-- metabase datetime-diff: age() in years over a masked birth date, date - date in days
SELECT CAST(extract(year from age(DATE_TRUNC('day', CAST('2026-01-01' AS timestamp)), DATE_TRUNC('day', "customers"."customers"."birth_date"))) AS integer) AS "age", COUNT(*) AS "count" FROM "customers"."customers" GROUP BY 1 ORDER BY 1 ASC
;
-- metabase convert-timezone: timezone(target, timezone(source, x))
SELECT timezone('Europe/Paris', timezone('UTC', "weather"."hourly_temperatures"."hour")) AS "hour", AVG("weather"."hourly_temperatures"."avg_temp") AS "avg" FROM "weather"."hourly_temperatures" WHERE "weather"."hourly_temperatures"."zip_code" = '10115' GROUP BY 1 ORDER BY 1 ASC LIMIT 48
;
-- metabase json-path: (doc #>> array['n']::text[])::bigint on a jsonb built from governed columns
SELECT (jsonb_build_object('email', "sales"."store_transactions"."customer_email", 'n', "sales"."store_transactions"."store_id") #>> array['email']::text[])::text AS "email", COUNT(*) AS "count" FROM "sales"."store_transactions" GROUP BY 1 ORDER BY 1 ASC
;
-- superset time-grain: DATE_TRUNC('week', col) AS __timestamp, TO_TIMESTAMP range, ORDER BY metric, LIMIT 10000
SELECT DATE_TRUNC('week', day) AS __timestamp, region AS region, SUM(amount) AS "SUM(amount)" FROM sales.store_transactions WHERE day >= TO_TIMESTAMP('2025-01-01 00:00:00.000000', 'YYYY-MM-DD HH24:MI:SS.US') AND day < TO_TIMESTAMP('2026-01-01 00:00:00.000000', 'YYYY-MM-DD HH24:MI:SS.US') GROUP BY DATE_TRUNC('week', day), region ORDER BY "SUM(amount)" DESC LIMIT 10000
;
-- superset to-date: TO_DATE filter on a date column, grain plus an interval
SELECT DATE_TRUNC('day', day) + INTERVAL '1 day' AS __timestamp, count(*) AS count FROM sales.store_transactions WHERE day >= TO_DATE('2025-03-01', 'YYYY-MM-DD') GROUP BY DATE_TRUNC('day', day) + INTERVAL '1 day' ORDER BY __timestamp LIMIT 10000
;
-- superset epoch-to-dttm: (timestamp 'epoch' + col * interval '1 second')
SELECT (timestamp 'epoch' + store_id * interval '1 second') AS __timestamp, count(*) AS count FROM sales.store_transactions GROUP BY (timestamp 'epoch' + store_id * interval '1 second') ORDER BY 1 LIMIT 10000
;
-- superset virtual-table: a virtual dataset's SQL wrapped as virtual_table, columns and a masked one
SELECT region AS region, store_id AS store_id, amount AS amount, customer_email AS customer_email FROM (SELECT region, store_id, amount, customer_email FROM sales.store_transactions WHERE amount > 100) AS virtual_table ORDER BY store_id, amount, customer_email LIMIT 1000
;
-- superset virtual-table-metrics: COUNT_DISTINCT and COUNT(*) over SELECT * wrapped as virtual_table
SELECT region AS region, count(DISTINCT store_id) AS "COUNT_DISTINCT(store_id)", COUNT(*) AS count FROM (SELECT * FROM sales.store_transactions) AS virtual_table GROUP BY region ORDER BY count DESC LIMIT 10000
;
-- superset series-limit: JOIN (... ORDER BY mme_inner__ DESC LIMIT 5) AS series_limit
SELECT DATE_TRUNC('month', day) AS __timestamp, store_id AS store_id, sum(amount) AS "SUM(amount)" FROM sales.store_transactions JOIN (SELECT store_id AS store_id__, sum(amount) AS mme_inner__ FROM sales.store_transactions GROUP BY store_id ORDER BY mme_inner__ DESC LIMIT 5) AS series_limit ON store_id = store_id__ GROUP BY DATE_TRUNC('month', day), store_id ORDER BY "SUM(amount)" DESC LIMIT 10000
;
-- superset rollup: GROUP BY ROLLUP with GROUPING() (pivot subtotals)
SELECT region, store_id, sum(amount) AS "SUM(amount)", GROUPING(region, store_id) AS g FROM sales.store_transactions GROUP BY ROLLUP (region, store_id) ORDER BY 1, 2
;
-- superset filter-values: SELECT DISTINCT for a native filter, LIMIT 1000
SELECT DISTINCT region AS region FROM sales.store_transactions LIMIT 1000
;
-- superset sql-lab-row-limit: SQL Lab's LIMIT on an aggregate with an unquoted alias
SELECT extract(year from day) AS year, extract(month from day) AS month, count(*) AS count FROM sales.store_transactions GROUP BY year, month ORDER BY year, month LIMIT 1001
;
-- grafana time-filter: $__time(day), $__timeFilter(day) as BETWEEN '...Z' AND '...Z'
SELECT day AS "time", amount AS value FROM sales.store_transactions WHERE day BETWEEN '2025-01-01T00:00:00Z' AND '2025-03-01T00:00:00Z' ORDER BY 1, 2
;
-- grafana time-group-alias: $__timeGroupAlias(day, 1d) as floor(extract(epoch from day)/86400)*86400 AS "time"
SELECT floor(extract(epoch from day)/86400)*86400 AS "time", sum(amount) AS "amount", region AS metric FROM sales.store_transactions WHERE day BETWEEN '2025-01-01T00:00:00Z' AND '2025-03-01T00:00:00Z' GROUP BY 1, 3 ORDER BY 1, 3
;
-- grafana unix-epoch-filter: $__unixEpochFilter over extract(epoch ...), to_timestamp
SELECT to_timestamp(floor(extract(epoch from day))) AS "time", count(*) AS "count" FROM sales.store_transactions WHERE extract(epoch from day) >= 1735689600 AND extract(epoch from day) <= 1740787200 GROUP BY 1 ORDER BY 1
;
-- grafana hourly-group: $__timeGroupAlias(hour, 1h), multi-value variable IN ('a','b')
SELECT floor(extract(epoch from hour)/3600)*3600 AS "time", avg(avg_temp) AS "avg_temp" FROM weather.hourly_temperatures WHERE hour BETWEEN '2025-06-02T00:00:00Z' AND '2025-06-03T00:00:00Z' AND zip_code IN ('10115','75001') GROUP BY 1 ORDER BY 1
;
-- tableau table-alias: "schema"."table" "table" aliases without AS, "sum:amount:ok" names, SUM(1)
SELECT "store_transactions"."region" AS "region", SUM("store_transactions"."amount") AS "sum:amount:ok", SUM(1) AS "cnt:Number of Records:ok" FROM "sales"."store_transactions" "store_transactions" GROUP BY 1
;
-- tableau cast-text-t0: CAST(... AS TEXT) inside a "t0" subquery
SELECT "t0"."store_id" AS "store_id", "t0"."x_measure__0" AS "sum:amount:ok" FROM (SELECT CAST("store_transactions"."store_id" AS TEXT) AS "store_id", SUM("store_transactions"."amount") AS "x_measure__0" FROM "sales"."store_transactions" "store_transactions" GROUP BY 1) "t0" ORDER BY 1
;
-- tableau probe: SELECT 1 ... LIMIT 1 (the same for every user who sees a row)
SELECT 1 AS "x" FROM "sales"."store_transactions" "store_transactions" LIMIT 1
;
-- tableau date-parts: CAST(TRUNC(EXTRACT(...)) AS INTEGER), DATE_TRUNC('MONTH', CAST(x AS TIMESTAMP WITHOUT TIME ZONE))
SELECT CAST(TRUNC(EXTRACT(YEAR FROM "store_transactions"."day")) AS INTEGER) AS "yr:day:ok", CAST(TRUNC(EXTRACT(MONTH FROM "store_transactions"."day")) AS INTEGER) AS "mn:day:ok", DATE_TRUNC('MONTH', CAST("store_transactions"."day" AS TIMESTAMP WITHOUT TIME ZONE)) AS "tmn:day:ok", COUNT(DISTINCT "store_transactions"."customer_email") AS "ctd:customer_email:ok" FROM "sales"."store_transactions" "store_transactions" GROUP BY 1, 2, 3
;
-- tableau having-and-timestamps: TIMESTAMP '...' bounds, HAVING (COUNT(1) > 0)
SELECT "t"."region" AS "region", COUNT(1) AS "cnt" FROM "sales"."store_transactions" "t" WHERE (("t"."day" >= (TIMESTAMP '2025-01-01 00:00:00.000')) AND ("t"."day" <= (TIMESTAMP '2025-06-30 00:00:00.000'))) GROUP BY 1 HAVING (COUNT(1) > 0)
;
-- tableau strings-and-regex: TO_CHAR, STRPOS, ~* on a masked column
SELECT TO_CHAR("t"."day", 'YYYY-MM') AS "ym", STRPOS("t"."customer_email", '@') AS "at", COUNT(*) AS "n" FROM "sales"."store_transactions" "t" WHERE ("t"."customer_email" ~* 'EXAMPLE\.(NET|COM)$') GROUP BY 1, 2
;
-- powerbi folded-aggregate: nested "_" and "rows" aliases, where not ... is null, limit 1000001
select "_"."region", "_"."a0" from (select "rows"."region" as "region", sum("rows"."amount") as "a0" from (select "_"."region" as "region", "_"."amount" as "amount" from "sales"."store_transactions" "_") "rows" group by "region") "_" where not "_"."a0" is null limit 1000001
;
-- powerbi table-alias: "$Table" alias, top rows
select "$Table"."transaction_id", "$Table"."customer_email" from "sales"."store_transactions" "$Table" order by "$Table"."transaction_id" limit 1000
;
-- powerbi distinct-count: count(distinct(x)) plus a null bucket
select count(distinct("_"."customer_email")) + max(case when "_"."customer_email" is null then 1 else 0 end) as "a0" from "sales"."store_transactions" "_"
;
