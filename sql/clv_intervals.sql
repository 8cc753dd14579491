-- Prediction intervals (#26): crm.parameter_covariance, the per-customer
-- crm.purchase_interval, crm.dert_interval, crm.clv_interval and
-- crm.customer_intervals (purchases and CLV of the same simulated futures),
-- and the totals crm.total_purchase_interval and crm.total_clv_interval.
-- Checked here: (1) the covariance's diagonal gives the fit's standard
-- errors (delta method, 1e-6 relative: both come from the same numeric
-- Hessian); (2) intervals are reproducible with a seed, change with it,
-- and are the same in forced-parallel plans and when partial states are
-- merged; (3) the interval's mean (the mean of the simulated values) is the
-- model's expectation (crm.expected_purchases, crm.clv, crm.dert) within
-- Monte Carlo error (4 standard errors of the simulated mean); (4)
-- coverage on data simulated from a known BG/NBD: 20 replications of 1,000
-- customers with 200 draws (the full check, 20 x 5,000 customers with
-- 1,000 draws for three models, is test/bench/intervals.sh: too slow here);
-- (5) every error.
CREATE SCHEMA intervals;
SET search_path = intervals, public;
\i test/load/sqlstate_of.sql
\i test/load/plan_shape.sql
\i test/load/simulate_btyd.sql

-- one calibration/holdout sample of 2,000 customers from a known BG/NBD
-- (r = 0.8, alpha = 8, a = 0.6, b = 3; ages 26 to 52 weeks, 39-week holdout)
SELECT setseed(0.25);
CREATE TABLE sim AS SELECT * FROM public.sim_btyd('bgnbd', 2000, 0.8, 8, 0.6, 3, 26, 52, 39);
CREATE TABLE fits AS
SELECT model, crm.parameter_covariance(model, state) AS cov,
       mbg, crm.parameter_covariance(mbg, state) AS mbg_cov,
       spend, crm.parameter_covariance(spend, spend_state) AS spend_cov
FROM (SELECT crm.bgnbd_fit(x, t_x, t) AS model, crm.mbgnbd_fit(x, t_x, t) AS mbg,
             crm.clv_fit_partial(x, t_x, t) AS state,
             crm.gammagamma_fit(x, m) AS spend, crm.spend_fit_partial(x, m) AS spend_state FROM sim) f;
-- a Pareto/NBD sample (r = 0.8, alpha = 8, s = 0.6, beta = 20)
SELECT setseed(0.5);
CREATE TABLE psim AS SELECT * FROM public.sim_btyd('paretonbd', 2000, 0.8, 8, 0.6, 20, 26, 52, 39);
CREATE TABLE pfits AS
SELECT model, crm.parameter_covariance(model, state) AS cov
FROM (SELECT crm.paretonbd_fit(x, t_x, t) AS model, crm.clv_fit_partial(x, t_x, t) AS state FROM psim) f;

-- (1) the covariance of the log-parameters: a symmetric 4 x 4 (3 x 3 for
-- Gamma-Gamma) array whose diagonal is (se / estimate)^2; r and alpha are
-- strongly correlated, which is why intervals need the whole matrix
CREATE FUNCTION check_cov(model_kind text, cov float8[], estimates float8[], ses float8[]) RETURNS TABLE (
	kind text, dims text, diagonal_is_se boolean, is_symmetric boolean, corr_1_2 numeric)
LANGUAGE sql AS $$
	SELECT model_kind, array_dims(cov),
	       (SELECT bool_and(abs(sqrt(cov[i][i]) * estimates[i] / ses[i] - 1) < 1e-6)
	        FROM generate_series(1, array_length(cov, 1)) i),
	       (SELECT bool_and(cov[i][j] = cov[j][i])
	        FROM generate_series(1, array_length(cov, 1)) i, generate_series(1, array_length(cov, 1)) j),
	       round((cov[1][2] / sqrt(cov[1][1] * cov[2][2]))::numeric, 2) $$;
SELECT c.* FROM fits,
	LATERAL check_cov('bgnbd', cov, ARRAY(SELECT estimate FROM crm.parameters(model)), ARRAY(SELECT std_error FROM crm.parameters(model))) c
UNION ALL SELECT c.* FROM fits,
	LATERAL check_cov('mbgnbd', mbg_cov, ARRAY(SELECT estimate FROM crm.parameters(mbg)), ARRAY(SELECT std_error FROM crm.parameters(mbg))) c
UNION ALL SELECT c.* FROM fits,
	LATERAL check_cov('gammagamma', spend_cov, ARRAY(SELECT estimate FROM crm.parameters(spend)), ARRAY(SELECT std_error FROM crm.parameters(spend))) c
UNION ALL SELECT c.* FROM pfits,
	LATERAL check_cov('paretonbd', cov, ARRAY(SELECT estimate FROM crm.parameters(model)), ARRAY(SELECT std_error FROM crm.parameters(model))) c;

-- per-customer intervals of five customers (90 %, 1,000 draws, seed 7):
-- purchases in the 39-week holdout, DERT at 1 % a week, 52-week CLV at 1 %
-- a week with a 30 % margin
SELECT id, x, round(t_x::numeric, 1) AS t_x, round(t::numeric, 1) AS t,
       round(crm.expected_purchases(model, 39, x, t_x, t)::numeric, 2) AS expected,
       round((i).mean::numeric, 2) AS mean, (i).lower, (i).upper, x_holdout
FROM (SELECT s.*, f.model, crm.purchase_interval(f.model, f.cov, 39, x, t_x, t, 0.9, 1000, 7) AS i
      FROM sim s, fits f WHERE id <= 5 OFFSET 0) c ORDER BY id;
SELECT id, round((crm.purchase_interval(f.mbg, f.mbg_cov, 39, x, t_x, t, 0.9, 1000, 7)).upper::numeric, 0) AS mbgnbd_upper,
       round((crm.dert_interval(f.model, f.cov, x, t_x, t, 0.01, 0.9, 1000, 7)).upper::numeric, 1) AS dert_upper,
       round((crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 0.3, 0.9, 1000, 7)).upper::numeric, 0) AS clv_upper
