-- Churn events, Kaplan-Meier, lifecycle stages, stage counts and flows, a
-- stage migration matrix and a funnel on public data not in ../shared: the laboratory
-- visits of R's survival package data nafld2 (Allen et al. 2018, Rochester
-- Epidemiology Project NAFLD cohort) with the follow-up of nafld1, as a
-- stand-in purchase log: an individual is a customer, a day with a lab test
-- a purchase.  The data give days from each individual's own index date, so
-- every index date is put on 2000-01-01 (visit date = 2000-01-01 + day);
-- individuals with id <= 3000 (2,658 with visits, 33,745 visit days,
-- 1979-02-02 to 2019-07-07).  test/reference/lifecycle_public.R (R 4.2.2,
-- survival 3.5.3) writes the log and follow-up as CSV and computes the
-- references independently of crm, written to CSV beside them:
--   - churn events by the documented rule, then survfit(): the whole table
--     (times, at risk, events exactly; S and its standard error printed to
--     12 decimals, compared within 1e-10), S at 365/730/1825/3650 days (10
--     decimals, within 1e-9), medians and counts exactly;
--   - stages of the "clinic" model (new 1 year, active 1 year, lapsed after
--     2 years, lost after 5 years) at the 44 quarter ends 1995-03-31 ..
--     2005-12-31: counts by stage and the flows between consecutive dates,
--     exactly; shares and row shares from those counts within 1e-12;
--   - the stage migration 1999-12-31 -> 2002-12-31 (leaving: follow-up
--     ended before the date; entering: no visit yet), counts exactly.
--   - a funnel of the metabolic comorbidities of nafld3 (see its section).
-- Besides, every stage of every individual at every date equals plain SQL
-- implementing the documented rules here, and crm.migration equals a plain
-- GROUP BY of its labels; forced-parallel plans give the same values.
\i test/load/plan_shape.sql
CREATE SCHEMA lifecycle_public;
SET search_path = lifecycle_public, public;
CREATE TABLE visits_raw (id int, day int);
\copy visits_raw FROM 'test/reference/nafld_visits.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE followup (id int, futime int, died int);
\copy followup FROM 'test/reference/nafld_followup.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE visits AS SELECT id AS customer_id, date '2000-01-01' + day AS visited_on FROM visits_raw;
ANALYZE visits;
SELECT count(*) AS visit_days, count(DISTINCT customer_id) AS individuals, min(visited_on) AS first, max(visited_on) AS last,
       (SELECT count(*) FROM followup) AS with_followup, (SELECT sum(died) FROM followup) AS died
FROM visits;

-- ---------------------------------------------------------------------------
-- Churn events and Kaplan-Meier against R's survfit
-- ---------------------------------------------------------------------------
CREATE TABLE cases (name text, as_of date, threshold interval);
INSERT INTO cases VALUES ('1999_1y', '1999-12-31', '1 year'), ('1999_180d', '1999-12-31', '180 days'),
                         ('2004_2y', '2004-12-31', '2 years');
CREATE TABLE events AS
SELECT c.name, v.customer_id,
       (crm.churn_event(crm.summary(v.visited_on, 0::float8, c.as_of, interval '1 day'), c.threshold)).*
FROM cases c CROSS JOIN visits v GROUP BY c.name, c.as_of, c.threshold, v.customer_id;
-- one event per individual with a visit up to as_of, NULL for the others
SELECT name, count(*) AS individuals, count(churned) AS with_event, count(*) FILTER (WHERE churned) AS churned,
       count(*) FILTER (WHERE NOT churned) AS censored
FROM events GROUP BY name ORDER BY name;
CREATE TABLE km AS SELECT name, crm.km_fit(tenure_days, churned) AS s FROM events GROUP BY name;
-- R: 1999_1y median 4705, 1999_180d median 3585, 2004_2y median 6118
SELECT name, (s::jsonb)->'n' AS n, crm.median_survival(s) AS median_days FROM km ORDER BY name;
CREATE TABLE km_ref (name text, "time" float8, n_risk bigint, n_event bigint, surv float8, std_err float8);
\copy km_ref FROM 'test/reference/nafld_km.csv' WITH (FORMAT csv, HEADER true)
-- the whole table at every event time: a row missing on either side counts as
-- differing; where S drops to 0 (everyone at risk churns) R's std.err is NaN
-- and crm's NULL (documented in docs/retention.md)
SELECT coalesce(k.name, r.name) AS name, count(*) AS event_times,
       count(*) FILTER (WHERE k.n_risk = r.n_risk AND k.n_event = r.n_event) AS counts_equal,
       count(*) FILTER (WHERE abs(k.survival - r.surv) <= 1e-10) AS s_within_1e10,
       count(*) FILTER (WHERE abs(k.std_err - r.std_err) <= 1e-10
                              OR (k.std_err IS NULL AND r.std_err = 'NaN')) AS se_within_1e10,
       count(*) FILTER (WHERE k.std_err IS NULL) AS se_null_r_nan,
       count(*) FILTER (WHERE k.survival = 'NaN' OR k.std_err = 'NaN' OR k.std_err = 'Infinity') AS not_finite
