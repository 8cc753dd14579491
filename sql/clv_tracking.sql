-- Tracking a customer base (src/clv/clv_tracking.c): crm.tracking_data over
-- one row per customer (their purchase days) and crm.tracking(model, state).
-- On CDNOW (2357 customers, weeks from 1997-01-01, 78 weeks): the actual
-- cumulative repeat purchases equal BTYD's cdnowSummary cu.tracking exactly,
-- and the BG/NBD's expected curve at the published parameters (Fader,
-- Hardie & Lee 2005: r 0.243, alpha 4.414, a 0.793, b 2.426) equals an
-- independent computation (test/reference/bgnbd_tracking.py, mpmath, kept in
-- test/reference/bgnbd_tracking_cdnow.txt) within 1e-10 relative in every
-- week.  For every purchase model the expected column is checked against
-- the sum over customers of crm.expected_purchases from each one's birth;
-- covariates, units, parallel and merged states, the state's forms and the
-- errors follow.
CREATE SCHEMA trk;
SET search_path = trk, public;
\i test/load/cdnow.sql
\i test/load/apparel.sql
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql
SET extra_float_digits = 0;
-- the errors of the state's input, with their detail
CREATE FUNCTION detail_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || detail;
END $$;

CREATE TABLE btyd (week int, cumulative bigint);
\copy btyd FROM PROGRAM 'cat "$CRM_DATA_DIR/BTYD/cdnowSummary.cu.tracking.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE reference (week int, expected_cumulative float8);
\copy reference FROM 'test/reference/bgnbd_tracking_cdnow.txt' WITH (FORMAT csv)
CREATE TABLE customers AS
SELECT customer_id, array_agg(purchased_on) AS days, min(purchased_on) AS birth
FROM cdnow_log GROUP BY customer_id;
CREATE TABLE base AS
SELECT crm.tracking_data(days, '1997-01-01', '1 week', 78) AS b FROM customers;

-- actuals: equal to BTYD's tracking data in all 78 weeks
SELECT count(*) AS weeks, count(*) FILTER (WHERE t.actual_cumulative = btyd.cumulative) AS equal_to_btyd,
       max(t.customers) AS customers
FROM base, crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), b) t JOIN btyd ON btyd.week = t.period;

-- the BG/NBD's expected curve at the published parameters against the
-- independent computation, every week within 1e-10 relative; weeks 39
-- (end of calibration) and 78
SELECT count(*) AS weeks, max(abs(t.expected_cumulative / r.expected_cumulative - 1)) < 1e-10 AS within_1e_10
FROM base, crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), b) t JOIN reference r ON r.week = t.period;
SELECT t.period, to_char(t.period_start, 'YYYY-MM-DD') AS period_start, t.customers, t.actual, round(t.expected::numeric, 2) AS expected,
       t.actual_cumulative, round(t.expected_cumulative::numeric, 2) AS expected_cumulative
FROM base, crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), b) t
WHERE t.period IN (1, 2, 12, 13, 39, 40, 78) ORDER BY t.period;

-- every purchase model: the expected column is the sum over customers of
-- crm.expected_purchases(model, (end of period - birth) / 7), the
-- incremental column the cumulative's differences, the curve rising
CREATE TABLE models (kind text, cum float8[], inc float8[], direct float8[]);
CREATE FUNCTION check_model(kind text, t_cum float8[], t_inc float8[], e float8[]) RETURNS void LANGUAGE sql
	BEGIN ATOMIC INSERT INTO trk.models VALUES (kind, t_cum, t_inc, e); END;
