-- Reference test: monthly cohorts of the CDNOW sample (2,357 customers who
-- first bought in January to March 1997) as of 1998-06-30, against a plain
-- SQL computation of the whole matrix: first month per customer joined to
-- the months the customer was active, COUNT(DISTINCT customer) per cohort
-- and offset.  Every cell is compared (counts exactly; shares to 1e-12).
CREATE SCHEMA cohort_cdnow;
SET search_path = cohort_cdnow, public;
\i test/load/cdnow.sql

CREATE TABLE cdnow_cohorts AS
SELECT crm.cohort_fit(customer_id, purchased_on, interval '1 month', date '1998-06-30') AS t FROM cdnow_log;
SELECT crm.cohort_customers(t), crm.cohort_unit(t), crm.cohort_through(t),
       (SELECT count(*) FROM cdnow_log) AS events
FROM cdnow_cohorts;

-- plain SQL: active months, each customer's cohort and last month
CREATE TABLE sql_active AS
SELECT DISTINCT customer_id, date_trunc('month', purchased_on)::date AS month
FROM cdnow_log WHERE purchased_on <= '1998-06-30';
CREATE TABLE sql_customers AS
SELECT customer_id, min(month) AS cohort, max(month) AS last_month FROM sql_active GROUP BY customer_id;
CREATE FUNCTION months_between(a date, b date) RETURNS int LANGUAGE sql IMMUTABLE
RETURN (extract(year FROM b) * 12 + extract(month FROM b) - extract(year FROM a) * 12 - extract(month FROM a))::int;
CREATE TABLE sql_cells AS
SELECT c.cohort, k AS period_offset,
       (SELECT count(*) FROM sql_customers x WHERE x.cohort = c.cohort) AS cohort_size,
       (SELECT count(DISTINCT a.customer_id) FROM sql_active a JOIN sql_customers x USING (customer_id)
        WHERE x.cohort = c.cohort AND months_between(x.cohort, a.month) = k) AS active,
       (SELECT count(*) FROM sql_customers x
        WHERE x.cohort = c.cohort AND months_between(x.cohort, x.last_month) >= k) AS retained
FROM (SELECT DISTINCT cohort FROM sql_customers) c,
     generate_series(0, months_between(c.cohort, date '1998-06-01')) AS k;

-- the cohort sizes
SELECT cohort, cohort_size FROM cdnow_cohorts, crm.cohort_matrix(t) ORDER BY cohort;

-- every observable cell equals plain SQL; the others are NULL
SELECT count(*) AS cells,
       count(*) FILTER (WHERE c.active IS NULL) AS unobservable,
       count(*) FILTER (WHERE s.cohort IS NULL AND c.active IS NOT NULL) AS missing_in_sql,
       count(*) FILTER (WHERE s.cohort IS NOT NULL AND c.active IS NULL) AS missing_in_crm,
       count(*) FILTER (WHERE c.cohort_size <> s.cohort_size OR c.active <> s.active OR c.retained <> s.retained) AS count_mismatch,
       count(*) FILTER (WHERE abs(c.retention - s.active::float8 / s.cohort_size) > 1e-12
                           OR abs(c.retention_unbounded - s.retained::float8 / s.cohort_size) > 1e-12) AS share_mismatch
FROM (SELECT r.* FROM cdnow_cohorts, crm.cohort_retention(t) r) c
FULL JOIN sql_cells s USING (cohort, period_offset);

-- the matrix (first offsets, rounded)
SELECT cohort, cohort_size, active[1:7] AS active,
       (SELECT array_agg(round(x::numeric, 3) ORDER BY i) FROM unnest(retention[1:7]) WITH ORDINALITY AS u(x, i)) AS retention
FROM cdnow_cohorts, crm.cohort_matrix(t) ORDER BY cohort;

-- average retention over the cohorts = sums of plain SQL cells
SELECT count(*) AS offsets,
       count(*) FILTER (WHERE a.customers <> s.customers OR a.active <> s.active OR a.retained <> s.retained
                           OR abs(a.retention - s.active::float8 / s.customers) > 1e-12) AS mismatch
FROM (SELECT r.* FROM cdnow_cohorts, crm.average_retention(t) r) a
JOIN (SELECT period_offset, sum(cohort_size) AS customers, sum(active) AS active, sum(retained) AS retained
      FROM sql_cells GROUP BY period_offset) s USING (period_offset);
SELECT period_offset, cohorts, customers, active, round(retention::numeric, 4) AS retention
FROM cdnow_cohorts, crm.average_retention(t) WHERE period_offset IN (0, 1, 2, 3, 6, 12, 17);

-- period rates = plain SQL: S active in the previous month, N new, E active
SELECT count(*) AS periods,
       count(*) FILTER (WHERE p.customers_start <> coalesce(prev.n, 0) OR p.customers_end <> cur.n
                           OR p.new_customers <> coalesce(nw.n, 0)
                           OR abs(p.crr - (cur.n - coalesce(nw.n, 0))::float8 / prev.n) > 1e-12) AS mismatch
FROM (SELECT r.* FROM cdnow_cohorts, crm.period_retention(t) r) p
JOIN (SELECT month, count(*) AS n FROM sql_active GROUP BY month) cur ON cur.month = p.period
LEFT JOIN (SELECT month, count(*) AS n FROM sql_active GROUP BY month) prev ON prev.month = (p.period - interval '1 month')::date
LEFT JOIN (SELECT cohort, count(*) AS n FROM sql_customers GROUP BY cohort) nw ON nw.cohort = p.period;
SELECT period, customers_start, new_customers, customers_end, round(crr::numeric, 4) AS crr,
       round(churn_rate::numeric, 4) AS churn_rate
FROM cdnow_cohorts, crm.period_retention(t) ORDER BY period LIMIT 6;

-- the same table from timestamptz events (midnight in the session zone),
-- text ids, and weekly cohorts that add up to the same customers
SET TIME ZONE 'America/New_York';
SELECT crm.cohort_fit(customer_id::text, purchased_on::timestamptz, interval '1 month', timestamptz '1998-07-01')::text
       = (SELECT t::text FROM cdnow_cohorts) AS tstz_text_ids_equal
FROM cdnow_log;
RESET TIME ZONE;
SELECT crm.cohort_customers(w) AS weekly_customers, crm.cohort_through(w),
       (SELECT count(*) FROM crm.cohort_matrix(w)) AS weekly_cohorts
FROM (SELECT crm.cohort_fit(customer_id, purchased_on, interval '1 week', date '1998-06-30') AS w FROM cdnow_log) q;

RESET search_path;
DROP SCHEMA cohort_cdnow CASCADE;
