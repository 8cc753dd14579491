-- The customer pyramid (crm.value_tier_fit) and ABC classes (crm.abc_fit):
-- thresholds, ties at a cut point, small and degenerate inputs, applying a
-- stored model, the model's forms; CDNOW tier and class counts against plain
-- SQL; the share of high-value customers per quarter as a trend table.
CREATE SCHEMA value_tiers;
SET search_path = value_tiers, public;

-- 100 customers with values 1 .. 100: the default pyramid is exactly 1 / 4 / 15 / 80
CREATE TABLE hundred AS SELECT i AS id, i::float8 AS v FROM generate_series(1, 100) i;
SELECT crm.value_tier_fit(v) FROM hundred;
SELECT tier, name, cut_point, threshold, customers, customer_share, value, round(value_share::numeric, 6) AS value_share
FROM crm.value_tiers((SELECT crm.value_tier_fit(v) FROM hundred));
-- 7 % of 100 customers is 7 customers (0.07 * 100 = 7.000000000000001 in floating point)
SELECT customers FROM crm.value_tiers((SELECT crm.value_tier_fit(v, '{0.07,1}') FROM hundred));
-- cut points without names: tiers named tier 1 .. tier k; with names
SELECT name, customers FROM crm.value_tiers((SELECT crm.value_tier_fit(v, '{0.1,0.5,1}') FROM hundred));
SELECT name, customers FROM crm.value_tiers((SELECT crm.value_tier_fit(v, '{0.1,0.5,1}', '{Gold,Silver,Bronze}') FROM hundred));

-- ties at a cut point go to the higher tier: values 10, 10, 10, 5, 5, 1 and
-- cut points 0.2 / 0.5: tier 1 ends at rank ceil(1.2) = 2 (value 10), tier 2 at
-- rank 3 (value 10 again), so all three 10s are Top and Mid is empty
CREATE TABLE tied AS SELECT * FROM (VALUES (1, 10.0::float8), (2, 10), (3, 10), (4, 5), (5, 5), (6, 1)) t(id, v);
SELECT tier, name, threshold, customers, value
FROM crm.value_tiers((SELECT crm.value_tier_fit(v, '{0.2,0.5,1}', '{Top,Mid,Low}') FROM tied));
SELECT id, v, crm.value_tier(m, v) AS tier, crm.value_tier_number(m, v) AS number
FROM tied, (SELECT crm.value_tier_fit(v, '{0.2,0.5,1}', '{Top,Mid,Low}') AS m FROM tied) x ORDER BY id;

-- fewer customers than tiers: every tier has at least one customer's rank, so
-- one customer is Platinum; ten customers 1 .. 10 give 1 / 0 / 1 / 8
SELECT name, threshold, customers FROM crm.value_tiers((SELECT crm.value_tier_fit(42.0)));
SELECT name, threshold, customers FROM crm.value_tiers((SELECT crm.value_tier_fit(v) FROM hundred WHERE id <= 10));
-- all values equal (or all 0): everyone ties with the top customer
SELECT name, customers FROM crm.value_tiers((SELECT crm.value_tier_fit(5.0) FROM generate_series(1, 50)));
SELECT name, customers, value_share FROM crm.value_tiers((SELECT crm.value_tier_fit(0.0) FROM generate_series(1, 3)));

-- applying a stored model: values above the fitted range go to the top tier,
-- below it (0 included) to the last
SELECT v, crm.value_tier(m, v), crm.value_tier_number(m, v)
FROM (SELECT crm.value_tier_fit(v) AS m FROM hundred) x, (VALUES (1e9::float8), (96), (95.5), (81), (80.99), (0)) t(v);
SELECT crm.value_tier(NULL, 1) IS NULL AS null_model, crm.value_tier(crm.value_tier_fit(v), NULL) IS NULL AS null_value
FROM hundred;

-- NULL rows are skipped; no rows and only NULL rows give NULL
SELECT crm.customers(crm.value_tier_fit(v)) FROM (SELECT v FROM hundred UNION ALL SELECT NULL) x;
SELECT crm.value_tier_fit(v) IS NULL AS empty_is_null, crm.abc_fit(v) IS NULL AS abc_empty_is_null FROM hundred WHERE false;
SELECT crm.value_tier_fit(NULL::float8) IS NULL AS all_null_is_null, crm.abc_fit(NULL::float8) IS NULL AS abc_all_null_is_null
FROM hundred;

