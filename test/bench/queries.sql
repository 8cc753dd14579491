-- The queries the crm.summary benchmark compares (see test/bench/run).
--
-- psql variable: as_of.
--
-- Each contender is a view giving one row per customer; the timed query
-- (table bench_queries) reads every output column of the view and folds the
-- rows into one, so the results are really computed but not shipped to the
-- client.  Reading every column matters: PostgreSQL drops unused output
-- columns of a subquery, so summing only two columns of the plain-SQL view
-- would let it skip most of its work.  crm.summary computes its whole
-- composite either way.
\set ON_ERROR_STOP on

-- (a) crm: one aggregate call per customer
CREATE VIEW bench_crm AS
SELECT customer_id,
       (s).first_purchase, (s).last_purchase, (s).n_transactions,
       (s).n_periods, (s).frequency, (s).recency, (s).t,
       (s).monetary_total, (s).monetary_value, (s).days_since_last
FROM (SELECT customer_id,
             crm.summary(purchased_on, amount, DATE :'as_of', INTERVAL '1 week') AS s
      FROM bench_log
      GROUP BY customer_id) AS q;

-- (b) the same fields in plain SQL, in two levels.  Refunds (amount < 0)
-- are not purchases, and rows after as_of are ignored, as in crm.summary.
-- The first day's spend is the second element of the smallest
-- [day, spend] array of a customer; that is about 10% faster here than the
-- more usual (array_agg(spend ORDER BY day))[1], which sorts every group.
CREATE VIEW bench_plain AS
WITH days AS (              -- level 1: one row per customer and purchase day
	SELECT customer_id, purchased_on AS day,
	       sum(amount) AS spend, count(*)::int AS n_rows
	FROM bench_log
	WHERE purchased_on <= DATE :'as_of' AND amount >= 0
	GROUP BY customer_id, purchased_on
)
SELECT customer_id,          -- level 2: one row per customer
       min(day) AS first_purchase,
       max(day) AS last_purchase,
       sum(n_rows) AS n_transactions,
       count(*)::int AS n_periods,
       (count(*) - 1)::int AS frequency,
       (max(day) - min(day)) / 7.0::float8 AS recency,
       (DATE :'as_of' - min(day)) / 7.0::float8 AS t,
       sum(spend) AS monetary_total,
       coalesce((sum(spend) - (min(ARRAY[day - DATE '2000-01-01', spend]))[2])
                / nullif(count(*) - 1, 0), 0) AS monetary_value,
       DATE :'as_of' - max(day) AS days_since_last
FROM days
GROUP BY customer_id;

-- (c) bare: the cheapest possible GROUP BY customer over the same rows
CREATE VIEW bench_bare AS
SELECT customer_id, count(*) AS n_rows
FROM bench_log
GROUP BY customer_id;

-- The timed queries, in table order (the run rotates the starting query
-- every repetition, so no query always runs first or after the same one)
CREATE TABLE bench_queries (ord int PRIMARY KEY, name text NOT NULL, sql text NOT NULL);
INSERT INTO bench_queries VALUES
 (1, 'crm.summary',
  'SELECT count(*), min(first_purchase), max(last_purchase), sum(n_transactions), sum(n_periods), '
  'sum(frequency), sum(recency), sum(t), sum(monetary_total), sum(monetary_value), '
  'sum(days_since_last) FROM bench_crm'),
 (2, 'plain SQL',
  'SELECT count(*), min(first_purchase), max(last_purchase), sum(n_transactions), sum(n_periods), '
  'sum(frequency), sum(recency), sum(t), sum(monetary_total), sum(monetary_value), '
  'sum(days_since_last) FROM bench_plain'),
 (3, 'bare GROUP BY', 'SELECT count(*), sum(n_rows) FROM bench_bare'),
 (4, 'scan floor', 'SELECT count(*) FROM bench_log');

CREATE UNLOGGED TABLE bench_times (rep int, name text, ms float8);

-- Run one timed query and record its wall time (server side, so connection
-- and client time are not counted); returns the milliseconds
CREATE FUNCTION bench_time(query_ord int, rep int) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	q bench_queries;
	t0 timestamptz;
	ms float8;
	result record;
BEGIN
	SELECT * INTO STRICT q FROM bench_queries WHERE ord = query_ord;
	t0 := clock_timestamp();
	EXECUTE q.sql INTO result;
	ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
	INSERT INTO bench_times VALUES (rep, q.name, ms);
	RETURN ms;
END $$;