FROM sim s, fits f WHERE id <= 5 ORDER BY id;

-- (2) reproducible: the same seed gives the same bits, another seed other draws
SELECT bool_and(a = b) AS same_seed_same, bool_or(a <> c) AS other_seed_differs
FROM (SELECT crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 1, 0.9, 500, 7)::text AS a,
             crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 1, 0.9, 500, 7)::text AS b,
             crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 1, 0.9, 500, 8)::text AS c
      FROM sim s, fits f WHERE id <= 50) r;
-- customers with the same summary get the same interval (it depends on the
-- customer's values and the seed, not on the row)
SELECT crm.purchase_interval(model, cov, 39, 2, 10, 30, 0.9, 300, 1) = crm.purchase_interval(model, cov, 39, 2, 10, 30, 0.9, 300, 1) AS same_customer_same
FROM fits;
-- a zero covariance: no parameter uncertainty, the process only (narrower)
SELECT count(*) FILTER (WHERE p.upper - p.lower <= i.upper - i.lower) AS not_wider, count(*) AS customers
FROM sim s, fits f,
     crm.purchase_interval(f.model, array_fill(0::float8, ARRAY[4, 4]), 39, x, t_x, t, 0.9, 500, 3) p,
     crm.purchase_interval(f.model, f.cov, 39, x, t_x, t, 0.9, 500, 3) i
WHERE id <= 200;

-- (3) the mean of the simulated values is the model's expectation: with a
-- zero covariance (the model's own parameters in every draw), summed over
-- 300 customers x 1,000 draws, within 2 % of crm.expected_purchases and
-- crm.clv (about 8 Monte Carlo standard errors of the sum: its relative
-- standard error is about sqrt(3 / (1000 * 500)) for ~500 expected
-- purchases of variance ~3x their mean), and the Pareto/NBD's crm.dert
-- within 5 % (2,000 draws; DERT varies more per purchase)
WITH c AS (
	SELECT crm.expected_purchases(f.model, 39, x, t_x, t) AS e_p, p.mean AS m_p,
	       crm.clv(f.model, f.spend, x, t_x, t, m, 52, 0.01) AS e_c, c.mean AS m_c
	FROM sim s, fits f,
	     crm.purchase_interval(f.model, array_fill(0::float8, ARRAY[4, 4]), 39, x, t_x, t, 0.9, 1000, 11) p,
	     crm.clv_interval(f.model, f.spend, array_fill(0::float8, ARRAY[4, 4]), array_fill(0::float8, ARRAY[3, 3]),
	                      x, t_x, t, m, 52, 0.01, 1, 0.9, 1000, 11) c
	WHERE id <= 300)
SELECT abs(sum(m_p) / sum(e_p) - 1) < 0.02 AS purchases_mean_ok, abs(sum(m_c) / sum(e_c) - 1) < 0.02 AS clv_mean_ok
FROM c;
WITH c AS (
	SELECT crm.dert(f.model, x, t_x, t, 0.01) AS e, d.mean AS m
	FROM psim s, pfits f, crm.dert_interval(f.model, array_fill(0::float8, ARRAY[4, 4]), x, t_x, t, 0.01, 0.9, 2000, 5) d
	WHERE id <= 300)
SELECT abs(sum(m) / sum(e) - 1) < 0.05 AS dert_mean_ok FROM c;
-- crm.customer_intervals: both means are the expectations over its one
-- horizon (52 weeks here), within 2 % as above
WITH c AS (
	SELECT crm.expected_purchases(f.model, 52, x, t_x, t) AS e_p, i.purchases_mean AS m_p,
	       crm.clv(f.model, f.spend, x, t_x, t, m, 52, 0.01) AS e_c, i.clv_mean AS m_c
	FROM sim s, fits f,
	     crm.customer_intervals(f.model, f.spend, array_fill(0::float8, ARRAY[4, 4]), array_fill(0::float8, ARRAY[3, 3]),
	                            x, t_x, t, m, 52, 0.01, 1, 0.9, 1000, 11) i
	WHERE id <= 300)
SELECT abs(sum(m_p) / sum(e_p) - 1) < 0.02 AS purchases_mean_ok, abs(sum(m_c) / sum(e_c) - 1) < 0.02 AS clv_mean_ok
FROM c;
-- and both come from the same futures: a customer with no purchase in at
-- least 90 % of them (upper 0) has a CLV upper of 0 too, and the other way
-- round; five customers as shown above (a mean may lie above the upper
-- end: most futures of a customer can hold no purchase and a few many)
SELECT count(*) AS customers,
       bool_and((i.purchases_upper = 0) = (i.clv_upper = 0)) AS zero_together,
       bool_and(i.purchases_lower <= i.purchases_upper AND i.clv_lower <= i.clv_upper) AS ordered
FROM sim s, fits f, crm.customer_intervals(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 0.3, 0.9, 500, 3) i;
SELECT id, x, i.purchases_lower, round(i.purchases_mean::numeric, 2) AS purchases_mean, i.purchases_upper,
       round(i.clv_lower::numeric, 1) AS clv_lower, round(i.clv_mean::numeric, 1) AS clv_mean, round(i.clv_upper::numeric, 1) AS clv_upper
FROM sim s, fits f, crm.customer_intervals(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 0.3, 0.9, 1000, 7) i
WHERE id <= 5 ORDER BY id;

-- (4) coverage: 20 replications of 1,000 customers from the known BG/NBD,
-- each fitted (BG/NBD and Gamma-Gamma) on its own calibration data; the
-- 90 % intervals (200 draws) of each customer's holdout purchases and
-- holdout spend must cover 85 % to 95 % of them, and the totals' intervals
-- the true total in at least 15 of 20 replications (the lower 2.5 % of
-- Binomial(20, 0.9) is 15)
CREATE TABLE reps (rep int, customers bigint, covered bigint, spend_covered bigint,
	total float8, total_interval crm.prediction_interval, spend float8, spend_interval crm.prediction_interval,
	both_covered bigint, both_spend_covered bigint);
DO $$
BEGIN
	FOR rep IN 1 .. 20 LOOP
		PERFORM setseed(rep / 21.0);
		DROP TABLE IF EXISTS rsim, rfit;
		CREATE TABLE rsim AS SELECT * FROM public.sim_btyd('bgnbd', 1000, 0.8, 8, 0.6, 3, 26, 52, 39);
		CREATE TABLE rfit AS
		SELECT model, crm.parameter_covariance(model, state) AS cov, spend, crm.parameter_covariance(spend, spend_state) AS spend_cov
		FROM (SELECT crm.bgnbd_fit(x, t_x, t) AS model, crm.clv_fit_partial(x, t_x, t) AS state,
		             crm.gammagamma_fit(x, m) AS spend, crm.spend_fit_partial(x, m) AS spend_state FROM rsim) f;
		INSERT INTO reps
		SELECT rep, count(*), count(*) FILTER (WHERE x_holdout BETWEEN p.lower AND p.upper),
		       count(*) FILTER (WHERE spend_holdout BETWEEN c.lower AND c.upper), sum(x_holdout),
		       (SELECT crm.total_purchase_interval(f.model, f.cov, 39, x, t_x, t, id, 0.9, 200, rep) FROM rsim, rfit f),
		       sum(spend_holdout),
		       (SELECT crm.total_clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 39, 0, 1, id, 0.9, 200, rep) FROM rsim, rfit f),
		       count(*) FILTER (WHERE x_holdout BETWEEN b.purchases_lower AND b.purchases_upper),
		       count(*) FILTER (WHERE spend_holdout BETWEEN b.clv_lower AND b.clv_upper)
		FROM rsim s, rfit f,
		     crm.purchase_interval(f.model, f.cov, 39, x, t_x, t, 0.9, 200, rep) p,
		     crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 39, 0, 1, 0.9, 200, rep) c,
		     crm.customer_intervals(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 39, 0, 1, 0.9, 200, rep) b;
	END LOOP;
