-- Data and queries of the cohort benchmark (see test/bench/cohort.sh).
-- psql variable: as_of.  Needs bench_log, bench_queries and bench_time()
-- from generate_log.py and queries.sql.
--
-- Monthly cohorts of every customer of bench_log as of :as_of.  crm counts
-- a month only once it is complete at as_of; the plain SQL uses the same
-- window (up to the last day of the last complete month).
\set ON_ERROR_STOP on
SELECT (date_trunc('month', DATE :'as_of' + 1) - interval '1 day')::date AS window_end \gset

-- crm: one aggregate over the log, then the cohort x offset rows
CREATE VIEW cohort_crm AS
SELECT r.cohort, r.period_offset, r.cohort_size, r.active
FROM crm.cohort_retention((SELECT crm.cohort_fit(customer_id, purchased_on, INTERVAL '1 month', DATE :'as_of')
                           FROM bench_log)) AS r;

-- the standard SQL: the months each customer was active, each customer's
-- first month (the cohort) joined back to its activity, and
-- COUNT(DISTINCT customer) per cohort and month offset
CREATE VIEW cohort_sql AS
WITH activity AS (
	SELECT customer_id, date_trunc('month', purchased_on) AS month
	FROM bench_log
	WHERE purchased_on <= DATE :'window_end'
), first AS (
	SELECT customer_id, min(month) AS cohort
	FROM activity
	GROUP BY customer_id
)
SELECT f.cohort::date AS cohort,
       ((extract(year FROM a.month) - extract(year FROM f.cohort)) * 12
        + extract(month FROM a.month) - extract(month FROM f.cohort))::int AS period_offset,
       count(DISTINCT a.customer_id) AS active
FROM activity a JOIN first f USING (customer_id)
GROUP BY 1, 2;

INSERT INTO bench_queries VALUES
 (41, 'crm.cohort_fit + cohort_retention', 'SELECT count(*), sum(active), sum(cohort_size) FROM cohort_crm'),
 (42, 'plain SQL (first month joined to activity, COUNT(DISTINCT))', 'SELECT count(*), sum(active) FROM cohort_sql'),
 (43, 'scan floor', 'SELECT count(*) FROM bench_log');