CREATE TABLE weeks AS SELECT unnest(ARRAY[1, 13, 39, 78]) AS week;
SELECT check_model('bgnbd', (SELECT array_agg(expected_cumulative ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(expected ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(e ORDER BY week) FROM (SELECT w.week, sum(crm.expected_purchases(m, (7 * w.week - (c.birth - date '1997-01-01')) / 7.0)) AS e
                    FROM weeks w JOIN customers c ON c.birth - date '1997-01-01' < 7 * w.week GROUP BY w.week) s))
FROM (VALUES (crm.bgnbd(0.243, 4.414, 0.793, 2.426))) v(m);
SELECT check_model('mbgnbd', (SELECT array_agg(expected_cumulative ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(expected ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(e ORDER BY week) FROM (SELECT w.week, sum(crm.expected_purchases(m, (7 * w.week - (c.birth - date '1997-01-01')) / 7.0)) AS e
                    FROM weeks w JOIN customers c ON c.birth - date '1997-01-01' < 7 * w.week GROUP BY w.week) s))
FROM (VALUES (crm.mbgnbd(0.525, 6.183, 0.891, 1.614))) v(m);
SELECT check_model('paretonbd', (SELECT array_agg(expected_cumulative ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(expected ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(e ORDER BY week) FROM (SELECT w.week, sum(crm.expected_purchases(m, (7 * w.week - (c.birth - date '1997-01-01')) / 7.0)) AS e
                    FROM weeks w JOIN customers c ON c.birth - date '1997-01-01' < 7 * w.week GROUP BY w.week) s))
FROM (VALUES (crm.paretonbd(0.55, 10.58, 0.61, 11.67))) v(m);
SELECT check_model('ggomnbd', (SELECT array_agg(expected_cumulative ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(expected ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(e ORDER BY week) FROM (SELECT w.week, sum(crm.expected_purchases(m, (7 * w.week - (c.birth - date '1997-01-01')) / 7.0)) AS e
                    FROM weeks w JOIN customers c ON c.birth - date '1997-01-01' < 7 * w.week GROUP BY w.week) s))
FROM (VALUES (crm.ggomnbd(0.55, 10.58, 0.05, 0.6, 0.5))) v(m);
SELECT check_model('bgcnbd', (SELECT array_agg(expected_cumulative ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(expected ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(e ORDER BY week) FROM (SELECT w.week, sum(crm.expected_purchases(m, (7 * w.week - (c.birth - date '1997-01-01')) / 7.0)) AS e
                    FROM weeks w JOIN customers c ON c.birth - date '1997-01-01' < 7 * w.week GROUP BY w.week) s))
FROM (VALUES (crm.bgcnbd(2, 0.5, 5, 0.8, 2.4))) v(m);
SELECT check_model('mbgcnbd', (SELECT array_agg(expected_cumulative ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(expected ORDER BY period) FROM base, crm.tracking(m, b)),
                   (SELECT array_agg(e ORDER BY week) FROM (SELECT w.week, sum(crm.expected_purchases(m, (7 * w.week - (c.birth - date '1997-01-01')) / 7.0)) AS e
                    FROM weeks w JOIN customers c ON c.birth - date '1997-01-01' < 7 * w.week GROUP BY w.week) s))
FROM (VALUES (crm.mbgcnbd(3, 0.5, 5, 0.8, 2.4))) v(m);
SELECT kind,
       (SELECT bool_and(abs(cum[w.week] / direct[i] - 1) < 1e-12) FROM unnest(ARRAY[1, 13, 39, 78]) WITH ORDINALITY w(week, i)) AS sum_of_customers,
       (SELECT bool_and(abs(inc[i] - (cum[i] - coalesce(cum[i - 1], 0))) < 1e-9) FROM generate_series(1, 78) i) AS increments,
       (SELECT bool_and(cum[i] >= cum[i - 1]) FROM generate_series(2, 78) i) AS rising,
       round(cum[39]::numeric, 1) AS week_39, round(cum[78]::numeric, 1) AS week_78
FROM models ORDER BY kind;

-- the model's unit: a BG/NBD in days (alpha in days = 7 x alpha in weeks)
-- tracks as the same model in weeks; a model without a unit is read in
-- periods, as one in weeks
SELECT max(abs(d.expected_cumulative / w.expected_cumulative - 1)) < 1e-12 AS days_as_weeks,
       bool_and(u.expected_cumulative = w.expected_cumulative) AS no_unit_is_periods
FROM base, crm.tracking(crm.with_unit(crm.bgnbd(0.243, 7 * 4.414, 0.793, 2.426), '1 day'), b) d
JOIN crm.tracking(crm.with_unit(crm.bgnbd(0.243, 4.414, 0.793, 2.426), '1 week'), b) w USING (period)
JOIN crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), b) u USING (period);

-- daily periods: the same births and purchases, counted by day; the totals
-- agree with the weekly tracking at the end of each week
SELECT d.actual_cumulative = w.actual_cumulative AS same_actuals,
       abs(d.expected_cumulative / w.expected_cumulative - 1) < 1e-12 AS same_expected
FROM (SELECT crm.tracking_data(days, '1997-01-01', '1 day', 546) AS b FROM customers) bd, base,
     crm.tracking(crm.with_unit(crm.bgnbd(0.243, 4.414, 0.793, 2.426), '1 week'), bd.b) d
JOIN crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), base.b) w ON d.period = 7 * w.period
WHERE w.period = 78;

-- covariates (apparel, Gender on both processes): at covariates 0 exactly the
-- plain model; a mixed base tracked by one state per covariate value, summed
-- by period, equals the sum over customers of crm.expected_purchases with
-- their covariates
CREATE TABLE app AS
SELECT l.customer_id, array_agg(l.purchased_on) AS days, min(l.purchased_on) AS birth, s.gender
FROM apparel_log l JOIN apparel_static s USING (customer_id) GROUP BY l.customer_id, s.gender;
CREATE TABLE cov AS
SELECT crm.with_covariates(crm.paretonbd(1.4, 48, 0.56, 45), crm.covariates('{gender}', '{gender}'), '{0.3}', '{-0.2}') AS p,
       crm.with_covariates(crm.bgnbd(0.9, 40, 0.3, 2.5), crm.covariates('{gender}', '{gender}'), '{0.3}', '{-0.2}') AS g;
SELECT min(birth) AS first_birth, max(birth) AS last_birth, count(*) AS customers FROM app;
SELECT bool_and(c.expected_cumulative = u.expected_cumulative) AS covariates_0_exact
FROM cov, (SELECT crm.tracking_data(days, '2005-01-02', '1 week', 260) AS b FROM app) s,
     crm.tracking(p, s.b, '{0}', '{0}') c JOIN crm.tracking(crm.paretonbd(1.4, 48, 0.56, 45), s.b) u USING (period);
SELECT kind, bool_and(abs(tracked / direct - 1) < 1e-12) AS sum_of_customers
FROM (SELECT 'paretonbd' AS kind, w.week, (SELECT sum(t.expected_cumulative) FROM (SELECT gender, crm.tracking_data(days, '2005-01-02', '1 week', 260) AS b FROM app GROUP BY gender) g, cov,
               crm.tracking(p, g.b, ARRAY[g.gender], ARRAY[g.gender]) t WHERE t.period = w.week) AS tracked,
             (SELECT sum(crm.expected_purchases(p, (7 * w.week - (a.birth - date '2005-01-02')) / 7.0, ARRAY[a.gender], ARRAY[a.gender]))
              FROM app a, cov WHERE a.birth - date '2005-01-02' < 7 * w.week) AS direct
      FROM unnest(ARRAY[10, 52, 104, 260]) w(week)
      UNION ALL
      SELECT 'bgnbd', w.week, (SELECT sum(t.expected_cumulative) FROM (SELECT gender, crm.tracking_data(days, '2005-01-02', '1 week', 260) AS b FROM app GROUP BY gender) g, cov,
               crm.tracking(g, g.b, ARRAY[g.gender], ARRAY[g.gender]) t WHERE t.period = w.week),
             (SELECT sum(crm.expected_purchases(g, (7 * w.week - (a.birth - date '2005-01-02')) / 7.0, ARRAY[a.gender], ARRAY[a.gender]))
              FROM app a, cov WHERE a.birth - date '2005-01-02' < 7 * w.week)
      FROM unnest(ARRAY[10, 52, 104, 260]) w(week)) s
GROUP BY kind ORDER BY kind;

-- the aggregate: serial and parallel plans give the same state; partial
-- states merged (by customer parity) give it too; empty and all-NULL input
-- give NULL; customers born after the window are counted, not tracked; NULL days and
-- repeated days are ignored
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE customers SET (parallel_workers = 2);
SELECT plan_partial_aggregate($$SELECT crm.tracking_data(days, '1997-01-01', '1 week', 78) FROM trk.customers$$) AS partial_aggregate;
SELECT (SELECT crm.tracking_data(days, '1997-01-01', '1 week', 78)::text FROM customers) = b::text AS parallel_same FROM base;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT crm.tracking_merge(s)::text = (SELECT b::text FROM base) AS merged_same
FROM (SELECT crm.tracking_data(days, '1997-01-01', '1 week', 78) AS s FROM customers GROUP BY customer_id % 2) p;
SELECT crm.tracking_data(days, '1997-01-01', '1 week', 78) IS NULL AS empty_null FROM customers WHERE false;
SELECT crm.tracking_data(NULL::date[], '1997-01-01', '1 week', 78) IS NULL AS all_null_null FROM customers;
SELECT crm.tracking_data(d, '1997-01-01', '1 week', 4)::text AS state
FROM (VALUES ('{1997-01-02,1997-01-02,NULL,1997-01-09,1997-01-05}'::date[]), ('{1997-01-01}'), ('{1997-02-20,1997-02-21}'),
             ('{}'), (NULL), ('{1997-01-28,1997-03-01}')) v(d);

-- customers who first bought before the origin or after the window are
-- counted, not tracked (CDNOW's customers were born in the first 12 weeks
-- of 1997), and crm.tracking says how many in a NOTICE
CREATE TABLE late_base AS SELECT crm.tracking_data(days, '1997-02-01', '1 week', 4) AS b FROM customers;
SELECT (regexp_match(b::text, 'customers=\d+ before_origin=\d+ after_window=\d+'))[1] AS counts,
       (SELECT count(*) FROM customers c WHERE c.birth < date '1997-02-01') AS born_before,
       (SELECT count(*) FROM customers c WHERE c.birth >= date '1997-03-01') AS born_after
FROM late_base;
SELECT count(*) AS periods, max(actual_cumulative) AS actual FROM late_base, crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), b);

-- the state's text and binary forms round-trip
SELECT b::text::crm.tracking_state::text = b::text AS text_round_trip FROM base;
COPY base TO PROGRAM 'cat > /tmp/crm_tracking_state.bin' (FORMAT binary);
CREATE TABLE base_back (b crm.tracking_state);
COPY base_back FROM PROGRAM 'cat /tmp/crm_tracking_state.bin' (FORMAT binary);
SELECT (SELECT b::text FROM base_back) = b::text AS binary_round_trip FROM base;

-- errors of the aggregate
SELECT sqlstate_of($$SELECT crm.tracking_data(days, '1997-01-01', '1 month', 12) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, '1997-01-01', '36 hours', 12) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, '1997-01-01', '0 days', 12) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, '1997-01-01', '1 week', 0) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, '1997-01-01', '1 week', 100001) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, '1997-01-01', '300 days', 2000) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, 'infinity', '1 week', 78) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, '9999-12-01', '1 week', 78) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, NULL, '1 week', 78) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data(days, '1997-01-01', '1 week', 78 + (customer_id % 2)) FROM trk.customers$$);
SELECT sqlstate_of($$SELECT crm.tracking_data('{infinity}'::date[], '1997-01-01', '1 week', 78)$$);
SELECT sqlstate_of($$SELECT crm.tracking_data('{{1997-01-01},{1997-01-02}}'::date[], '1997-01-01', '1 week', 78)$$);
SELECT sqlstate_of($$SELECT crm.tracking_merge(s) FROM (SELECT crm.tracking_data(days, '1997-01-01', '1 week', 78) AS s FROM trk.customers
                     UNION ALL SELECT crm.tracking_data(days, '1997-01-01', '1 week', 79) FROM trk.customers) x$$);