END $$;
SELECT sum(customers) AS customers,
       sum(covered)::float8 / sum(customers) BETWEEN 0.85 AND 0.95 AS purchases_coverage_ok,
       sum(spend_covered)::float8 / sum(customers) BETWEEN 0.85 AND 0.95 AS spend_coverage_ok,
       count(*) FILTER (WHERE total BETWEEN (total_interval).lower AND (total_interval).upper) >= 15 AS total_coverage_ok,
       count(*) FILTER (WHERE spend BETWEEN (spend_interval).lower AND (spend_interval).upper) >= 15 AS total_spend_coverage_ok,
       sum(both_covered)::float8 / sum(customers) BETWEEN 0.85 AND 0.95 AS customer_intervals_purchases_ok,
       sum(both_spend_covered)::float8 / sum(customers) BETWEEN 0.85 AND 0.95 AS customer_intervals_spend_ok
FROM reps;

-- (2, continued) totals: the same in a forced-parallel plan, merged from
-- partial states in any order, empty and all-NULL input give NULL
CREATE TABLE totals AS
SELECT (SELECT crm.total_purchase_interval(f.model, f.cov, 39, x, t_x, t, id, 0.9, 500, 9) FROM sim, fits f) AS p,
       (SELECT crm.total_clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 0.3, id, 0.9, 500, 9) FROM sim, fits f) AS c;
