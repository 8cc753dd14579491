-- Lifecycle stages: the stage model, the stage of a customer as of a date
-- (from purchase dates and from a customer summary, with P(alive)), stage
-- paths over a date series, stage counts and flows; each equal to a
-- plain-SQL computation on a seeded log, ties and month thresholds
-- explicit, forced-parallel and merged states equal to serial, text round
-- trips, and every error.
CREATE SCHEMA lifecycle_stage;
SET search_path = lifecycle_stage, public;
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql

-- ---- the model ---------------------------------------------------------------
SELECT crm.lifecycle_model() AS default_model;
SELECT crm.lifecycle_model(interval '30 days', interval '1 month', interval '3 months 15 days', interval '1 year', 0.5, 0.1) AS custom;
SELECT crm.lifecycle_model()::jsonb AS as_jsonb;
SELECT m::text::crm.lifecycle_model::text = m::text AS round_trip
FROM (VALUES (crm.lifecycle_model()), (crm.lifecycle_model(interval '0 days', interval '1 month', interval '3 months 15 days', interval '2 years', 0.3, 0.1))) v(m);

-- ---- the stage as of a date, by hand -------------------------------------------
-- default model: new 90 days, active 90 days, lapsed after 180, lost after 365
SELECT label, crm.lifecycle_stage(crm.lifecycle_model(), purchases, date '2024-06-30') AS stage
FROM (VALUES
	('first purchase 10 days ago', ARRAY[date '2024-06-20']),
	('first 89 days ago: still new', ARRAY[date '2024-04-02']),
	('only purchase exactly 90 days ago: at risk', ARRAY[date '2024-04-01']),
	('regular buyer', ARRAY[date '2023-10-01', date '2024-02-01', date '2024-04-01', date '2024-05-15']),
	('last purchase 100 days ago', ARRAY[date '2023-01-05', date '2024-03-22']),
	('last purchase 179 days ago', ARRAY[date '2023-01-05', date '2024-01-03']),
	('last purchase 180 days ago', ARRAY[date '2023-01-05', date '2024-01-02']),
	('last purchase 364 days ago', ARRAY[date '2022-01-05', date '2023-07-02']),
	('last purchase 365 days ago', ARRAY[date '2022-01-05', date '2023-07-01']),
	('back after 200 days away', ARRAY[date '2023-01-05', date '2023-11-01', date '2024-05-19']),
	('back after exactly 180 days', ARRAY[date '2023-01-05', date '2023-11-22', date '2024-05-20']),
	('back after 179 days: active', ARRAY[date '2023-01-05', date '2023-11-23', date '2024-05-20']),
	('came back, then bought again soon', ARRAY[date '2023-01-05', date '2023-06-01', date '2024-04-02', date '2024-06-01']),
	('came back, over 90 days ago', ARRAY[date '2023-01-05', date '2023-06-01', date '2024-03-01', date '2024-06-01']),
	('back after a long gap: a tie, unordered, NULLs', ARRAY[date '2024-05-01', NULL, date '2023-01-05', date '2024-05-01']),
	('only purchases after as_of', ARRAY[date '2024-07-01']),
	('no purchases', ARRAY[]::date[])
) v(label, purchases);
-- month thresholds follow date + interval: 2024-01-31 + 1 month = 2024-02-29
SELECT as_of, crm.lifecycle_stage(crm.lifecycle_model(interval '0 days', interval '1 month', interval '2 months', interval '3 months'),
                                  ARRAY[date '2024-01-31'], as_of) AS stage
FROM unnest(ARRAY[date '2024-02-28', date '2024-02-29', date '2024-03-30', date '2024-03-31', date '2024-04-29', date '2024-04-30']) as_of;

