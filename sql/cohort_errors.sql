-- Bad input to the cohort aggregates and types: every case raises a clear
-- error with its SQLSTATE (shown as "SQLSTATE: message"), or has a
-- documented result.
CREATE SCHEMA cohort_errors;
SET search_path = cohort_errors, public;
\i test/load/sqlstate_of.sql

CREATE TABLE celog (customer_id int, d date, ts timestamptz);
INSERT INTO celog VALUES (1, '2024-01-05', '2024-01-05 10:00+00'), (2, '2024-02-10', '2024-02-10 10:00+00'),
	(1, '2024-03-01', '2024-03-01 10:00+00');

-- units: a positive whole number of days or of months (22023)
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '0 days', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '0 months', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '-1 week', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '-1 month', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '1 month 1 day', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '12 hours', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '1 day 1 second', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, ts, interval '0 days', timestamptz '2024-03-31') FROM celog$$);

-- as_of before the first event: every event is after the window (22000)
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '1 month', date '2023-12-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, ts, interval '1 month', timestamptz '2023-12-31') FROM celog$$);
-- ... also when as_of is in the first month but that month is not complete
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '1 month', date '2024-01-20') FROM celog$$);
-- ... and for merged partial states (each partial state alone is fine)
SELECT sqlstate_of($$SELECT crm.cohort_final(crm.cohort_merge(s)) FROM (
	SELECT crm.cohort_partial(customer_id, d, interval '1 month', date '2023-12-31') AS s FROM celog GROUP BY customer_id) q$$);
SELECT crm.cohort_partial(customer_id, d, interval '1 month', date '2023-12-31') FROM celog;
-- the message in full
SELECT crm.cohort_fit(customer_id, d, interval '1 month', date '2024-01-20') FROM celog;
-- one month later it works
SELECT crm.cohort_fit(customer_id, d, interval '1 month', date '2024-01-31') FROM celog;

-- NULL unit or as_of (22004); NULL customers and events are skipped
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, NULL::interval, date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '1 month', NULL::date) FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, ts, interval '1 month', NULL::timestamptz) FROM celog$$);
SELECT crm.cohort_customers(crm.cohort_fit(c, e, interval '1 month', date '2024-03-31'))
FROM (SELECT customer_id AS c, d AS e FROM celog UNION ALL SELECT NULL, date '2024-01-01' UNION ALL SELECT 9, NULL) q;

-- infinite times (22000), even on a row after as_of
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, 'infinity'::date, interval '1 month', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, '-infinity'::date, interval '1 month', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, 'infinity'::timestamptz, interval '1 month', timestamptz '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '1 month', 'infinity'::date) FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, ts, interval '1 month', '-infinity'::timestamptz) FROM celog$$);

-- unit and as_of must give one observation window per group (22023); an
-- as_of that varies within one period gives the same window and is fine
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '1 month', d + 60) FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit(customer_id, d, interval '1 day' * customer_id, date '2024-03-31') FROM celog$$);
SELECT crm.cohort_through(crm.cohort_fit(customer_id, d, interval '1 month', date '2024-04-01' + customer_id)) FROM celog;

-- states and tables with other units or windows do not merge or add (22023)
SELECT sqlstate_of($$SELECT crm.cohort_merge(s) FROM (
	SELECT crm.cohort_partial(customer_id, d, interval '1 month', date '2024-03-31') AS s FROM celog
	UNION ALL SELECT crm.cohort_partial(customer_id, d, interval '1 month', date '2024-04-30') FROM celog) q$$);
SELECT sqlstate_of($$SELECT crm.cohort_merge(s) FROM (
	SELECT crm.cohort_partial(customer_id, d, interval '1 month', date '2024-03-31') AS s FROM celog
	UNION ALL SELECT crm.cohort_partial(customer_id, d, interval '1 week', date '2024-03-31') FROM celog) q$$);
SELECT sqlstate_of($$SELECT crm.cohort_sum(t) FROM (
	SELECT crm.cohort_fit(customer_id, d, interval '1 month', date '2024-03-31') AS t FROM celog
	UNION ALL SELECT crm.cohort_fit(customer_id, d, interval '3 months', date '2024-03-31') FROM celog) q$$);

