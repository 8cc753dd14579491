-- Churn events from a purchase log (crm.churn_event): the rule on explicit
-- cases (ties at the threshold, censoring, month thresholds), equality with a
-- plain-SQL derivation on generated data, Kaplan-Meier on the events with
-- forced-parallel plans, CDNOW against R's survival package, NULLs, and every
-- error with its SQLSTATE.
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql
CREATE SCHEMA churn;
SET search_path = churn, public;

-- ---------------------------------------------------------------------------
-- The rule: churn at last purchase + threshold when that is <= as_of, else
-- censored at as_of; tenure in days from the first purchase
-- ---------------------------------------------------------------------------
SELECT label, e.*
FROM (VALUES
	('one purchase, long ago', date '2024-01-10', date '2024-01-10', date '2024-12-31', interval '90 days'),
	('churn date = as_of (tie: churned)', date '2024-01-01', date '2024-10-02', date '2024-12-31', interval '90 days'),
	('one day short of the threshold', date '2024-01-01', date '2024-10-03', date '2024-12-31', interval '90 days'),
	('bought on as_of', date '2024-01-01', date '2024-12-31', date '2024-12-31', interval '90 days'),
	('first purchase on as_of', date '2024-12-31', date '2024-12-31', date '2024-12-31', interval '1 day'),
	('1 month after Jan 31 is Feb 29', date '2024-01-31', date '2024-01-31', date '2024-02-29', interval '1 month'),
	('... one day earlier: censored', date '2024-01-31', date '2024-01-31', date '2024-02-28', interval '1 month'),
	('months then days', date '2024-01-31', date '2024-01-31', date '2024-12-31', interval '1 month 1 day')
) v(label, f, l, a, th), crm.churn_event(f, l, a, th) e;

-- from crm.summary: purchases after as_of are ignored (the last purchase up
-- to as_of decides), and a customer with none up to as_of has a NULL summary,
-- so a NULL event
CREATE TABLE tiny (customer_id int, purchased_on date);
INSERT INTO tiny VALUES (1, '2024-01-05'), (1, '2024-03-01'), (1, '2025-02-01'),   -- the 2025 row is after as_of
                        (2, '2024-11-30'), (2, '2024-06-01'),
                        (3, '2025-01-15');                                          -- only after as_of
SELECT customer_id, (e).*
FROM (SELECT customer_id, crm.churn_event(crm.summary(purchased_on, 0::float8, date '2024-12-31', interval '1 day'),
                                          interval '90 days') AS e
      FROM tiny GROUP BY customer_id) s
ORDER BY customer_id;

-- NULL arguments (the functions are STRICT): a NULL row
SELECT (crm.churn_event(NULL::date, date '2024-01-01', date '2024-02-01', interval '7 days')).churned IS NULL AS null_first,
       (crm.churn_event(date '2024-01-01', date '2024-01-01', NULL::date, interval '7 days')).churned IS NULL AS null_as_of,
       (crm.churn_event(date '2024-01-01', date '2024-01-01', date '2024-02-01', NULL)).churned IS NULL AS null_threshold,
       (crm.churn_event(NULL::crm.customer_summary, interval '7 days')).churned IS NULL AS null_summary;

-- ---------------------------------------------------------------------------
-- Generated data (seeded): the events equal a plain-SQL derivation
-- ---------------------------------------------------------------------------
SELECT setseed(0.27);
CREATE TABLE log AS
SELECT c AS customer_id, date '2023-01-01' + (random() * 700)::int AS purchased_on
FROM generate_series(1, 3000) c, generate_series(1, 1 + (c % 5)) k;
ANALYZE log;
CREATE TABLE events AS
SELECT customer_id, (crm.churn_event(crm.summary(purchased_on, 0::float8, date '2024-06-30', interval '1 day'),
                                     interval '60 days')).*
FROM log GROUP BY customer_id;
CREATE TABLE plain AS
SELECT customer_id, max(purchased_on) + 60 <= date '2024-06-30' AS churned,
       CASE WHEN max(purchased_on) + 60 <= date '2024-06-30' THEN max(purchased_on) + 60 END AS churn_date,
       CASE WHEN max(purchased_on) + 60 <= date '2024-06-30' THEN max(purchased_on) + 60
            ELSE date '2024-06-30' END - min(purchased_on) AS tenure_days