-- ABC: A up to 80 % of the value, B up to 95 %, C the rest.  Values 50, 30,
-- 10, 5, 5: A ends with the customer who crosses 80 % (30: 50 + 30 = 80), B
-- with the one who reaches 95 % (a 5), and the other 5 ties with it: C is empty
CREATE TABLE abc5 AS SELECT * FROM (VALUES (1, 50.0::float8), (2, 30), (3, 10), (4, 5), (5, 5)) t(id, v);
SELECT crm.abc_fit(v) FROM abc5;
SELECT id, v, crm.abc_class(m, v) FROM abc5, (SELECT crm.abc_fit(v) AS m FROM abc5) x ORDER BY id;
SELECT crm.abc_class(m, v) AS class, v FROM (SELECT crm.abc_fit(v) AS m FROM abc5) x, (VALUES (35.0::float8), (29.9), (5), (4.99), (0)) t(v);
-- 1 .. 100: A holds 56 customers (100 down to 45: 4060 of 5050 = 80.4 %), B 23, C 21
SELECT name, threshold, customers, value, round(value_share::numeric, 6) AS value_share
FROM crm.value_tiers((SELECT crm.abc_fit(v) FROM hundred));
-- other shares; the defaults are 0.8 and 0.95
SELECT name, threshold, customers FROM crm.value_tiers((SELECT crm.abc_fit(v, 0.5, 0.9) FROM hundred));
SELECT crm.abc_fit(v)::text = crm.abc_fit(v, 0.8, 0.95)::text AS defaults_are_80_95 FROM hundred;
-- all values 0 or all equal: everyone ties with the top customer, so all are A
SELECT name, customers FROM crm.value_tiers((SELECT crm.abc_fit(0.0) FROM generate_series(1, 4)));
SELECT name, customers FROM crm.value_tiers((SELECT crm.abc_fit(2.5) FROM generate_series(1, 4)));
-- a value-share cut is met within rounding: 8 x 0.1 and 4 x 0.05 sum to 1.0, the
-- eight 0.1s hold exactly 80 % (0.7999999999999999 in floating point) and are A
SELECT name, threshold, customers FROM crm.value_tiers((SELECT crm.abc_fit(v) FROM
	(SELECT 0.1::float8 AS v FROM generate_series(1, 8) UNION ALL SELECT 0.05 FROM generate_series(1, 4)) x));

-- the model's forms: one line that round-trips, binary, jsonb, accessors
CREATE TABLE models AS
SELECT 'pyramid' AS what, crm.value_tier_fit(v, '{0.1,0.5,1}', '{"Go\"ld","Sil\\ver","Bron,ze"}') AS m FROM hundred
UNION ALL SELECT 'abc', crm.abc_fit(v) FROM hundred;
SELECT what, m FROM models ORDER BY what;
SELECT count(*) AS text_round_trip_differs FROM models WHERE m::text::crm.value_tier_model::text <> m::text;
\copy models TO 'results/value_tiers.bin' WITH (FORMAT binary)
CREATE TABLE models_back (LIKE models);
\copy models_back FROM 'results/value_tiers.bin' WITH (FORMAT binary)
SELECT count(*) AS binary_round_trip_differs FROM models a JOIN models_back b USING (what) WHERE a.m::text <> b.m::text;
SELECT jsonb_pretty(m::jsonb) FROM models WHERE what = 'abc';
SELECT what, crm.value_tier_kind(m), crm.customers(m), crm.total_value(m) FROM models ORDER BY what;
SELECT crm.value_tier(m, 10) FROM models WHERE what = 'pyramid';

-- ---------------------------------------------------------------------------
-- CDNOW: total spend per customer up to 1997-09-30 (2357 customers)
-- ---------------------------------------------------------------------------
\i test/load/cdnow.sql
CREATE TABLE cdnow AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).monetary_total AS v
FROM cdnow_log GROUP BY customer_id;
CREATE TABLE ranked AS
SELECT v, row_number() OVER (ORDER BY v DESC) AS rank_desc,
       sum(v) OVER (ORDER BY v DESC ROWS UNBOUNDED PRECEDING) AS top_sum, sum(v) OVER () AS total
FROM cdnow;
CREATE TABLE pyramid AS SELECT crm.value_tier_fit(v) AS m FROM cdnow;
-- the pyramid at the default cut points: tiers end at ranks ceil(0.01 * 2357) =
-- 24, 118, 472 and 2357; one customer has each threshold spend, so the counts
-- are exactly 24 / 94 / 354 / 1885 (ties at a threshold would go up)
SELECT tier, name, cut_point, round(threshold::numeric, 2) AS threshold,
       (SELECT count(*) FROM cdnow WHERE v = threshold) AS at_threshold, customers,
       round(customer_share::numeric, 4) AS customer_share, round(value::numeric, 2) AS value,
       round(value_share::numeric, 4) AS value_share
FROM pyramid, crm.value_tiers(m);
-- the same in plain SQL: thresholds are the values at those ranks, a customer
-- is in the first tier whose threshold the value reaches
WITH th AS MATERIALIZED (SELECT c.tier, (SELECT v FROM ranked WHERE rank_desc = greatest(1, ceil(c.cut * 2357))) AS t
            FROM (VALUES (1, 0.01), (2, 0.05), (3, 0.2), (4, 1)) c(tier, cut)),