-- customer ids need a hash function (42883); "char" ids are ambiguous
-- between the text and anyelement overloads (42725: cast them); an untyped
-- literal is a text id
SELECT sqlstate_of($$SELECT crm.cohort_fit(point(customer_id, 0), d, interval '1 month', date '2024-03-31') FROM celog$$);
SELECT sqlstate_of($$SELECT crm.cohort_fit('a'::"char", d, interval '1 month', date '2024-03-31') FROM celog$$);
SELECT crm.cohort_fit('abc', d, interval '1 month', date '2024-03-31')::text
     = crm.cohort_fit('abc'::text, d, interval '1 month', date '2024-03-31')::text AS literal_is_text
FROM celog;

-- a table spans at most 5000 periods (54000)
SELECT crm.cohort_fit(1, e, interval '1 day', date '2024-03-31')
FROM (VALUES (date '2000-01-01'), (date '2024-03-31')) v(e);

-- malformed text (22P02)
SELECT sqlstate_of($$SELECT 'unit=1 month through=1997-04-15 first=1997-01-01 events=1 active={1} retained={1}'::crm.cohort_table$$);
SELECT sqlstate_of($$SELECT 'unit=1 month through=1997-01-31 first=1997-01-02 events=1 active={1} retained={1}'::crm.cohort_table$$);
SELECT sqlstate_of($$SELECT 'unit=1 month through=1997-01-31 first=1997-02-01 events=1 active={1} retained={1}'::crm.cohort_table$$);
SELECT sqlstate_of($$SELECT 'unit=0 months through=1997-01-31 first=1997-01-01 events=1 active={1} retained={1}'::crm.cohort_table$$);
SELECT sqlstate_of($$SELECT 'unit=1 month through=1997-02-28 first=1997-01-01 events=3 active={2,1;1} retained={2,2;1}'::crm.cohort_table$$);
SELECT sqlstate_of($$SELECT 'unit=1 month through=1997-02-28 first=1997-01-01 events=1 active={2,1;0} retained={2,1;0}'::crm.cohort_table$$);
SELECT sqlstate_of($$SELECT 'unit=1 month through=1997-02-28 first=1997-01-01 events=3 active={2,1,1;0} retained={2,1;0}'::crm.cohort_table$$);
SELECT sqlstate_of($$SELECT 'unit=1 month through=1997-02-28 first=1997-01-01 events=3 active={0,0;1} retained={0,0;1}'::crm.cohort_table$$);
SELECT sqlstate_of($$SELECT 'v1 unit=1 month through=1997-01-31 events=1 ignored=0 pairs={ab:1997-01-02}'::crm.cohort_state$$);
SELECT sqlstate_of($$SELECT 'v1 unit=1 month through=1997-01-31 events=1 ignored=0 pairs={ab:1997-02-01}'::crm.cohort_state$$);
SELECT sqlstate_of($$SELECT 'v1 unit=1 month through=1997-02-28 events=2 ignored=0 pairs={ab:1997-02-01,1997-01-01}'::crm.cohort_state$$);
SELECT sqlstate_of($$SELECT 'v1 unit=1 month through=1997-02-28 events=2 ignored=0 pairs={ab:1997-01-01;aa:1997-01-01}'::crm.cohort_state$$);
SELECT sqlstate_of($$SELECT 'v1 unit=1 month through=1997-02-28 events=1 ignored=0 pairs={ab:1997-01-01,1997-02-01}'::crm.cohort_state$$);
SELECT sqlstate_of($$SELECT 'v1 unit=1 month through=1997-02-28 events=1 ignored=0 pairs={12345678901234567:1997-01-01}'::crm.cohort_state$$);
SELECT sqlstate_of($$SELECT 'v2 unit=1 month through=1997-02-28 events=0 ignored=0 pairs={}'::crm.cohort_state$$);
-- valid forms read back to themselves
SELECT 'v1 unit=2 weeks through=1997-01-19 events=3 ignored=1 pairs={ab:1997-01-06;0000000000000abc:1996-12-09,1996-12-23}'::crm.cohort_state;
SELECT 'unit=1 month through=1997-02-28 first=1997-01-01 events=3 active={2,1;0} retained={2,1;0}'::crm.cohort_table;

RESET search_path;
DROP SCHEMA cohort_errors CASCADE;
