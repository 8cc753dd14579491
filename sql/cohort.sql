-- Cohort retention on a hand-made log whose matrix is known: a customer with
-- a gap, repeats in one month and on one day, events after as_of, NULL rows,
-- cohorts whose later offsets are not yet observable (NULL), a partial last
-- period, timestamptz events, weeks against months, customer ids of several
-- types, the rates, and the text, binary and jsonb forms of both types.
CREATE SCHEMA cohort_test;
SET search_path = cohort_test, public;
CREATE TABLE clog (customer_id int, event_on date);
INSERT INTO clog VALUES
	(1, '1997-01-05'), (1, '1997-01-20'), (1, '1997-03-02'), (1, '1997-04-30'),  -- Jan, gap in Feb, Mar, Apr
	(2, '1997-01-10'), (2, '1997-01-10'), (2, '1997-02-14'),                     -- Jan (twice one day), Feb
	(3, '1997-02-01'), (3, '1997-04-01'), (3, '1997-05-01'),                     -- Feb, Apr; May is after as_of
	(4, '1997-03-15'),                                                           -- Mar
	(5, '1997-05-03'),                                                           -- only after as_of: no customer
	(NULL, '1997-01-01'), (6, NULL);                                             -- skipped

-- Expected, monthly as of 1997-04-30 (cohort: active per offset 0..3):
--   Jan (customers 1, 2): 2 1 1 1    retained (active then or later): 2 2 1 1
--   Feb (customer 3):     1 0 1 -              1 1 1 -
--   Mar (customer 4):     1 0 - -              1 0 - -
CREATE TABLE ct AS SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '1997-04-30') AS t FROM clog;
SELECT t FROM ct;
SELECT crm.cohort_customers(t), crm.cohort_unit(t), crm.cohort_through(t) FROM ct;
SELECT cohort, period_offset, cohort_size, active, round(retention::numeric, 4) AS retention,
       retained, round(retention_unbounded::numeric, 4) AS retention_unbounded
FROM ct, crm.cohort_retention(t) ORDER BY cohort, period_offset;
SELECT cohort, cohort_size, active, retention, retained, retention_unbounded FROM ct, crm.cohort_matrix(t);

-- rates: S = active in the previous month, N = new, E = active in the month;
-- in April customer 3 comes back after a gap, so CRR = (E - N) / S = 1
SELECT period, customers_start, new_customers, customers_end, round(crr::numeric, 4) AS crr,
       round(churn_rate::numeric, 4) AS churn_rate
FROM ct, crm.period_retention(t);
SELECT period_offset, cohorts, customers, active, round(retention::numeric, 4) AS retention,
       retained, round(retention_unbounded::numeric, 4) AS retention_unbounded
FROM ct, crm.average_retention(t);

-- as of mid-April, April is not complete: the window ends on 1997-03-31 and
-- April's events are left out (no fake drop in a month that has just begun)
SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '1997-04-15') FROM clog;
-- as of the last day of a month, that month counts
SELECT crm.cohort_through(crm.cohort_fit(customer_id, event_on, interval '1 month', d))
FROM clog, (VALUES (date '1997-03-30'), (date '1997-03-31')) v(d) GROUP BY d ORDER BY d;

-- timestamptz events: days in the session time zone; as_of is an instant, so
-- '1997-05-01 00:00' completes April and an event at that instant is in May
SET TIME ZONE 'Europe/Berlin';
SELECT crm.cohort_fit(customer_id, event_on::timestamptz, interval '1 month', timestamptz '1997-05-01 00:00')::text
       = (SELECT t::text FROM ct) AS tstz_equals_date
FROM clog;
SELECT crm.cohort_through(crm.cohort_fit(customer_id, event_on::timestamptz, interval '1 month', a))
FROM clog, (VALUES (timestamptz '1997-04-30 23:59:59.999998'), (timestamptz '1997-04-30 23:59:59.999999')) v(a)
GROUP BY a ORDER BY a;
RESET TIME ZONE;

-- weeks: ISO weeks (Monday to Sunday); the same log by weeks, and by '7 days'
SELECT crm.cohort_fit(customer_id, event_on, interval '1 week', date '1997-02-16') FROM clog;
SELECT crm.cohort_fit(customer_id, event_on, interval '7 days', date '1997-02-16')::text
     = crm.cohort_fit(customer_id, event_on, interval '1 week', date '1997-02-16')::text AS seven_days_is_a_week
FROM clog;
SELECT cohort, cohort_size, active FROM crm.cohort_matrix(
	(SELECT crm.cohort_fit(customer_id, event_on, interval '1 week', date '1997-02-16') FROM clog));
-- quarters, and one cohort per year
SELECT crm.cohort_fit(customer_id, event_on, interval '3 months', date '1997-06-30') FROM clog;
SELECT crm.cohort_fit(customer_id, event_on, interval '1 year', date '1997-12-31') FROM clog;

-- customer ids of any hashable type give the same table
SELECT count(DISTINCT t::text) AS distinct_tables FROM (
	SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '1997-04-30') AS t FROM clog
	UNION ALL SELECT crm.cohort_fit(customer_id::bigint, event_on, interval '1 month', date '1997-04-30') FROM clog
	UNION ALL SELECT crm.cohort_fit('customer-' || customer_id, event_on, interval '1 month', date '1997-04-30') FROM clog
	UNION ALL SELECT crm.cohort_fit(md5(customer_id::text)::uuid, event_on, interval '1 month', date '1997-04-30') FROM clog
	UNION ALL SELECT crm.cohort_fit(customer_id::numeric, event_on, interval '1 month', date '1997-04-30') FROM clog
	UNION ALL SELECT crm.cohort_fit(customer_id::smallint, event_on, interval '1 month', date '1997-04-30') FROM clog
	UNION ALL SELECT crm.cohort_fit(('customer-' || customer_id)::varchar, event_on, interval '1 month', date '1997-04-30') FROM clog) q;