-- impossible or malformed states
SELECT detail_of($$SELECT 'v2 origin=1997-01-01 period_days=7 periods=2 customers=0 before_origin=0 after_window=0 births={} repeats={}'::crm.tracking_state$$);
SELECT detail_of($$SELECT 'v1 origin=1997-02-30 period_days=7 periods=2 customers=0 before_origin=0 after_window=0 births={} repeats={}'::crm.tracking_state$$);
SELECT detail_of($$SELECT 'v1 origin=1997-01-01 period_days=7 periods=2 customers=1 before_origin=0 after_window=0 births={} repeats={}'::crm.tracking_state$$);
SELECT detail_of($$SELECT 'v1 origin=1997-01-01 period_days=7 periods=2 customers=2 before_origin=0 after_window=0 births={3:1,2:1} repeats={}'::crm.tracking_state$$);
SELECT detail_of($$SELECT 'v1 origin=1997-01-01 period_days=7 periods=2 customers=1 before_origin=0 after_window=0 births={14:1} repeats={}'::crm.tracking_state$$);
SELECT detail_of($$SELECT 'v1 origin=1997-01-01 period_days=7 periods=2 customers=1 before_origin=0 after_window=0 births={3:1} repeats={0:0}'::crm.tracking_state$$);
SELECT detail_of($$SELECT 'v1 origin=1997-01-01 period_days=400 periods=2 customers=0 before_origin=0 after_window=0 births={} repeats={}'::crm.tracking_state$$);
SELECT detail_of($$SELECT 'v1 origin=1997-01-01 period_days=7 periods=2 customers=0 before_origin=0 after_window=0 births={} repeats={} extra'::crm.tracking_state$$);
SELECT 'v1 origin=1997-01-01 period_days=7 periods=2 customers=1 before_origin=0 after_window=0 births={3:1} repeats={1:4}'::crm.tracking_state AS valid_state;

