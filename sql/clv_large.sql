-- Fits over many distinct summaries (more than 131,072 distinct tuples):
-- they start from the fit of a weighted sample and finish on all the data,
-- so the estimate must still be the maximum of the full log-likelihood.
-- The fit state grows in place inside the aggregate (an expanded object);
-- window, grouped and merged uses must give the same model.
\set VERBOSITY terse
SET extra_float_digits = 0;

-- CDNOW's 2,357 calibration summaries (weeks, to 1997-09-30), each repeated
-- 200 times with t_x, T and the mean spend moved by k * 1e-7 (k = 0..199):
-- 471,400 customers whose tuples are all distinct unless CDNOW's were equal
CREATE SCHEMA clv_large;
SET search_path = clv_large, public;
\i test/load/cdnow.sql
CREATE TABLE cbs AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
CREATE TABLE big AS
SELECT (customer_id * 200 + k)::int AS customer_id, frequency::float8 AS x,
       CASE WHEN frequency = 0 THEN 0 ELSE recency + k * 1e-7 END AS t_x,
       t + k * 1e-7 AS t,
       CASE WHEN frequency = 0 THEN 0 ELSE monetary_value * (1 + k * 1e-7) END AS m
FROM cbs, generate_series(0, 199) k;

SELECT crm.clv_fit_distinct(crm.clv_fit_partial(x, t_x, t)) > 131072 AS purchases_above_sample_threshold,
       crm.clv_fit_distinct(crm.spend_fit_partial(x, m)) > 131072 AS spend_above_sample_threshold
FROM big;

CREATE TEMP TABLE big_fit AS
SELECT crm.bgnbd_fit(x, t_x, t) AS bg, crm.gammagamma_fit(x, m) AS gg FROM big;
SELECT crm.converged(bg) AS bg_converged, crm.customers(bg) AS bg_n,
       crm.converged(gg) AS gg_converged, crm.customers(gg) AS gg_n
FROM big_fit;

-- the state is exact: one tuple per distinct (x, t_x, T)
SELECT crm.clv_fit_distinct(crm.clv_fit_partial(x, t_x, t)) = (SELECT count(*) FROM (SELECT DISTINCT x, t_x, t FROM big) d) AS distinct_exact
FROM big;

-- repeating every customer 200 times (and moving t_x and T by at most
-- 2e-5 weeks) leaves the maximum-likelihood estimate where CDNOW's is
SELECT bool_and(abs(crm.parameter(bg, p) / crm.parameter(small, p) - 1) < 1e-4) AS bg_same_as_cdnow,
       bool_and(abs(crm.parameter(gg, q) / crm.parameter(small_gg, q) - 1) < 1e-4) AS gg_same_as_cdnow
FROM big_fit,
     (SELECT crm.bgnbd_fit(frequency, recency, t) small, crm.gammagamma_fit(frequency, monetary_value) small_gg FROM cbs) c,
     unnest(ARRAY['r', 'alpha', 'a', 'b'], ARRAY['p', 'q', 'gamma', 'gamma']) u(p, q);

-- the reported ll is the sum of the customers' log-likelihoods at the estimate
SELECT abs(crm.loglik(bg) - (SELECT sum(crm.loglik(bg, x, t_x, t)) FROM big)) < 1e-6 * abs(crm.loglik(bg)) AS bg_ll_is_sum
FROM big_fit;

-- the estimate is a maximum of the full log-likelihood: moving any parameter
-- by 0.1 % either way lowers the total over all 471,400 customers
WITH p AS (SELECT crm.parameter(bg, 'r') r, crm.parameter(bg, 'alpha') al,
                  crm.parameter(bg, 'a') a, crm.parameter(bg, 'b') b, crm.loglik(bg) ll FROM big_fit),
moves AS (SELECT k, f FROM generate_series(1, 4) k, (VALUES (0.999), (1.001)) v(f)),
lls AS (
	SELECT k, f, (SELECT sum(crm.loglik(crm.bgnbd(CASE WHEN k = 1 THEN r * f ELSE r END,
	                                             CASE WHEN k = 2 THEN al * f ELSE al END,
	                                             CASE WHEN k = 3 THEN a * f ELSE a END,
	                                             CASE WHEN k = 4 THEN b * f ELSE b END), x, t_x, t))
	              FROM big) AS moved, ll
	FROM moves, p)
SELECT count(*) AS moves, count(*) FILTER (WHERE moved < ll) AS moves_lower FROM lls;

WITH p AS (SELECT crm.parameter(gg, 'p') pp, crm.parameter(gg, 'q') q, crm.parameter(gg, 'gamma') g,
                  crm.loglik(gg) ll FROM big_fit),
moves AS (SELECT k, f FROM generate_series(1, 3) k, (VALUES (0.999), (1.001)) v(f)),
lls AS (
	SELECT k, f, (SELECT sum(crm.loglik(crm.gammagamma(CASE WHEN k = 1 THEN pp * f ELSE pp END,
	                                                  CASE WHEN k = 2 THEN q * f ELSE q END,
	                                                  CASE WHEN k = 3 THEN g * f ELSE g END), x, m))
	              FROM big WHERE x > 0) AS moved, ll
	FROM moves, p)
SELECT count(*) AS moves, count(*) FILTER (WHERE moved < ll) AS moves_lower FROM lls;

-- the same model as a window aggregate, from merged partial states and per group
SELECT (SELECT crm.bgnbd_fit(x, t_x, t) OVER () FROM big LIMIT 1)::text = bg::text AS window_same,
       (SELECT crm.bgnbd_fit_final(crm.clv_fit_merge(s)) FROM
          (SELECT crm.clv_fit_partial(x, t_x, t) s FROM big GROUP BY customer_id % 3) q)::text = bg::text AS merged_same
FROM big_fit;
SELECT count(DISTINCT m::text) AS distinct_models, bool_and(crm.converged(m)) AS all_converged
FROM (SELECT customer_id % 2 AS half, crm.bgnbd_fit(x, t_x, t) m FROM big GROUP BY 1) g;

-- a running partial state (ordered window): the window keeps adding rows to
-- one state and finishes it at every row
SELECT count(*) AS frames,
       bool_and(crm.clv_fit_customers(s) = n) AS customers_match
FROM (SELECT row_number() OVER (ORDER BY customer_id) n,
             crm.clv_fit_partial(x, t_x, t) OVER (ORDER BY customer_id) s
      FROM big WHERE customer_id < 3000) w;

DROP SCHEMA clv_large CASCADE;