SELECT round((p).mean::numeric, 0) AS purchases_mean, (p).lower, (p).upper,
       round((c).mean::numeric, 0) AS clv_mean, round((c).lower::numeric, 0) AS clv_lower, round((c).upper::numeric, 0) AS clv_upper,
       (SELECT sum(x_holdout) FROM sim) AS actual_purchases
FROM totals;
CREATE TABLE serial_intervals AS
SELECT id, crm.purchase_interval(f.model, f.cov, 39, x, t_x, t, 0.9, 200, 4)::text
           || crm.customer_intervals(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 0.3, 0.9, 200, 4)::text AS i
FROM sim, fits f;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query'
            ELSE 'force_parallel_mode' END AS force_parallel \gset
SET :force_parallel = on;
-- (the models as scalar subqueries: the planner then aggregates partially)
SELECT plan_partial_aggregate($q$SELECT crm.total_purchase_interval((SELECT model FROM intervals.fits), (SELECT cov FROM intervals.fits),
	39, x, t_x, t, id, 0.9, 500, 9) FROM intervals.sim$q$) AS partial_aggregate;
SELECT (SELECT crm.total_purchase_interval((SELECT model FROM fits), (SELECT cov FROM fits), 39, x, t_x, t, id, 0.9, 500, 9) FROM sim) = p
           AS purchases_parallel_same,
       (SELECT abs((i).mean / (c).mean - 1) < 1e-12 AND abs((i).lower / (c).lower - 1) < 1e-12 AND abs((i).upper / (c).upper - 1) < 1e-12
        FROM (SELECT crm.total_clv_interval((SELECT model FROM fits), (SELECT spend FROM fits), (SELECT cov FROM fits), (SELECT spend_cov FROM fits),
                     x, t_x, t, m, 52, 0.01, 0.3, id, 0.9, 500, 9) AS i FROM sim) z) AS clv_parallel_same