FROM (SELECT km.name, t.* FROM km, crm.survival_table(km.s) t) k
FULL JOIN km_ref r ON r.name = k.name AND r.time = k.time
GROUP BY 1 ORDER BY 1;
-- S at chosen days (R's summary(fit, times = ...), 10 decimals)
WITH r(name, t, s) AS (VALUES
	('1999_1y', 365, 0.8925053533), ('1999_1y', 730, 0.8467834603), ('1999_1y', 1825, 0.7780546204), ('1999_1y', 3650, 0.6273437365),
	('1999_180d', 365, 0.8306109359), ('1999_180d', 730, 0.8024305260), ('1999_180d', 1825, 0.7035359364), ('1999_180d', 3650, 0.4931187013),
	('2004_2y', 365, 1.0000000000), ('2004_2y', 730, 0.9617021277), ('2004_2y', 1825, 0.8564469552), ('2004_2y', 3650, 0.7338724258))
SELECT r.name, r.t, round(crm.survival_at(km.s, r.t)::numeric, 4) AS s, abs(crm.survival_at(km.s, r.t) - r.s) <= 1e-9 AS s_within_1e9
FROM r JOIN km USING (name) ORDER BY r.name, r.t;
-- the four-date form on each individual's first and last visit gives the same events
SELECT count(*) AS events, count(*) FILTER (WHERE (e.churned, e.churn_date, e.tenure_days)
                                            IS NOT DISTINCT FROM (d.churned, d.churn_date, d.tenure_days)) AS equal
FROM (SELECT c.name, c.as_of, c.threshold, v.customer_id, min(v.visited_on) AS f, max(v.visited_on) AS l
      FROM cases c JOIN visits v ON v.visited_on <= c.as_of GROUP BY 1, 2, 3, 4) m
     JOIN events e USING (name, customer_id),
     crm.churn_event(m.f, m.l, m.as_of, m.threshold) d;

-- ---------------------------------------------------------------------------
-- Lifecycle stages: every individual at every quarter end, against plain SQL
-- ---------------------------------------------------------------------------
-- plain SQL of the documented rules: first and last visit up to the date, and
-- the last return (a visit at least lapsed_after after the one before)
CREATE FUNCTION plain_stages(new_within interval, active_within interval, lapsed_after interval, lost_after interval, at date[])
RETURNS TABLE (customer_id int, as_of date, stage text) LANGUAGE sql STABLE AS $$
	WITH gaps AS (
		SELECT customer_id, visited_on, lag(visited_on) OVER (PARTITION BY customer_id ORDER BY visited_on) AS previous
		FROM lifecycle_public.visits),
	facts AS (
		SELECT g.customer_id, d.as_of, min(g.visited_on) AS first, max(g.visited_on) AS last,
		       max(g.visited_on) FILTER (WHERE g.previous + lapsed_after <= g.visited_on) AS last_return
		FROM gaps g JOIN unnest(at) d(as_of) ON g.visited_on <= d.as_of
		GROUP BY g.customer_id, d.as_of)
	SELECT customer_id, as_of,
	       CASE WHEN first + new_within > as_of THEN 'new'
	            WHEN last + active_within > as_of THEN
	                 CASE WHEN last_return + active_within > as_of THEN 'reactivated' ELSE 'active' END
	            WHEN last + lapsed_after > as_of THEN 'at_risk'
	            WHEN last + lost_after > as_of THEN 'lapsed'
	            ELSE 'lost' END
	FROM facts
$$;
CREATE TABLE series AS
SELECT k, (date '1995-03-31' + k * interval '3 months')::date AS as_of FROM generate_series(0, 43) k;
SELECT min(as_of), max(as_of), count(*) AS dates, count(*) FILTER (WHERE as_of = date_trunc('month', as_of + 1) - interval '1 day') AS month_ends
FROM series;
CREATE TABLE plain AS
SELECT * FROM plain_stages(interval '1 year', interval '1 year', interval '2 years', interval '5 years', (SELECT array_agg(as_of) FROM series));
CREATE TABLE paths AS
SELECT customer_id, crm.stage_path(crm.lifecycle_model(interval '1 year', interval '1 year', interval '2 years', interval '5 years'),
                                   array_agg(visited_on), date '1995-03-31', date '2005-12-31', interval '3 months') AS path
FROM visits GROUP BY customer_id;
SELECT count(*) AS rows_compared, count(*) FILTER (WHERE t.stage IS DISTINCT FROM p.stage) AS differing,
       count(*) FILTER (WHERE t.stage IS NULL) AS not_yet_customers
FROM paths CROSS JOIN LATERAL crm.stage_table(path) t
LEFT JOIN plain p ON p.customer_id = paths.customer_id AND p.as_of = t.as_of;
-- the one-date function, clinic and default models, at a few dates (a leap day among them)
CREATE TABLE days AS SELECT customer_id, array_agg(visited_on) AS d FROM visits GROUP BY customer_id;
CREATE TABLE plain_few AS
SELECT 'clinic' AS name, * FROM plain_stages(interval '1 year', interval '1 year', interval '2 years', interval '5 years',
                                             ARRAY[date '1990-06-30', date '1999-12-31', date '2004-02-29', date '2010-12-31'])
UNION ALL
SELECT 'default', * FROM plain_stages(interval '90 days', interval '90 days', interval '180 days', interval '365 days',
                                      ARRAY[date '1990-06-30', date '1999-12-31', date '2004-02-29', date '2010-12-31']);
SELECT m.name, x.as_of, count(*) AS individuals, count(p.stage) AS customers,
       count(*) FILTER (WHERE crm.lifecycle_stage(m.model, days.d, x.as_of) IS DISTINCT FROM p.stage) AS differing
FROM (VALUES ('clinic', crm.lifecycle_model(interval '1 year', interval '1 year', interval '2 years', interval '5 years')),
             ('default', crm.lifecycle_model())) m(name, model)
CROSS JOIN unnest(ARRAY[date '1990-06-30', date '1999-12-31', date '2004-02-29', date '2010-12-31']) x(as_of)
CROSS JOIN days
LEFT JOIN plain_few p ON p.name = m.name AND p.as_of = x.as_of AND p.customer_id = days.customer_id
GROUP BY 1, 2 ORDER BY 1, 2;

-- ---------------------------------------------------------------------------
-- Stage counts and flows over the series, against R
-- ---------------------------------------------------------------------------
CREATE TABLE counts AS SELECT crm.stage_counts(path) AS c FROM paths;
CREATE TABLE counts_ref (as_of date, stage text, customers bigint);
\copy counts_ref FROM 'test/reference/nafld_stage_counts.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS rows, count(*) FILTER (WHERE t.customers = r.customers) AS counts_equal,
       count(*) FILTER (WHERE abs(t.share - r.customers::float8 / r.total) <= 1e-12) AS shares_within_1e12
FROM (SELECT t.* FROM counts, crm.stage_count_table(c) t) t
FULL JOIN (SELECT *, sum(customers) OVER (PARTITION BY as_of) AS total FROM counts_ref) r USING (as_of, stage);
SELECT as_of, stage, customers, round(share::numeric, 3) AS share
FROM counts, crm.stage_count_table(c) WHERE as_of IN ('1995-03-31', '1999-12-31', '2005-12-31');
CREATE TABLE flows_ref (from_as_of date, to_as_of date, from_stage text, to_stage text, customers bigint);
\copy flows_ref FROM 'test/reference/nafld_stage_flows.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS flows, count(*) FILTER (WHERE f.customers = r.customers) AS counts_equal,
       count(*) FILTER (WHERE abs(f.row_share - r.customers::float8 / r.row_total) <= 1e-12) AS row_shares_within_1e12,
       count(*) FILTER (WHERE r.from_stage IS NULL) AS entering_flows
FROM (SELECT f.* FROM counts, crm.stage_flow_table(c) f) f
FULL JOIN (SELECT *, sum(customers) OVER (PARTITION BY from_as_of, from_stage) AS row_total FROM flows_ref) r
  ON r.from_as_of = f.from_as_of AND r.to_as_of = f.to_as_of AND r.from_stage IS NOT DISTINCT FROM f.from_stage
     AND r.to_stage = f.to_stage;
SELECT from_as_of, to_as_of, coalesce(from_stage, '(entered)') AS from_stage, to_stage, customers, round(row_share::numeric, 3) AS row_share
FROM counts, crm.stage_flow_table(c) WHERE from_as_of = '1999-12-31';

-- ---------------------------------------------------------------------------
-- Migration of stages from 1999-12-31 to 2002-12-31: entering (no visit
-- yet) and leaving (follow-up ended: died or no longer followed)
-- ---------------------------------------------------------------------------
CREATE TABLE labels AS
SELECT days.customer_id,
       CASE WHEN date '2000-01-01' + f.futime >= date '1999-12-31'
            THEN crm.lifecycle_stage(crm.lifecycle_model(interval '1 year', interval '1 year', interval '2 years', interval '5 years'),
                                     days.d, date '1999-12-31') END AS l1,
       CASE WHEN date '2000-01-01' + f.futime >= date '2002-12-31'
            THEN crm.lifecycle_stage(crm.lifecycle_model(interval '1 year', interval '1 year', interval '2 years', interval '5 years'),
                                     days.d, date '2002-12-31') END AS l2
FROM days JOIN followup f ON f.id = days.customer_id;
CREATE TABLE mig AS SELECT crm.migration(l1, l2) AS m FROM labels;
CREATE TABLE mig_ref (from_label text, to_label text, customers bigint);
\copy mig_ref FROM 'test/reference/nafld_migration.csv' WITH (FORMAT csv, HEADER true)
-- against R (counts) and a plain GROUP BY of the labels (counts and row
-- shares); '-' stands for NULL in the join keys (no stage is called '-')
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE t.customers = r.customers) AS equal_r,
       count(*) FILTER (WHERE t.customers = p.customers AND abs(t.row_share - p.row_share) <= 1e-15) AS equal_plain,
       count(*) FILTER (WHERE t.from_label IS NULL) AS entering_pairs, count(*) FILTER (WHERE t.to_label IS NULL) AS leaving_pairs