-- ---- a seeded log: every stage equal to plain SQL -------------------------------
SELECT setseed(0.27);
CREATE TABLE log AS
SELECT c AS customer_id, date '2022-01-01' + (random() * 900)::int AS purchased_on
FROM generate_series(1, 3000) c, generate_series(1, 1 + (random() * random() * 12)::int);
-- a few customers with a long lapse and a return, and same-day ties
INSERT INTO log SELECT c, date '2022-02-01' FROM generate_series(3001, 3100) c;
INSERT INTO log SELECT c, date '2022-02-01' + 200 + c % 300 FROM generate_series(3001, 3100) c;
INSERT INTO log SELECT customer_id, purchased_on FROM log WHERE customer_id % 17 = 0;
ANALYZE log;
CREATE TABLE series AS
SELECT k, (date '2022-01-31' + k * interval '1 month')::date AS as_of FROM generate_series(0, 29) k;
-- the path of every customer, monthly from 2022-01-31 to 2024-06-30 (month ends stay month ends)
CREATE TABLE paths AS
SELECT customer_id, crm.stage_path(crm.lifecycle_model(), array_agg(purchased_on), date '2022-01-31', date '2024-07-30', interval '1 month') AS path
FROM log GROUP BY customer_id;
SELECT count(DISTINCT customer_id) AS customers, count(*) AS rows, min(as_of) AS first, max(as_of) AS last, count(DISTINCT as_of) AS dates
FROM paths, crm.stage_table(path);
-- plain SQL: first and last purchase up to the date, and the last purchase
-- that ended a gap of at least 180 days
CREATE VIEW plain_stage AS
WITH gaps AS (
	SELECT customer_id, purchased_on,
	       lag(purchased_on) OVER (PARTITION BY customer_id ORDER BY purchased_on) AS previous
	FROM log),
facts AS (
	SELECT g.customer_id, s.as_of, min(g.purchased_on) AS first, max(g.purchased_on) AS last,
	       max(g.purchased_on) FILTER (WHERE g.previous + interval '180 days' <= g.purchased_on) AS last_return
	FROM gaps g JOIN series s ON g.purchased_on <= s.as_of
	GROUP BY g.customer_id, s.as_of)
SELECT customer_id, as_of,
       CASE WHEN first + interval '90 days' > as_of THEN 'new'
            WHEN last + interval '90 days' > as_of THEN
                 CASE WHEN last_return + interval '90 days' > as_of THEN 'reactivated' ELSE 'active' END
            WHEN last + interval '180 days' > as_of THEN 'at_risk'
            WHEN last + interval '365 days' > as_of THEN 'lapsed'
            ELSE 'lost' END AS stage
FROM facts;
SELECT count(*) AS rows_compared,
       count(*) FILTER (WHERE t.stage IS DISTINCT FROM p.stage) AS differing,
       count(*) FILTER (WHERE t.stage IS NULL AND p.stage IS NULL) AS not_yet_customers
FROM paths CROSS JOIN LATERAL crm.stage_table(path) t
LEFT JOIN plain_stage p ON p.customer_id = paths.customer_id AND p.as_of = t.as_of;
-- every stage occurs
SELECT stage, count(*) FROM plain_stage GROUP BY stage ORDER BY stage;
-- the one-date function agrees with the path
SELECT count(*) FILTER (WHERE crm.lifecycle_stage(crm.lifecycle_model(), d.days, date '2023-10-31')
                        IS DISTINCT FROM (SELECT stage FROM crm.stage_table(p.path) WHERE as_of = date '2023-10-31')) AS differing
FROM paths p JOIN (SELECT customer_id, array_agg(purchased_on) AS days FROM log GROUP BY customer_id) d USING (customer_id);

-- ---- counts and flows ------------------------------------------------------------
CREATE TABLE counts AS SELECT crm.stage_counts(path) AS c FROM paths;
SELECT crm.customers(c) FROM counts;
SELECT count(*) AS rows_compared, count(*) FILTER (WHERE t.customers <> coalesce(p.n, 0)) AS differing,
       count(*) FILTER (WHERE abs(t.share - coalesce(p.n, 0)::float8 / p.total) > 1e-12) AS share_differing
FROM counts, crm.stage_count_table(c) t
LEFT JOIN (SELECT as_of, stage, count(*) AS n, sum(count(*)) OVER (PARTITION BY as_of) AS total
           FROM plain_stage GROUP BY 1, 2) p ON p.as_of = t.as_of AND p.stage = t.stage;
SELECT t.* FROM counts, crm.stage_count_table(c) t WHERE as_of IN (date '2022-01-31', date '2024-06-30');
-- flows: the stage at one date against the stage at the next (NULL = not yet a customer)
SELECT count(*) AS flows, sum(f.customers) AS customers,
       count(*) FILTER (WHERE f.customers IS DISTINCT FROM p.n) AS differing,
       count(*) FILTER (WHERE abs(f.row_share - p.n::float8 / p.row_total) > 1e-12) AS share_differing