-- which overload a customer id resolves to: smallint, integer, bigint, text
-- and uuid ids (and types with an implicit cast to text, and untyped
-- literals) the concrete one, which Citus can distribute; any other type
-- the anyelement one.  Read from the aggregate a view of the call depends on.
CREATE DOMAIN int_id AS integer;
CREATE FUNCTION resolves_to(call text) RETURNS regprocedure LANGUAGE plpgsql AS $$
DECLARE
	agg regprocedure;
BEGIN
	EXECUTE format('CREATE VIEW probe AS SELECT %s FROM clog', call);
	SELECT d.refobjid INTO STRICT agg
	FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
	WHERE r.ev_class = 'probe'::regclass AND d.refclassid = 'pg_proc'::regclass
	  AND d.refobjid::regproc::text ~ '^crm\.cohort_(fit|partial)$';
	DROP VIEW probe;
	RETURN agg;
END $$;
SELECT id, resolves_to(format('crm.cohort_fit(%s, event_on, interval ''1 month'', date ''1997-04-30'')', id)) AS fit,
       resolves_to(format('crm.cohort_partial(%s, event_on::timestamptz, interval ''1 month'', timestamptz ''1997-04-30'')', id)) AS partial
FROM (VALUES ('customer_id::smallint'), ('customer_id'), ('customer_id::bigint'), ('''c-'' || customer_id'),
             ('md5(customer_id::text)::uuid'), ('customer_id::numeric'), ('customer_id::int_id'),
             ('customer_id::text::varchar'), ('customer_id::text::char(8)'), ('''customer-1''')) v(id);

-- GROUP BY: one table per segment
SELECT customer_id % 2 AS segment, crm.cohort_fit(customer_id, event_on, interval '1 month', date '1997-04-30')
FROM clog WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY 1;

-- empty input and only skipped rows give NULL
SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '1997-04-30') IS NULL AS empty_is_null
FROM clog WHERE false;
SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '1997-04-30') IS NULL AS skipped_is_null
FROM clog WHERE customer_id IS NULL OR event_on IS NULL;

-- partial states per shard (rows split three ways, customers in several
-- shards) merged equal one pass; their text form re-reads exactly
CREATE TABLE cstates AS
SELECT (event_on - date '1997-01-01') % 3 AS shard,
       crm.cohort_partial(customer_id, event_on, interval '1 month', date '1997-04-30') AS s
FROM clog GROUP BY 1;
SELECT shard, s FROM cstates ORDER BY shard;
SELECT crm.cohort_final(crm.cohort_merge(s))::text = (SELECT t::text FROM ct) AS merged_equals_one_pass FROM cstates;
SELECT crm.cohort_final(crm.cohort_merge(s::text::crm.cohort_state))::text = (SELECT t::text FROM ct) AS shipped_as_text FROM cstates;
SELECT crm.cohort_final(crm.cohort_combine(a.s, b.s))::text = crm.cohort_final(crm.cohort_combine(b.s, a.s))::text AS combine_commutes
FROM cstates a, cstates b WHERE a.shard = 0 AND b.shard = 1;
-- a partial state's events and ignored rows add up
SELECT crm.cohort_merge(s) FROM cstates;

-- tables of disjoint customer sets add up to the table of all of them
SELECT crm.cohort_sum(t)::text = (SELECT t::text FROM ct) AS sum_of_disjoint_equals_whole
FROM (SELECT crm.cohort_fit(customer_id, event_on, interval '1 month', date '1997-04-30') AS t
      FROM clog GROUP BY customer_id % 2) q;

-- text and binary forms round-trip; jsonb
SELECT t::text::crm.cohort_table::text = t::text AS table_text_round_trip FROM ct;
SELECT t::jsonb FROM ct;
CREATE TABLE stored AS SELECT 1 AS k, t, (SELECT crm.cohort_merge(s) FROM cstates) AS s FROM ct;
\copy stored TO 'results/cohort_stored.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/cohort_stored.bin' WITH (FORMAT binary)
SELECT a.t::text = b.t::text AS table_binary_round_trip, a.s::text = b.s::text AS state_binary_round_trip
FROM stored a JOIN stored_back b USING (k);

-- the transition outside an aggregate does not modify its input state
SELECT s::text = (SELECT s::text FROM cstates WHERE shard = 0) AS input_unchanged
FROM (SELECT crm.cohort_trans(s, 99, date '1997-01-01', interval '1 month', date '1997-04-30') AS added, s
      FROM cstates WHERE shard = 0) q;
SELECT crm.cohort_final(crm.cohort_trans(NULL, 99, date '1997-01-01', interval '1 month', date '1997-04-30'));

-- volatility: date overloads are immutable, timestamptz ones stable
SELECT p.oid::regprocedure, p.provolatile FROM pg_proc p
WHERE p.pronamespace = 'crm'::regnamespace AND p.proname IN ('cohort_trans') ORDER BY p.oid::regprocedure::text;

RESET search_path;
DROP SCHEMA cohort_test CASCADE;