FROM totals;
-- per-customer intervals under a parallel plan: the same bits
SELECT count(*) AS differ_in_parallel
FROM (SELECT id, crm.purchase_interval(f.model, f.cov, 39, x, t_x, t, 0.9, 200, 4)::text
                 || crm.customer_intervals(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 0.3, 0.9, 200, 4)::text AS i
      FROM sim, fits f) par
JOIN serial_intervals ser USING (id)
WHERE par.i <> ser.i;
RESET :force_parallel;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- merged partial states (the transition and combine called as Citus would):
-- the totals of counts are exact whatever the order of the parts
CREATE TABLE parts AS
SELECT id % 5 AS part, crm.total_purchase_interval_trans(NULL, f.model, f.cov, 39, x, t_x, t, id, 0.9, 500, 9) AS s
FROM sim, fits f WHERE id <= 10;
SELECT crm.total_interval_final(crm.total_interval_combine(crm.total_interval_combine(NULL, a.s), b.s))
       = crm.total_interval_final(crm.total_interval_combine(b.s, a.s)) AS combine_commutes,
       crm.total_interval_combine(a.s, NULL) = a.s AS combine_with_null,
       crm.total_interval_final(a.s)::text = crm.total_interval_final(a.s::text::float8[])::text AS text_round_trip
FROM parts a, parts b WHERE a.part = 1 AND b.part = 2 AND a.s IS NOT NULL LIMIT 1;
SELECT crm.total_purchase_interval(f.model, f.cov, 39, x, t_x, t, id, 0.9, 500, 9) AS empty FROM sim, fits f WHERE false;
SELECT crm.total_purchase_interval(f.model, f.cov, 39, NULL, t_x, t, id, 0.9, 500, 9) AS all_null FROM sim, fits f;
-- a customer the spend model cannot score (a negative mean spend, or one
-- that overflows) is
-- NULL, and left out of a total with a NOTICE
SELECT crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, 2, 10, 30, 1e308, 52, 0.01, 1, 0.9, 100, 1) AS overflowing_spend,
       crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, 2, 10, 30, -5, 52, 0.01, 1, 0.9, 100, 1) AS negative_spend,
       crm.customer_intervals(f.model, f.spend, f.cov, f.spend_cov, 2, 10, 30, -5, 52, 0.01, 1, 0.9, 100, 1) IS NULL AS both_null
FROM fits f;
SELECT crm.total_clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, CASE WHEN id = 1 THEN 1e308 ELSE 50 END, 52, 0.01, 1, id, 0.9, 100, 1) IS NOT NULL AS total_without_it
FROM sim, fits f WHERE id <= 3 AND x >= 1;

-- volatility, strictness, parallel safety
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel
FROM pg_proc p WHERE pronamespace = 'crm'::regnamespace
  AND proname IN ('parameter_covariance', 'purchase_interval', 'dert_interval', 'clv_interval', 'customer_intervals', 'total_purchase_interval',
                  'total_clv_interval', 'total_purchase_interval_trans', 'total_clv_interval_trans',
                  'total_interval_combine', 'total_interval_final')
ORDER BY p.oid::regprocedure::text;

-- (5) errors
-- level outside (0, 1), draws outside 10 .. 100000 (22023)
SELECT q, sqlstate_of(format('SELECT crm.purchase_interval(model, cov, 39, 2, 10, 30, %s, %s, 1) FROM intervals.fits', q, d)) AS result
FROM (VALUES ('0', '100'), ('1', '100'), ('-0.1', '100'), ('1.5', '100'), ('''NaN''', '100'), ('0.9', '9'), ('0.9', '100001')) v(q, d);
-- the covariance: wrong shape, NULL, NaN, asymmetric, not positive
-- semidefinite, far too wide
SELECT c, sqlstate_of(format('SELECT crm.purchase_interval(model, %s::float8[], 39, 2, 10, 30, 0.9, 100, 1) FROM intervals.fits', c)) AS result
FROM (VALUES ('''{1,0,0,0}'''), ('array_fill(0.01, ARRAY[3, 3])'), ('array_fill(0.01, ARRAY[4, 4, 1])'),
	('''{{0.01,0,0,0},{0,0.01,0,0},{0,0,0.01,0},{0,0,0,null}}'''), ('''{{0.01,0,0,0},{0,0.01,0,0},{0,0,0.01,0},{0,0,0,NaN}}'''),
	('''{{0.01,0.005,0,0},{0,0.01,0,0},{0,0,0.01,0},{0,0,0,0.01}}'''), ('''{{0.01,0,0,0},{0,-0.01,0,0},{0,0,0.01,0},{0,0,0,0.01}}'''),
	('''{{10000,0,0,0},{0,0.01,0,0},{0,0,0.01,0},{0,0,0,0.01}}''')) v(c);