FROM counts, crm.stage_flow_table(c) f
FULL JOIN (SELECT s1.as_of AS from_as_of, s2.as_of AS to_as_of, a.stage AS from_stage, b.stage AS to_stage, count(*) AS n,
                  sum(count(*)) OVER (PARTITION BY s1.as_of, a.stage) AS row_total
           FROM series s1 JOIN series s2 ON s2.k = s1.k + 1
           JOIN plain_stage b ON b.as_of = s2.as_of
           LEFT JOIN plain_stage a ON a.as_of = s1.as_of AND a.customer_id = b.customer_id
           GROUP BY 1, 2, 3, 4) p
  ON p.from_as_of = f.from_as_of AND p.from_stage IS NOT DISTINCT FROM f.from_stage AND p.to_stage = f.to_stage;
SELECT f.* FROM counts, crm.stage_flow_table(c) f WHERE from_as_of = date '2024-05-31' ORDER BY from_stage NULLS FIRST, to_stage;

-- ---- empty input, NULLs, parallel and merged states ---------------------------------
SELECT crm.stage_counts(path) IS NULL AS empty FROM paths WHERE false;
SELECT crm.stage_counts(NULL::crm.stage_path) IS NULL AS all_null FROM generate_series(1, 3);
SELECT crm.customers(crm.stage_counts(p)) AS nulls_skipped
FROM ((SELECT path FROM paths ORDER BY customer_id LIMIT 5) UNION ALL SELECT NULL) x(p);
CREATE TABLE serial AS SELECT crm.stage_counts(path)::text AS c FROM paths;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_partial_aggregate($q$SELECT crm.stage_counts(path) FROM paths$q$) AS partial_aggregate;
SELECT crm.stage_counts(path)::text = (SELECT c FROM serial) AS parallel_equals_serial FROM paths;
CREATE TABLE parts AS SELECT customer_id % 7 AS shard, crm.stage_counts(path) AS c FROM paths GROUP BY 1;
SELECT crm.stage_counts_merge(c)::text = (SELECT c FROM serial) AS merged FROM parts;
SELECT crm.stage_counts_merge(c::text::crm.stage_counts)::text = (SELECT c FROM serial) AS merged_via_text FROM parts;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT crm.stage_counts_combine(a.c, b.c)::text = (SELECT crm.stage_counts(path)::text FROM paths WHERE customer_id % 7 IN (1, 2)) AS combine
FROM parts a, parts b WHERE a.shard = 1 AND b.shard = 2;

-- ---- text forms ------------------------------------------------------------------
SELECT crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-15', date '2024-03-01'], date '2023-12-31', date '2024-09-30', interval '1 month') AS path;
SELECT path::text::crm.stage_path::text = path::text AS path_round_trip FROM paths WHERE customer_id <= 3;
SELECT crm.stage_counts(crm.stage_path(crm.lifecycle_model(), ARRAY[d], date '2024-01-31', date '2024-03-31', interval '1 month'))
FROM unnest(ARRAY[date '2024-01-15', date '2024-02-15', date '2024-02-20']) d;
SELECT c::text::crm.stage_counts::text = c::text AS counts_round_trip FROM counts;

-- ---- from a customer summary, with P(alive) ---------------------------------------------
CREATE TABLE summaries AS
SELECT customer_id, crm.summary(purchased_on, 0::float8, date '2023-10-31', interval '1 day') AS s
FROM log WHERE purchased_on <= date '2023-10-31' GROUP BY customer_id;
-- equal to the dated stage, reactivated read as active (a summary keeps no gaps)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE crm.lifecycle_stage(crm.lifecycle_model(), s)
                        IS DISTINCT FROM replace(p.stage, 'reactivated', 'active')) AS differing
FROM summaries JOIN plain_stage p ON p.customer_id = summaries.customer_id AND p.as_of = date '2023-10-31';
SELECT p_alive, crm.lifecycle_stage(crm.lifecycle_model(interval '90 days', interval '90 days', interval '180 days', interval '365 days', 0.5, 0.2),
                                    crm.summary(d, 0::float8, date '2024-06-30', interval '1 day'), p_alive) AS stage
FROM unnest(ARRAY[date '2023-01-05', date '2024-06-01']) d, unnest(ARRAY[0.9, 0.4, 0.1]) p_alive
GROUP BY p_alive ORDER BY p_alive DESC;
SELECT crm.lifecycle_stage(crm.lifecycle_model(interval '90 days', interval '90 days', interval '180 days', interval '365 days', 0.5, 0.2),
                           crm.summary(d, 0::float8, date '2024-06-30', interval '1 day'), 0.01) AS new_stays_new
FROM unnest(ARRAY[date '2024-06-01']) d;