FROM log WHERE purchased_on <= date '2024-06-30' GROUP BY customer_id;
SELECT (SELECT count(*) FROM plain) AS customers,
       (SELECT count(*) FROM events WHERE churned IS NOT NULL) AS with_event,
       (SELECT count(*) FROM plain WHERE churned) AS churned,
       (SELECT count(*) FROM plain WHERE NOT churned) AS censored,
       (SELECT count(*) FROM events e JOIN plain p USING (customer_id)
        WHERE (e.churned, e.churn_date, e.tenure_days) IS NOT DISTINCT FROM (p.churned, p.churn_date, p.tenure_days)) AS equal,
       (SELECT count(*) FROM log WHERE purchased_on > date '2024-06-30') > 0 AS log_has_rows_after_as_of;
-- the four-date form on the customers' first and last purchase gives the same events
SELECT count(*) FILTER (WHERE (e.churned, e.churn_date, e.tenure_days) IS NOT DISTINCT FROM (d.churned, d.churn_date, d.tenure_days)) AS equal,
       count(*) AS customers
FROM (SELECT customer_id, min(purchased_on) AS f, max(purchased_on) AS l FROM log
      WHERE purchased_on <= date '2024-06-30' GROUP BY customer_id) m
     JOIN events e USING (customer_id),
     crm.churn_event(m.f, m.l, date '2024-06-30', interval '60 days') d;

-- Kaplan-Meier on the events straight from crm.km_fit, equal to a plain-SQL
-- product-limit estimate at every event time (1e-12)
CREATE TABLE km AS SELECT crm.km_fit(tenure_days, churned) AS s FROM events;
WITH times AS (SELECT tenure_days AS t, count(*) FILTER (WHERE churned) AS d FROM plain GROUP BY tenure_days),
     risk AS (SELECT t, d, (SELECT count(*) FROM plain WHERE tenure_days >= t) AS n FROM times),
     curve AS (SELECT t, exp(sum(ln(1 - d::float8 / n)) OVER (ORDER BY t)) AS s FROM risk WHERE d > 0 AND d < n)
SELECT count(*) AS event_times,
       count(*) FILTER (WHERE abs(k.survival - c.s) <= 1e-12) AS equal_1e12
FROM curve c JOIN crm.survival_table((SELECT s FROM km)) k ON k.time = c.t;
SELECT crm.median_survival(s) AS median_days FROM km;

-- forced-parallel plans (summary per customer in workers, then km_fit) equal the serial result
CREATE TABLE serial AS SELECT crm.km_fit(tenure_days, churned)::text AS s FROM events;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT plan_partial_aggregate($$SELECT crm.km_fit(tenure_days, churned) FROM events$$) AS km_partial,
       plan_parallel($$SELECT customer_id, crm.churn_event(crm.summary(purchased_on, 0::float8, date '2024-06-30', interval '1 day'), interval '60 days')
                       FROM log GROUP BY customer_id$$) AS summary_parallel;
SELECT crm.km_fit(tenure_days, churned)::text = (SELECT s FROM serial) AS parallel_same FROM events;
SELECT crm.km_fit((e).tenure_days, (e).churned)::text = (SELECT s FROM serial) AS parallel_pipeline_same
FROM (SELECT crm.churn_event(crm.summary(purchased_on, 0::float8, date '2024-06-30', interval '1 day'), interval '60 days') AS e
      FROM log GROUP BY customer_id) x;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- by acquisition cohort (month of the first purchase): one survival value per
-- cohort, and their merge is the pooled curve
CREATE TABLE by_cohort AS
SELECT date_trunc('month', m.f)::date AS cohort, crm.km_fit(e.tenure_days, e.churned) AS s
FROM (SELECT customer_id, min(purchased_on) AS f FROM log WHERE purchased_on <= date '2024-06-30' GROUP BY customer_id) m
     JOIN events e USING (customer_id)
GROUP BY 1;
SELECT count(*) AS cohorts, crm.survival_merge(s)::text = (SELECT s FROM serial) AS merged_equals_pooled FROM by_cohort;

-- ---------------------------------------------------------------------------
-- CDNOW (as of 1998-06-30) against R's survival package:
-- test/reference/km_churn_cdnow.R derives the events from the CSV by itself
-- and runs survfit (R 4.2.2, survival 3.5.3); its numbers are printed to 10
-- decimals, so compared within 1e-9 (half a unit of the last decimal plus
-- margin).  Counts and medians are exact.
-- ---------------------------------------------------------------------------
\i test/load/cdnow.sql
CREATE TABLE cdnow_events AS
SELECT customer_id, count(DISTINCT purchased_on) AS purchase_days,
       (crm.churn_event(crm.summary(purchased_on, amount, date '1998-06-30', interval '1 day'), interval '90 days')).*