-- the customer, the horizon, the rate, the margin, the spend
SELECT q, sqlstate_of(q || ' FROM intervals.fits') AS result FROM (VALUES
	('SELECT crm.purchase_interval(model, cov, -1, 2, 10, 30, 0.9, 100, 1)'),
	('SELECT crm.purchase_interval(model, cov, 39, 2, 40, 30, 0.9, 100, 1)'),
	('SELECT crm.purchase_interval(model, cov, 39, -1, 0, 30, 0.9, 100, 1)'),
	('SELECT crm.dert_interval(model, cov, 2, 10, 30, 0, 0.9, 100, 1)'),
	('SELECT crm.dert_interval(model, cov, 2, 10, 30, 1.5, 0.9, 100, 1)'),
	('SELECT crm.clv_interval(model, spend, cov, spend_cov, 2, 10, 30, 50, 52, 0.01, 2, 0.9, 100, 1)'),
	('SELECT crm.clv_interval(model, spend, cov, cov, 2, 10, 30, 50, 52, 0.01, 1, 0.9, 100, 1)'),
	('SELECT crm.clv_interval(model, spend, cov, spend_cov, 2, 10, 30, 50, -52, 0.01, 1, 0.9, 100, 1)'),
	('SELECT crm.customer_intervals(model, spend, cov, spend_cov, 2, 10, 30, 50, -52, 0.01, 1, 0.9, 100, 1)'),
	('SELECT crm.customer_intervals(model, spend, cov, spend_cov, 2, 10, 30, 50, 52, -1, 1, 0.9, 100, 1)'),
	('SELECT crm.customer_intervals(model, spend, cov, spend_cov, 2, 10, 30, 50, 52, 0.01, 1, 1.2, 100, 1)'),
	('SELECT crm.customer_intervals(model, spend, cov, spend_cov, 2, 10, 30, 50, 52, 0.01, 1, 0.9, 5, 1)'),
	('SELECT crm.customer_intervals(model, spend, cov, cov, 2, 10, 30, 50, 52, 0.01, 1, 0.9, 100, 1)')) v(q);
-- an unconverged model is refused as by every scorer (22023)
SELECT sqlstate_of($$SELECT crm.purchase_interval(crm.bgnbd_fit(x, t_x, t), array_fill(0.01, ARRAY[4, 4]), 39, 2, 10, 30, 0.9, 100, 1)
	FROM (VALUES (0::float8, 0::float8, 10::float8), (1, 5, 10)) v(x, t_x, t)$$) AS unconverged;
-- the call site's memo: customers with the same summary and arguments get
-- the same interval, so a query remembers the intervals it computed; a row
-- that finds its interval there gets the very numbers a fresh call site
-- computes.  Summaries in whole weeks repeat (2,000 customers, far fewer
-- distinct (x, t_x, T)); every customer's three intervals from one query
-- equal those of its own statement (a new call site, nothing remembered),
-- for 40 customers whose summary other customers share
CREATE TABLE weekly AS SELECT id, x, floor(t_x) AS t_x, floor(t) AS t, m FROM sim;
SELECT count(*) AS customers, count(DISTINCT (x, t_x, t)) AS distinct_summaries FROM weekly;
CREATE TABLE memo_all AS
SELECT w.id, crm.purchase_interval(f.model, f.cov, 39, x, t_x, t, 0.9, 300, 7)::text AS p,
       crm.dert_interval(f.model, f.cov, x, t_x, t, 0.01, 0.9, 300, 7)::text AS d,
       crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 0.3, 0.9, 300, 7)::text AS c,
       crm.customer_intervals(f.model, f.spend, f.cov, f.spend_cov, x, t_x, t, m, 52, 0.01, 0.3, 0.9, 300, 7)::text AS b