-- errors of crm.tracking: covariates missing, of the wrong length or on a
-- model without them, an unconverged fit, a unit whose lags are beyond the
-- longest horizon
SELECT sqlstate_of($$SELECT * FROM trk.base, trk.cov, crm.tracking(p, b)$$);
SELECT sqlstate_of($$SELECT * FROM trk.base, trk.cov, crm.tracking(p, b, '{1,2}', '{0}')$$);
SELECT sqlstate_of($$SELECT * FROM trk.base, crm.tracking(crm.paretonbd(1, 1, 1, 1), b, '{1}', '{0}')$$);
SELECT sqlstate_of($$SELECT * FROM trk.base, crm.tracking(regexp_replace(crm.bgnbd(1, 1, 1, 1)::text, '$', ' ll=-5 n=10 iterations=3 converged=false')::crm.bgnbd, b)$$);
SELECT sqlstate_of($$SELECT * FROM crm.tracking(crm.with_unit(crm.bgnbd(1, 1, 1, 1), '1 minute'), 'v1 origin=1997-01-01 period_days=366 periods=2 customers=1 before_origin=0 after_window=0 births={0:1} repeats={}')$$);
-- the work of one call is bounded: periods x days with births at most 1e9
SELECT sqlstate_of(format($q$SELECT count(*) FROM crm.tracking(crm.bgnbd(1, 1, 1, 1), %L)$q$,
       'v1 origin=1000-01-01 period_days=3 periods=100000 customers=10001 before_origin=0 after_window=0 births={'
       || (SELECT string_agg(i || ':1', ',' ORDER BY i) FROM generate_series(0, 10000) i) || '} repeats={}'));
-- a state without births: every expectation 0
SELECT count(*) AS periods, max(expected_cumulative) AS expected
FROM crm.tracking(crm.bgnbd(1, 1, 1, 1), 'v1 origin=1997-01-01 period_days=7 periods=3 customers=0 before_origin=0 after_window=0 births={} repeats={1:2}');
-- a NULL covariate element: no rows, as for a NULL argument
SELECT count(*) AS rows_for_null_covariate FROM trk.base, trk.cov, crm.tracking(p, b, '{NULL}', '{0}');
DROP SCHEMA trk CASCADE;