sql_tiers AS (SELECT coalesce((SELECT min(tier) FROM th WHERE tier < 4 AND v >= t), 4) AS tier, count(*) AS customers,
                     sum(v) AS value
              FROM cdnow GROUP BY 1)
SELECT t.tier, t.customers = s.customers AS customers_equal, abs(t.value - s.value) < 1e-9 AS value_equal,
       t.threshold = th.t AS threshold_equal
FROM pyramid, crm.value_tiers(m) t JOIN th USING (tier) LEFT JOIN sql_tiers s USING (tier) ORDER BY t.tier;
-- every customer's tier equals the SQL rule
WITH th AS MATERIALIZED (SELECT c.tier, (SELECT v FROM ranked WHERE rank_desc = ceil(c.cut * 2357)) AS t
            FROM (VALUES (1, 0.01), (2, 0.05), (3, 0.2)) c(tier, cut))
SELECT count(*) FILTER (WHERE crm.value_tier_number(m, v) <> coalesce((SELECT min(tier) FROM th WHERE v >= t), 4)) AS differ
FROM cdnow, pyramid;
-- the number of transactions has many ties:
-- the ranks 24, 118 and 472 fall inside runs of customers with 12, 6 and 3
-- transactions, who all go to the higher tier
CREATE TABLE cdnow_tx AS SELECT customer_id, count(*)::float8 AS tx FROM cdnow_log
WHERE purchased_on <= date '1997-09-30' GROUP BY 1;
SELECT tier, name, threshold, (SELECT count(*) FROM cdnow_tx WHERE tx = threshold) AS at_threshold, customers
FROM crm.value_tiers((SELECT crm.value_tier_fit(tx) FROM cdnow_tx));
WITH r AS (SELECT tx, row_number() OVER (ORDER BY tx DESC) AS rank_desc FROM cdnow_tx),
th AS MATERIALIZED (SELECT c.tier, (SELECT tx FROM r WHERE rank_desc = ceil(c.cut * 2357)) AS t
       FROM (VALUES (1, 0.01), (2, 0.05), (3, 0.2)) c(tier, cut))
SELECT count(*) FILTER (WHERE crm.value_tier_number(m, tx) <> coalesce((SELECT min(tier) FROM th WHERE tx >= t), 4)) AS differ
FROM cdnow_tx, (SELECT crm.value_tier_fit(tx) AS m FROM cdnow_tx) x;
-- ABC classes on CDNOW against SQL: a class ends at the first customer whose
-- cumulative spend reaches 80 % / 95 % of the total
SELECT name, cut_point, round(threshold::numeric, 2) AS threshold, customers,
       round(customer_share::numeric, 4) AS customer_share, round(value_share::numeric, 4) AS value_share
FROM crm.value_tiers((SELECT crm.abc_fit(v) FROM cdnow));
WITH th AS MATERIALIZED (SELECT c.class, (SELECT v FROM ranked WHERE top_sum >= c.cut * total ORDER BY rank_desc LIMIT 1) AS t
            FROM (VALUES ('A', 0.8), ('B', 0.95)) c(class, cut))
SELECT count(*) AS customers,
       count(*) FILTER (WHERE crm.abc_class(m, v) <> coalesce((SELECT min(class) FROM th WHERE v >= t), 'C')) AS differ
FROM cdnow, (SELECT crm.abc_fit(v) AS m FROM cdnow) x;

-- the share of high-value customers per quarter, as a trend table: the pyramid
-- is fitted once on the customers' spend in 1997 Q1 and applied to each
-- quarter's spend; the concentration of each quarter beside it
CREATE TABLE quarterly AS
SELECT date_trunc('quarter', purchased_on)::date AS quarter, customer_id, sum(amount) AS spend
FROM cdnow_log GROUP BY 1, 2;
CREATE TABLE q1_pyramid AS SELECT crm.value_tier_fit(spend) AS m FROM quarterly WHERE quarter = '1997-01-01';
SELECT name, round(threshold::numeric, 2) AS threshold, customers FROM q1_pyramid, crm.value_tiers(m);
SELECT to_char(quarter, 'YYYY "Q"Q') AS quarter, count(*) AS active_customers,
       count(*) FILTER (WHERE crm.value_tier_number(m, spend) <= 2) AS platinum_or_gold,
       round(100.0 * avg((crm.value_tier_number(m, spend) <= 2)::int), 2) AS pct_high_value,
       round((100 * crm.top_share(crm.concentration_fit(spend), 0.2))::numeric, 1) AS pct_spend_top_20
FROM quarterly, q1_pyramid GROUP BY quarter ORDER BY quarter;