-- ---- errors ------------------------------------------------------------------------
SELECT sqlstate_of($$SELECT crm.lifecycle_model(interval '90 days', interval '90 days 1 hour', interval '180 days', interval '1 year')$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_model(interval '90 days', interval '0 days', interval '180 days', interval '1 year')$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_model(interval '-1 days', interval '90 days', interval '180 days', interval '1 year')$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_model(interval '90 days', interval '200 days', interval '180 days', interval '1 year')$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_model(interval '90 days', interval '90 days', interval '180 days', interval '101 years')$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_model(interval '90 days', interval '90 days', interval '180 days', interval '1 year', 1.5, 0)$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_model(interval '90 days', interval '90 days', interval '180 days', interval '1 year', 'NaN', 0)$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_stage(crm.lifecycle_model(), ARRAY[date 'infinity'], date '2024-01-01')$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_stage(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '-infinity')$$);
SELECT sqlstate_of($$SELECT crm.lifecycle_stage(crm.lifecycle_model(), crm.summary(d, 0::float8, date '2024-06-30', interval '1 day'), 1.5) FROM unnest(ARRAY[date '2024-01-01']) d$$);
SELECT sqlstate_of($$SELECT crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2024-01-01', date '2024-12-31', interval '0 days')$$);
SELECT sqlstate_of($$SELECT crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2024-01-01', date '2024-12-31', interval '1 day 2 hours')$$);
SELECT sqlstate_of($$SELECT crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2024-01-01', date '2023-12-31', interval '1 day')$$);
SELECT sqlstate_of($$SELECT crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2000-01-01', date '2024-12-31', interval '1 day')$$);
SELECT sqlstate_of($$SELECT crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '4000-01-01 BC', date '4000-03-01 BC', interval '1 month')$$);
SELECT sqlstate_of($$SELECT crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2024-01-01', date 'infinity', interval '1 day')$$);
SELECT sqlstate_of($$SELECT crm.stage_counts(p) FROM (VALUES
	(crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2024-01-31', date '2024-03-31', interval '1 month')),
	(crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2024-01-31', date '2024-04-30', interval '1 month'))) v(p)$$);
SELECT sqlstate_of($$SELECT crm.stage_counts_combine(
	crm.stage_counts(crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2024-01-31', date '2024-03-31', interval '1 month')),
	crm.stage_counts(crm.stage_path(crm.lifecycle_model(), ARRAY[date '2024-01-01'], date '2024-01-31', date '2024-03-31', interval '2 months')))$$);
-- malformed and impossible text
SELECT sqlstate_of($$SELECT 'v1 new=90d active=0d lapsed=180d lost=365d at_risk_p_alive=0 lost_p_alive=0'::crm.lifecycle_model$$);
SELECT sqlstate_of($$SELECT 'v1 new=90x active=90d lapsed=180d lost=365d at_risk_p_alive=0 lost_p_alive=0'::crm.lifecycle_model$$);
SELECT sqlstate_of($$SELECT 'v2 new=90d'::crm.lifecycle_model$$);
SELECT sqlstate_of($$SELECT 'v1 stages={2024-01-31:new,2024-02-29:none}'::crm.stage_path$$);
SELECT sqlstate_of($$SELECT 'v1 stages={2024-02-29:new,2024-01-31:new}'::crm.stage_path$$);
SELECT sqlstate_of($$SELECT 'v1 stages={2024-02-30:new}'::crm.stage_path$$);
SELECT sqlstate_of($$SELECT 'v1 stages={2024-01-31:gone}'::crm.stage_path$$);
SELECT sqlstate_of($$SELECT 'v1 stages={}'::crm.stage_path$$);
SELECT sqlstate_of($$SELECT 'v1 customers=2 dates={2024-01-31} counts={0.new:1} flows={}'::crm.stage_counts$$);
SELECT sqlstate_of($$SELECT 'v1 customers=1 dates={2024-01-31,2024-02-29} counts={0.new:1,1.none:1} flows={0.new>none:1}'::crm.stage_counts$$);
SELECT sqlstate_of($$SELECT 'v1 customers=1 dates={2024-01-31,2024-02-29} counts={0.new:1,1.active:1} flows={0.new>new:1}'::crm.stage_counts$$);
SELECT sqlstate_of($$SELECT 'v1 customers=1 dates={2024-01-31} counts={0.new:1,0.new:1} flows={}'::crm.stage_counts$$);
SELECT sqlstate_of($$SELECT 'v1 customers=0 dates={2024-01-31} counts={} flows={}'::crm.stage_counts$$);

DROP SCHEMA lifecycle_stage CASCADE;
