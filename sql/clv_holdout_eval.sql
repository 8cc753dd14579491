-- Holdout evaluation (crm.holdout_evaluation, crm.holdout_metrics,
-- crm.holdout_table) on CDNOW: weeks, calibration to 1997-09-30, holdout to
-- 1998-06-30 (39 weeks).  The actual side is checked against BTYD's
-- cdnowSummary cbs (x, x.star per customer: exact); every number of the
-- table and the metrics against the same quantity computed by plain SQL
-- (avg, sum, corr) within 1e-12 relative; merged, forced-parallel and
-- text/binary round-tripped evaluations against the direct one; NULL
-- predictions counted as unscored; every error with its SQLSTATE.
CREATE SCHEMA holdout;
SET search_path = holdout, public;
\i test/load/cdnow.sql
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql
CREATE TEMP TABLE ref_cbs (id int, x int, t_x float8, t_cal float8, x_star int);
\copy ref_cbs FROM PROGRAM 'cat "$CRM_DATA_DIR/BTYD/cdnowSummary.cbs.csv"' WITH (FORMAT csv, HEADER true)

CREATE TABLE cbs AS
SELECT customer_id, (crm.calibration_holdout(purchased_on, amount, date '1997-09-30', date '1998-06-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
CREATE TABLE fit AS
SELECT crm.bgnbd_fit(frequency, recency, t) AS bg, crm.paretonbd_fit(frequency, recency, t) AS pnbd,
       crm.gammagamma_fit(frequency, monetary_value) AS gg
FROM cbs;
-- one row per customer: calibration frequency, actual and expected holdout
-- purchases and spend (expected spend: expected purchases times the
-- Gamma-Gamma expected spend per purchase; NULL for the customers the
-- Gamma-Gamma model cannot score, those without a repeat purchase)
CREATE TABLE scored AS
SELECT customer_id, frequency::bigint AS frequency, frequency_holdout::float8 AS actual,
       crm.expected_purchases(bg, duration_holdout, frequency, recency, t) AS expected,
       crm.expected_purchases(pnbd, duration_holdout, frequency, recency, t) AS expected_pnbd,
       frequency_holdout * monetary_value_holdout AS actual_spend,
       crm.expected_purchases(bg, duration_holdout, frequency, recency, t) *
           CASE WHEN frequency > 0 THEN crm.expected_spend(gg, frequency, monetary_value) END AS expected_spend
FROM cbs, fit;

-- the actual side is BTYD's: every customer's holdout repeat purchases and
-- the bin sizes and mean x.star per calibration frequency 0..6 and 7+
SELECT count(*) AS customers, count(*) FILTER (WHERE s.actual = r.x_star AND s.frequency = r.x) AS equal_to_btyd
FROM scored s JOIN ref_cbs r ON r.id = s.customer_id;
CREATE TABLE evaluation AS
SELECT crm.holdout_evaluation(frequency, actual, expected, actual_spend, expected_spend) AS e,
       crm.holdout_evaluation(frequency, actual, expected_pnbd) AS e_pnbd
FROM scored;
SELECT t.frequency, t.and_more, t.customers, t.customers = r.customers AS btyd_customers,
       round(t.actual_mean::numeric, 4) AS actual_mean, t.actual_mean = r.x_star_mean AS btyd_actual,
       round(t.expected_mean::numeric, 4) AS bg_expected_mean
FROM evaluation, crm.holdout_table(e) t
JOIN (SELECT least(x, 7) AS frequency, count(*) AS customers, avg(x_star::float8) AS x_star_mean
      FROM ref_cbs GROUP BY 1) r USING (frequency)
ORDER BY t.frequency;

-- the table against plain SQL, per calibration frequency and with another cut
SELECT bool_and(t.customers = q.customers AND abs(t.actual_mean - q.actual_mean) <= 1e-12 * q.actual_mean
                AND abs(t.expected_mean - q.expected_mean) <= 1e-12 * q.expected_mean
                AND t.spend_customers = q.spend_customers
                AND abs(t.actual_spend_mean - q.actual_spend_mean) <= 1e-12 * abs(q.actual_spend_mean)
                AND abs(t.expected_spend_mean - q.expected_spend_mean) <= 1e-12 * q.expected_spend_mean) AS table_is_sql,
       count(*) AS rows
FROM evaluation, crm.holdout_table(e, 3) t
JOIN (SELECT least(frequency, 3) AS frequency, count(*) AS customers, avg(actual) AS actual_mean, avg(expected) AS expected_mean,
             count(expected_spend) AS spend_customers, avg(actual_spend) FILTER (WHERE expected_spend IS NOT NULL) AS actual_spend_mean,
             avg(expected_spend) AS expected_spend_mean
      FROM scored GROUP BY 1) q USING (frequency);
-- frequencies 0 .. 9 and 10+, and max_frequency 0: one row of everyone
SELECT count(*) AS rows, sum(customers) AS customers, bool_or(and_more) FILTER (WHERE frequency = 10) AS last_is_and_more
FROM evaluation, crm.holdout_table(e, 10);
SELECT frequency, and_more, customers, round(actual_mean::numeric, 6) AS actual_mean
FROM evaluation, crm.holdout_table(e, 0);

-- the metrics against plain SQL: totals, bias of the total, MAE, RMSE,
-- Pearson correlation (PostgreSQL's corr), for purchases and for spend
SELECT m.customers, m.unscored, m.actual_total, round(m.expected_total::numeric, 2) AS expected_total,
       round(m.bias_percent::numeric, 2) AS bias_percent, round(m.mae::numeric, 4) AS mae,
       round(m.rmse::numeric, 4) AS rmse, round(m.correlation::numeric, 4) AS correlation,
       m.spend_customers, m.spend_unscored, round(m.spend_correlation::numeric, 4) AS spend_correlation
FROM evaluation, crm.holdout_metrics(e) m;
SELECT abs(m.expected_total / q.expected_total - 1) < 1e-12 AS total,
       abs(m.bias_percent - 100 * (q.expected_total - q.actual_total) / q.actual_total) < 1e-10 AS bias,
       abs(m.mae / q.mae - 1) < 1e-12 AS mae, abs(m.rmse / q.rmse - 1) < 1e-12 AS rmse,
       abs(m.correlation - q.correlation) < 1e-12 AS correlation,
       abs(m.actual_spend_total / q.actual_spend_total - 1) < 1e-12 AS spend_total,
       abs(m.spend_mae / q.spend_mae - 1) < 1e-12 AS spend_mae, abs(m.spend_rmse / q.spend_rmse - 1) < 1e-12 AS spend_rmse,
       abs(m.spend_correlation - q.spend_correlation) < 1e-12 AS spend_correlation,
       m.spend_unscored = q.spend_unscored AS spend_unscored
FROM evaluation, crm.holdout_metrics(e) m,
     (SELECT sum(actual) AS actual_total, sum(expected) AS expected_total, avg(abs(expected - actual)) AS mae,
             sqrt(avg((expected - actual) ^ 2)) AS rmse, corr(expected, actual) AS correlation,
             sum(actual_spend) FILTER (WHERE expected_spend IS NOT NULL) AS actual_spend_total,
             avg(abs(expected_spend - actual_spend)) AS spend_mae, sqrt(avg((expected_spend - actual_spend) ^ 2)) AS spend_rmse,
             corr(expected_spend, actual_spend) AS spend_correlation,
             count(*) FILTER (WHERE expected_spend IS NULL) AS spend_unscored
      FROM scored) q;
-- two models side by side: the BG/NBD and the Pareto/NBD on the same holdout
SELECT model, round(m.bias_percent::numeric, 2) AS bias_percent, round(m.mae::numeric, 4) AS mae,
       round(m.rmse::numeric, 4) AS rmse, round(m.correlation::numeric, 4) AS correlation
FROM evaluation, LATERAL (VALUES ('bgnbd', e), ('paretonbd', e_pnbd)) v(model, ev), crm.holdout_metrics(ev) m
ORDER BY model;

-- merging: evaluations of 7 parts (any order) merged equal the direct one
-- (the same counts; sums and moments within 1e-12 relative), and a merge
-- of merges; forced-parallel plans likewise
CREATE TABLE parts AS
SELECT customer_id % 7 AS part, crm.holdout_evaluation(frequency, actual, expected, actual_spend, expected_spend) AS e
FROM scored GROUP BY 1;
CREATE FUNCTION same_metrics(a crm.holdout_evaluation, b crm.holdout_evaluation) RETURNS boolean LANGUAGE sql AS $$
	SELECT x.customers = y.customers AND x.unscored = y.unscored AND x.spend_customers = y.spend_customers
	       AND x.spend_unscored = y.spend_unscored AND x.actual_total = y.actual_total
	       AND abs(x.expected_total / y.expected_total - 1) < 1e-12 AND abs(x.mae / y.mae - 1) < 1e-12
	       AND abs(x.rmse / y.rmse - 1) < 1e-12 AND abs(x.correlation - y.correlation) < 1e-12
	       AND abs(x.spend_rmse / y.spend_rmse - 1) < 1e-12 AND abs(x.spend_correlation - y.spend_correlation) < 1e-12
	       AND (SELECT bool_and(s.customers = t.customers AND s.spend_customers = t.spend_customers
	                            AND abs(s.expected_mean - t.expected_mean) <= 1e-12 * t.expected_mean
	                            AND abs(s.actual_spend_mean - t.actual_spend_mean) <= 1e-12 * abs(t.actual_spend_mean))
	            FROM crm.holdout_table(a, 20) s JOIN crm.holdout_table(b, 20) t USING (frequency))
	FROM crm.holdout_metrics(a) x, crm.holdout_metrics(b) y $$;
SELECT same_metrics((SELECT crm.holdout_evaluation_merge(e ORDER BY part) FROM parts), e) AS merged,
       same_metrics((SELECT crm.holdout_evaluation_merge(e ORDER BY part DESC) FROM parts), e) AS merged_reversed,
       same_metrics((SELECT crm.holdout_evaluation_merge(m) FROM (SELECT crm.holdout_evaluation_merge(e) AS m FROM parts GROUP BY part % 2) x), e) AS merge_of_merges,
       crm.holdout_evaluation_combine(e, NULL)::text = e::text AS combine_with_null
FROM evaluation;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT plan_partial_aggregate($q$SELECT crm.holdout_evaluation(frequency, actual, expected, actual_spend, expected_spend) FROM holdout.scored$q$) AS partial_aggregate;
SELECT same_metrics((SELECT crm.holdout_evaluation(frequency, actual, expected, actual_spend, expected_spend) FROM scored), e) AS parallel_same
FROM evaluation;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- text and binary forms round-trip exactly
SELECT e::text::crm.holdout_evaluation::text = e::text AS text_round_trip FROM evaluation;
CREATE TABLE stored AS SELECT 1 AS id, e FROM evaluation;
\copy stored TO 'results/holdout_stored.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/holdout_stored.bin' WITH (FORMAT binary)
SELECT a.e::text = b.e::text AS binary_round_trip FROM stored a JOIN stored_back b USING (id);
-- a small evaluation by hand: its text form, metrics and table
SELECT crm.holdout_evaluation(f, a, e) AS small
FROM (VALUES (0::bigint, 0::float8, 0.5::float8), (0, 1, 0.5), (2, 3, 2), (2, NULL, 7), (NULL, 4, 4), (5, 1, NULL)) v(f, a, e);
SELECT (crm.holdout_metrics(crm.holdout_evaluation(f, a, e))).*
FROM (VALUES (0::bigint, 0::float8, 0.5::float8), (0, 1, 0.5), (2, 3, 2), (5, 1, NULL)) v(f, a, e);
SELECT t.* FROM (SELECT crm.holdout_evaluation(f, a, e) AS e
                 FROM (VALUES (0::bigint, 0::float8, 0.5::float8), (0, 1, 0.5), (2, 3, 2), (5, 1, NULL)) v(f, a, e)) x,
               crm.holdout_table(e, 2) t ORDER BY t.frequency;
-- the transition called directly (outside an aggregate) works on a copy of its argument
SELECT crm.holdout_evaluation_trans(NULL, 1, 2, 3) AS first,
       crm.holdout_evaluation_trans(crm.holdout_evaluation_trans(NULL, 1, 2, 3), 4, 1, 1) AS second;
-- one customer, or customers whose actual values do not vary: no correlation
SELECT m.customers, m.mae, m.correlation, m.bias_percent
FROM (SELECT crm.holdout_evaluation(1, 2, 3) AS e) x, crm.holdout_metrics(e) m;
SELECT m.bias_percent IS NULL AS no_bias_without_actual_purchases, m.correlation IS NULL AS no_correlation
FROM (SELECT crm.holdout_evaluation(f, 0, e) AS e FROM (VALUES (1::bigint, 0.5::float8), (2, 0.7)) v(f, e)) x,
     crm.holdout_metrics(e) m;
-- only unscored customers, and no rows at all
SELECT e::text AS only_unscored, (crm.holdout_metrics(e)).customers, (SELECT count(*) FROM crm.holdout_table(e)) AS rows
FROM (SELECT crm.holdout_evaluation(f, a, NULL) AS e FROM (VALUES (1::bigint, 2::float8)) v(f, a)) x;
SELECT crm.holdout_evaluation(f, a, e) IS NULL AS no_rows_null
FROM (VALUES (1::bigint, 2::float8, 3::float8)) v(f, a, e) WHERE false;

-- errors
SELECT q, sqlstate_of(q) FROM (VALUES
	($$SELECT crm.holdout_evaluation(-1, 1, 1)$$),
	($$SELECT crm.holdout_evaluation(1, -1, 1)$$),
	($$SELECT crm.holdout_evaluation(1, 1, -0.5)$$),
	($$SELECT crm.holdout_evaluation(1, 'NaN', 1)$$),
	($$SELECT crm.holdout_evaluation(1, 1, 'Infinity')$$),
	($$SELECT crm.holdout_evaluation(1, 1, 1, 'NaN', 1)$$),
	($$SELECT crm.holdout_evaluation(1, 1, 1, 1, '-Infinity')$$),
	($$SELECT crm.holdout_table(crm.holdout_evaluation(1, 1, 1), -1) FROM (VALUES (1)) v$$),
	($$SELECT crm.holdout_table(e, 1000001) FROM (SELECT crm.holdout_evaluation(1, 1, 1) AS e) x$$),
	($$SELECT 'v2 unscored=0 spend_unscored=0 counts={0;0;0;0;0;0;0;0;0;0} spend={0;0;0;0;0;0;0;0;0;0} bins={}'::crm.holdout_evaluation$$),
	($$SELECT 'v1 unscored=0 spend_unscored=0 counts={1;1;1;0;0;1;1;0;0;0} spend={0;0;0;0;0;0;0;0;0;0} bins={}'::crm.holdout_evaluation$$),
	($$SELECT 'v1 unscored=0 spend_unscored=0 counts={1;1;1;0;0;1;1;0;0;0} spend={0;0;0;0;0;0;0;0;0;0} bins={2:1,1,1,0,0,0;1:0,0,0,0,0,0}'::crm.holdout_evaluation$$),
	($$SELECT 'v1 unscored=-1 spend_unscored=0 counts={0;0;0;0;0;0;0;0;0;0} spend={0;0;0;0;0;0;0;0;0;0} bins={}'::crm.holdout_evaluation$$),
	($$SELECT 'v1 unscored=0 spend_unscored=0 counts={1;1;1;NaN;0;1;1;0;0;0} spend={0;0;0;0;0;0;0;0;0;0} bins={1:1,1,1,0,0,0}'::crm.holdout_evaluation$$),
	($$SELECT 'v1 unscored=0 spend_unscored=0 counts={0;0;0;0;0;0;0;0;0;1} spend={0;0;0;0;0;0;0;0;0;0} bins={}'::crm.holdout_evaluation$$),
	($$SELECT 'v1 unscored=0 spend_unscored=0 counts={0;0;0;0;0;0;0;0;0;0}'::crm.holdout_evaluation$$)
) v(q);
-- a valid hand-written value reads back as written
SELECT 'v1 unscored=2 spend_unscored=0 counts={1;3;2;1;1;3;2;0;0;0} spend={0;0;0;0;0;0;0;0;0;0} bins={4:1,3,2,0,0,0}'::crm.holdout_evaluation;