FROM weekly w, fits f;
CREATE FUNCTION fresh_interval(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE q INTO r;
	RETURN r;
END $$;
SELECT count(*) AS checked,
       bool_and(a.p = fresh_interval(format('SELECT crm.purchase_interval(f.model, f.cov, 39, %s, %s, %s, 0.9, 300, 7)::text FROM intervals.fits f', w.x, w.t_x, w.t))
                AND a.d = fresh_interval(format('SELECT crm.dert_interval(f.model, f.cov, %s, %s, %s, 0.01, 0.9, 300, 7)::text FROM intervals.fits f', w.x, w.t_x, w.t))
                AND a.c = fresh_interval(format('SELECT crm.clv_interval(f.model, f.spend, f.cov, f.spend_cov, %s, %s, %s, %s, 52, 0.01, 0.3, 0.9, 300, 7)::text FROM intervals.fits f',
                                                w.x, w.t_x, w.t, w.m))
                AND a.b = fresh_interval(format('SELECT crm.customer_intervals(f.model, f.spend, f.cov, f.spend_cov, %s, %s, %s, %s, 52, 0.01, 0.3, 0.9, 300, 7)::text FROM intervals.fits f',
                                                w.x, w.t_x, w.t, w.m)))
       AS memo_equals_fresh
FROM memo_all a JOIN weekly w USING (id)
WHERE w.id IN (SELECT id FROM (SELECT id, count(*) OVER (PARTITION BY x, t_x, t) AS shared FROM weekly) s
               WHERE shared > 1 ORDER BY id LIMIT 40);
-- customers of one summary (and spend) have one interval
SELECT bool_and(n = 1) AS one_interval_per_summary
FROM (SELECT count(DISTINCT (p, d, c, b)) AS n FROM memo_all JOIN weekly USING (id) GROUP BY x, t_x, t, m) s;

-- crm.parameter_covariance: a state of another shape, a state with
-- covariates, a Hessian that is not positive definite at the parameters
SELECT sqlstate_of($$SELECT crm.parameter_covariance((SELECT model FROM intervals.fits), crm.spend_fit_partial(x, m)) FROM intervals.sim$$) AS wrong_shape;
SELECT sqlstate_of($$SELECT crm.parameter_covariance(crm.bgnbd(0.8, 8, 0.6, 3), crm.clv_fit_partial(x, t_x, t, ARRAY[x], ARRAY[x], crm.covariates('{a}', '{a}'))) FROM intervals.sim$$) AS with_covariates;
SELECT sqlstate_of($$SELECT crm.parameter_covariance(crm.bgnbd(1e-6, 1e6, 1e6, 1e-6), crm.clv_fit_partial(x, t_x, t)) FROM intervals.sim$$) AS not_positive_definite;
-- totals: rows with different arguments, states of different arguments, a broken state
SELECT sqlstate_of($$SELECT crm.total_purchase_interval(f.model, f.cov, 39, x, t_x, t, id, 0.9, 100, id % 2) FROM intervals.sim, intervals.fits f$$) AS rows_differ;
SELECT sqlstate_of($$SELECT crm.total_interval_combine(crm.total_purchase_interval_trans(NULL, f.model, f.cov, 39, 1, 1, 2, 1, 0.9, 100, 1),
	crm.total_purchase_interval_trans(NULL, f.model, f.cov, 39, 1, 1, 2, 1, 0.9, 100, 2)) FROM intervals.fits f$$) AS states_differ;
SELECT s, sqlstate_of(format('SELECT crm.total_interval_final(%L::float8[])', s)) AS result
FROM (VALUES ('{1,2,3}'), ('{{1,2},{3,4}}'), ('{0.9,1,2,3,0,1,2,3,4,5,6,7,8,9,null}'),
	('{1.5,1,2,3,0,1,2,3,4,5,6,7,8,9,10}'), ('{0.9,1,2,3,0,1,2,3,4,5,6,7,8,9,NaN}'), ('{0.9,1,2,-3,0,1,2,3,4,5,6,7,8,9,10}'),
	('{0.9,1,2,3,4,1,2,3,4,5,6,7,8,9,10}')) v(s);

DROP SCHEMA intervals CASCADE;