FROM (SELECT coalesce(from_label, '-') AS f, coalesce(to_label, '-') AS t, * FROM crm.migration_table((SELECT m FROM mig))) t
FULL JOIN (SELECT coalesce(from_label, '-') AS f, coalesce(to_label, '-') AS t, customers FROM mig_ref) r USING (f, t)
FULL JOIN (SELECT coalesce(l1, '-') AS f, coalesce(l2, '-') AS t, count(*) AS customers,
                  count(*)::float8 / sum(count(*)) OVER (PARTITION BY l1) AS row_share
           FROM labels WHERE l1 IS NOT NULL OR l2 IS NOT NULL GROUP BY l1, l2) p USING (f, t);
SELECT coalesce(from_label, '(entered)') AS from_label, coalesce(to_label, '(left)') AS to_label, customers,
       round(row_share::numeric, 4) AS row_share
FROM crm.migration_table((SELECT m FROM mig));

-- ---------------------------------------------------------------------------
-- Funnel: metabolic comorbidities (diabetes, hypertension, dyslipidemia of
-- nafld3, the survival package's own multi-state example): the days an
-- individual's count reached 1, 2 and 3 are staged events; as of 1999-12-31
-- (everyone followed up to the index date), whole days.  R: leads 1666,
-- reaching two 854 and three 278, win rate 0.166866746699 (within 1e-12);
-- quartiles of the Kaplan-Meier times (quantile.survfit) and of the
-- converted only (type 7, percentile_cont) exactly; every row of survfit's
-- table of each transition (counts exactly, S within 1e-10).
-- ---------------------------------------------------------------------------
CREATE TABLE comorbidity (id int, one int, two int, three int);
\copy comorbidity FROM 'test/reference/nafld_comorbidity.csv' WITH (FORMAT csv, HEADER true)
-- dates as UTC midnights: durations are whole days whatever the session time zone
CREATE FUNCTION utc_day(day int) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ((date '2000-01-01' + day)::timestamp AT TIME ZONE 'UTC') $$;
CREATE TABLE funnel AS
SELECT crm.funnel_fit(ARRAY['one', 'two', 'three'], ARRAY[utc_day(one), utc_day(two), utc_day(three)],
                      timestamptz '1999-12-31 00:00+00', interval '1 day') AS f
FROM comorbidity;
SELECT count(*) AS individuals, count(*) FILTER (WHERE one = two OR two = three) AS with_tied_stages FROM comorbidity;
SELECT leads, won, abs(win_rate - 0.166866746699) <= 1e-12 AS win_rate_equal_r, skipped, inconsistent
FROM funnel, crm.funnel_summary(f);
SELECT stage_no, stage, reached, reached_timed, round(conversion::numeric, 4) AS conversion, round(from_entry::numeric, 4) AS from_entry
FROM funnel, crm.funnel_table(f);
SELECT from_stage, to_stage, leads, converted, censored, quantile, time_km, time_converted
FROM funnel, crm.funnel_times(f);
WITH r(from_stage, to_stage, quantile, km, conv) AS (VALUES
	('one', 'two', 0.25, 876, 249.50), ('one', 'two', 0.5, 2357, 975.50), ('one', 'two', 0.75, 5748, 2001.75),
	('two', 'three', 0.25, 1341, 317.25), ('two', 'three', 0.5, 3537, 872.50), ('two', 'three', 0.75, NULL, 1794.00),
	('one', 'three', 0.25, 4177, 1020.00), ('one', 'three', 0.5, 6872, 2070.00), ('one', 'three', 0.75, NULL, 3162.25))
SELECT count(*) AS quantiles, count(*) FILTER (WHERE t.time_km IS NOT DISTINCT FROM r.km AND t.time_converted = r.conv) AS equal_r
FROM r LEFT JOIN (SELECT t.* FROM funnel, crm.funnel_times(f) t) t USING (from_stage, to_stage, quantile);
CREATE TABLE funnel_km_ref (from_stage text, to_stage text, "time" float8, n_risk bigint, n_event bigint, surv float8);
\copy funnel_km_ref FROM 'test/reference/nafld_funnel_km.csv' WITH (FORMAT csv, HEADER true)
SELECT coalesce(k.from_stage, r.from_stage) AS from_stage, coalesce(k.to_stage, r.to_stage) AS to_stage, count(*) AS event_times,
       count(*) FILTER (WHERE k.n_risk = r.n_risk AND k.n_event = r.n_event) AS counts_equal,
       count(*) FILTER (WHERE abs(k.survival - r.surv) <= 1e-10) AS s_within_1e10
FROM (SELECT tr.from_stage, tr.to_stage, t.*
      FROM funnel, (VALUES ('one', 'two'), ('two', 'three'), ('one', 'three')) tr(from_stage, to_stage),
           crm.survival_table(crm.funnel_survival(f, tr.from_stage, tr.to_stage)) t) k
FULL JOIN funnel_km_ref r ON r.from_stage = k.from_stage AND r.to_stage = k.to_stage AND r.time = k.time
GROUP BY 1, 2 ORDER BY 1, 2;

-- ---------------------------------------------------------------------------
-- Forced-parallel plans on this data give the values above
-- ---------------------------------------------------------------------------
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_partial_aggregate($$SELECT crm.km_fit(tenure_days, churned) FROM events WHERE name = '1999_1y'$$) AS km_partial,
       plan_partial_aggregate($$SELECT crm.stage_counts(path) FROM paths$$) AS stage_counts_partial,
       plan_partial_aggregate($$SELECT crm.migration(l1, l2) FROM labels$$) AS migration_partial,
       plan_partial_aggregate($$SELECT crm.funnel_fit(ARRAY['one', 'two', 'three'], ARRAY[utc_day(one), utc_day(two), utc_day(three)],
                                                     timestamptz '1999-12-31 00:00+00', interval '1 day') FROM comorbidity$$) AS funnel_partial;
SELECT (SELECT crm.km_fit(tenure_days, churned)::text FROM events WHERE name = '1999_1y') = (SELECT s::text FROM km WHERE name = '1999_1y') AS km_same,
       (SELECT crm.stage_counts(path)::text FROM paths) = (SELECT c::text FROM counts) AS stage_counts_same,
       (SELECT crm.migration(l1, l2)::text FROM labels) = (SELECT m::text FROM mig) AS migration_same,
       (SELECT crm.funnel_fit(ARRAY['one', 'two', 'three'], ARRAY[utc_day(one), utc_day(two), utc_day(three)],
                              timestamptz '1999-12-31 00:00+00', interval '1 day')::text FROM comorbidity) = (SELECT f::text FROM funnel) AS funnel_same;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

DROP SCHEMA lifecycle_public CASCADE;