FROM cdnow_log GROUP BY customer_id;
CREATE TABLE cdnow_km AS
SELECT 'all' AS who, crm.km_fit(tenure_days, churned) AS s FROM cdnow_events
UNION ALL
SELECT 'repeat', crm.km_fit(tenure_days, churned) FROM cdnow_events WHERE purchase_days >= 2;
SELECT who, (s::jsonb)->'n' AS n, (s::jsonb)->'events' AS churned, (s::jsonb)->'censored' AS censored,
       crm.median_survival(s) AS median_days
FROM cdnow_km ORDER BY who;
-- R: n 2357, churned 2058, censored 299, median 90; repeat buyers n 1139, median 381
WITH r(t, s) AS (VALUES (90, 0.4832414086), (180, 0.3792957149), (365, 0.2545608825), (500, 0.1311386975))
SELECT t, abs(crm.survival_at((SELECT s FROM cdnow_km WHERE who = 'all'), t) - r.s) <= 1e-9 AS s_within_1e9
FROM r ORDER BY t;
WITH r(t, n_risk, n_event, surv, std_err) AS (VALUES
	(90, 2357, 1218, 0.4832414086, 0.0102930986), (91, 1139, 7, 0.4802715316, 0.0102908651),
	(92, 1132, 4, 0.4785744591, 0.0102894253), (93, 1128, 2, 0.4777259228, 0.0102886608),
	(94, 1126, 5, 0.4756045821, 0.0102866193), (540, 16, 1, 0.0860827055, 0.0094250889))
SELECT r.t, k.n_risk = r.n_risk AND k.n_event = r.n_event AS counts_equal,
       abs(k.survival - r.surv) <= 1e-9 AS s_within_1e9, abs(k.std_err - r.std_err) <= 1e-9 AS se_within_1e9
FROM r LEFT JOIN crm.survival_table((SELECT s FROM cdnow_km WHERE who = 'all')) k ON k.time = r.t
ORDER BY r.t;
SELECT count(*) AS event_times, max(time) AS last_event_time
FROM crm.survival_table((SELECT s FROM cdnow_km WHERE who = 'all'));
-- threshold 180 days (R: churned 1843, censored 514, median 180; S(365) = 0.3126856173, S(500) = 0.2203590042)
CREATE TABLE cdnow_km180 AS
SELECT crm.km_fit((e).tenure_days, (e).churned) AS s
FROM (SELECT crm.churn_event(crm.summary(purchased_on, amount, date '1998-06-30', interval '1 day'), interval '180 days') AS e
      FROM cdnow_log GROUP BY customer_id) x;
SELECT (s::jsonb)->'events' AS churned, (s::jsonb)->'censored' AS censored, crm.median_survival(s) AS median_days,
       abs(crm.survival_at(s, 365) - 0.3126856173) <= 1e-9 AS s365_within_1e9,
       abs(crm.survival_at(s, 500) - 0.2203590042) <= 1e-9 AS s500_within_1e9
FROM cdnow_km180;

-- ---------------------------------------------------------------------------
-- Errors
-- ---------------------------------------------------------------------------
SELECT q, sqlstate_of(q) FROM (VALUES
	($$SELECT crm.churn_event(date '2024-01-01', date '2024-01-01', date '2024-06-01', interval '0 days')$$),
	($$SELECT crm.churn_event(date '2024-01-01', date '2024-01-01', date '2024-06-01', interval '-7 days')$$),
	($$SELECT crm.churn_event(date '2024-01-01', date '2024-01-01', date '2024-06-01', interval '1 month -1 day')$$),
	($$SELECT crm.churn_event(date '2024-01-01', date '2024-01-01', date '2024-06-01', interval '12 hours')$$),
	($$SELECT crm.churn_event(date '2024-01-01', date '2024-01-01', date '2024-06-01', interval '1 day 1 second')$$),
	($$SELECT crm.churn_event(date '2024-03-01', date '2024-01-01', date '2024-06-01', interval '7 days')$$),
	($$SELECT crm.churn_event(date '2024-01-01', date '2024-07-01', date '2024-06-01', interval '7 days')$$),
	($$SELECT crm.churn_event(date '-infinity', date '2024-01-01', date '2024-06-01', interval '7 days')$$),
	($$SELECT crm.churn_event(date '2024-01-01', date '2024-01-01', date 'infinity', interval '7 days')$$),
	($$SELECT crm.churn_event(date '5874897-12-01', date '5874897-12-01', date '5874897-12-31', interval '1 month')$$),
	($$SELECT crm.churn_event(ROW(date '2024-01-01', date '2024-02-01', 1, 1, 0, 0, 0, 0, 0, -5, 0, interval '1 day')::crm.customer_summary, interval '7 days')$$)
) v(q);

DROP SCHEMA churn CASCADE;
