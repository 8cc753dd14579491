-- Gamma-Gompertz/NBD (crm.ggomnbd_fit and its predictions; Bemmaor & Glady
-- 2012, Management Science 58(5)) on the CDNOW sample (2357 customers,
-- weeks, calibration to 1997-09-30) against the paper's Table 2: r 0.553,
-- alpha 10.578, b 0.0002, s 0.603, beta 0.0026, LL -9594.98.  The likelihood
-- is flat towards b -> 0 (the Pareto/NBD limit, with dropout scale beta / b):
-- the log-likelihood (within 0.05) and r, alpha, s (within 1 % relative) are
-- the anchor; b and beta are checked only loosely (at or below the paper's
-- order, with beta / b the Pareto/NBD's beta).  Then the properties of the
-- predictions, the b -> 0 limit against crm's Pareto/NBD code (1e-6
-- relative, the distance b (T + t) to the limit being about 1e-7), parallel
-- and merged fits, the model value's forms, a recovery on simulated data with
-- b > 0, extreme customers and the errors.
CREATE SCHEMA ggom;
SET search_path = ggom, public;
\i test/load/cdnow.sql
\i test/load/sqlstate_of.sql
CREATE TABLE cbs AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;
-- the fit runs off to the Pareto/NBD limit (b and beta fall to 0 together;
-- the limit fits as well) and gives one WARNING, the model's own diagnosis
-- (not also the generic "beta diverges"); terse, because its detail prints
-- where on the flat ridge the optimizer stopped, which the last bits of the
-- arithmetic decide
\set VERBOSITY terse
CREATE TABLE fit AS SELECT crm.ggomnbd_fit(frequency, recency, t) AS m FROM cbs;
\set VERBOSITY default
CREATE TABLE pareto AS SELECT crm.paretonbd_fit(frequency, recency, t) AS m FROM cbs;

-- not converged (the limit is not a point of the model), on every customer
SELECT crm.converged(m) AS converged, crm.customers(m) AS n FROM fit;
-- LL = -9594.98 (Table 2) within 0.05, and the Pareto/NBD fit's LL within 1e-3
SELECT round(crm.loglik(f.m)::numeric, 2) AS ll, abs(crm.loglik(f.m) + 9594.98) <= 0.05 AS ll_ok,
       abs(crm.loglik(f.m) - crm.loglik(p.m)) <= 1e-3 AS same_as_pareto
FROM fit f, pareto p;
-- r, alpha, s within 1 % of Table 2
SELECT e.parameter, published, round(e.estimate::numeric, 3) AS estimate,
       abs(e.estimate / published - 1) < 0.01 AS within_1_percent
FROM fit, crm.parameters(m) e
JOIN (VALUES ('r', 0.553), ('alpha', 10.578), ('s', 0.603)) v(parameter, published) USING (parameter)
ORDER BY e.parameter;
-- b and beta: at or below the paper's 0.0002 and 0.0026, their ratio the
-- Pareto/NBD fit's beta within 1 % (the ridge of equal likelihood)
SELECT crm.parameter(f.m, 'b') <= 0.0002 AS b_small, crm.parameter(f.m, 'beta') <= 0.0026 AS beta_small,
       abs(crm.parameter(f.m, 'beta') / crm.parameter(f.m, 'b') / crm.parameter(p.m, 'beta') - 1) < 0.01 AS ratio_is_pareto_beta
FROM fit f, pareto p;
-- the aggregate's ll is the sum of the per-customer log-likelihoods (1e-9 relative)
SELECT abs((SELECT sum(crm.loglik(crm.accept_unconverged(m), frequency, recency, t)) FROM cbs) / crm.loglik(m) - 1) < 1e-9 AS ll_is_sum
FROM fit;
-- an unconverged fit scores only when accepted
SELECT sqlstate_of('SELECT crm.p_alive(m, 2, 30.43, 38.86) FROM ggom.fit') AS refused,
       crm.p_alive(crm.accept_unconverged(m), 2, 30.43, 38.86) BETWEEN 0 AND 1 AS accepted_scores
FROM fit;

-- forced-parallel plans and merged per-shard states give the same model (identical text)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET client_min_messages = error;
CREATE FUNCTION partial_under_gather(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	plan jsonb;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
	RETURN jsonb_path_exists(plan, '$.** ? (@."Node Type" == "Gather").** ? (@."Partial Mode" == "Partial")');
END $$;
SELECT partial_under_gather('SELECT crm.ggomnbd_fit(frequency, recency, t) FROM ggom.cbs') AS partial_aggregate_under_gather;
SELECT (SELECT crm.ggomnbd_fit(frequency, recency, t) FROM cbs)::text = m::text AS parallel_same FROM fit;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT crm.ggomnbd_fit_final(crm.clv_fit_merge(s::text::crm.clv_fit_state))::text = (SELECT m::text FROM fit) AS merged_same
FROM (SELECT customer_id % 4 AS shard, crm.clv_fit_partial(frequency, recency, t) AS s FROM cbs GROUP BY 1) shards;
-- weights: the distinct tuples with their counts give the same model
SELECT (SELECT crm.ggomnbd_fit(frequency, recency, t, n) FROM
          (SELECT frequency, recency, t, count(*) AS n FROM cbs GROUP BY 1, 2, 3) g)::text = m::text AS weighted_same
FROM fit;
RESET client_min_messages;

-- predictions at Table 2's estimates (a given model), on CDNOW customers:
-- P(alive) in [0, 1]; it is 1 when the last purchase is at T (t_x = T), but
-- not for x = 0 (unlike the BG/NBD, a customer can drop out before any
-- repeat purchase); it rises with t_x and falls with T
CREATE TABLE paper AS SELECT crm.ggomnbd(0.553, 10.578, 0.0002, 0.603, 0.0026) AS m;
SELECT bool_and(crm.p_alive(m, frequency, recency, t) BETWEEN 0 AND 1) AS p_alive_in_range,
       bool_and(crm.p_alive(m, greatest(frequency, 1), t, t) = 1) AS one_at_t_x_equal_t,
       max(crm.p_alive(m, 0, 0, t)) < 1 AS below_one_at_x_0
FROM paper, cbs;
SELECT bool_and(crm.p_alive(m, 3, t_x, 39) < crm.p_alive(m, 3, t_x + 1, 39)) AS rises_with_t_x,
       bool_and(crm.p_alive(m, 3, t_x, 39) > crm.p_alive(m, 3, t_x, 40)) AS falls_with_t
FROM paper, generate_series(0, 37) t_x;
-- CET: 0 at horizon 0, rising with the horizon; E[X(t)] of a new customer
-- rising; both below the purchase rate times the horizon
SELECT bool_and(cet = 0) FILTER (WHERE h = 0) AS cet_zero_at_zero,
       bool_and(cet > lag_cet) AS cet_rises,
       bool_and(e > lag_e) AS e_rises,
       bool_and(e < 0.553 / 10.578 * h) FILTER (WHERE h > 0) AS e_below_rate_times_t
FROM (SELECT h, cet, e, lag(cet) OVER (ORDER BY h) AS lag_cet, lag(e) OVER (ORDER BY h) AS lag_e
      FROM (SELECT h, crm.expected_purchases(m, h, 2, 30.43, 38.86) AS cet, crm.expected_purchases(m, h) AS e
            FROM paper, generate_series(0, 520, 13) h) a) b;
-- DERT: positive, falling with the discount rate, and below the undiscounted
-- CET over 10,000 weeks
SELECT bool_and(dert > 0) AS positive, bool_and(dert < lag_dert) AS falls_with_rate,
       bool_and(dert < cet) AS below_long_cet
FROM (SELECT d, crm.dert(m, 2, 30.43, 38.86, d) AS dert,
             lag(crm.dert(m, 2, 30.43, 38.86, d)) OVER (ORDER BY d) AS lag_dert,
             crm.expected_purchases(m, 10000, 2, 30.43, 38.86) AS cet
      FROM paper, unnest(ARRAY[0.001, 0.01, 0.05, 0.15, 0.5]) d) a;
-- crm.clv (per-period convention): without discounting it is spend x the CET;
-- with discounting it equals the sum over weeks k of the CET's increments
-- times (1 + d)^-k, computed here in SQL (1e-10 relative), with a fractional
-- last period ending at the horizon
SELECT abs(crm.clv(m, 2, 30.43, 38.86, 10, 52, 0) / (10 * crm.expected_purchases(m, 52, 2, 30.43, 38.86)) - 1) < 1e-10 AS undiscounted_ok,
       abs(crm.clv(m, 2, 30.43, 38.86, 10, 52.5, 0.002) /
           (SELECT sum(10 * (crm.expected_purchases(m, least(k, 52.5), 2, 30.43, 38.86)
                             - crm.expected_purchases(m, k - 1, 2, 30.43, 38.86)) * 1.002 ^ (-least(k, 52.5)))
            FROM generate_series(1, 53) k) - 1) < 1e-10 AS discounted_ok,
       abs(crm.clv(m, crm.gammagamma(6.25, 3.74, 15.44), 2, 30.43, 38.86, 40, 52, 0.002, 0.3) /
           (0.3 * crm.expected_spend(crm.gammagamma(6.25, 3.74, 15.44), 2, 40) * crm.clv(m, 2, 30.43, 38.86, 1, 52, 0.002)) - 1) < 1e-12 AS with_spend_model_ok
FROM paper;

-- b -> 0 with beta / b fixed is the Pareto/NBD: at b = 1e-9 and the BTYD
-- Pareto/NBD estimates (0.5534, 10.5802, 0.6061, 11.6562), crm's Pareto/NBD
-- code gives the same log-likelihood, P(alive), CET, DERT and CLV on every
-- CDNOW customer (1e-6 relative)
CREATE TABLE limit_pair AS
SELECT crm.ggomnbd(0.5534, 10.5802, 1e-9, 0.6061, 11.6562e-9) AS g, crm.paretonbd(0.5534, 10.5802, 0.6061, 11.6562) AS p;
SELECT bool_and(abs(crm.loglik(g, frequency, recency, t) / crm.loglik(p, frequency, recency, t) - 1) < 1e-6) AS loglik_same,
       bool_and(abs(crm.p_alive(g, frequency, recency, t) / crm.p_alive(p, frequency, recency, t) - 1) < 1e-6) AS p_alive_same,
       bool_and(abs(crm.expected_purchases(g, 52, frequency, recency, t) / crm.expected_purchases(p, 52, frequency, recency, t) - 1) < 1e-6) AS cet_same,
       bool_and(abs(crm.dert(g, frequency, recency, t, 0.01) / crm.dert(p, frequency, recency, t, 0.01) - 1) < 1e-6) AS dert_same,
       bool_and(abs(crm.clv(g, frequency, recency, t, 10, 52, 0.01) / crm.clv(p, frequency, recency, t, 10, 52, 0.01) - 1) < 1e-6) AS clv_same
FROM limit_pair, cbs;
-- ... and the unconditional expectation over the longest horizon (1,000 years
-- in days), where the distance to the limit is b t = 4e-4
SELECT abs(crm.expected_purchases(g, 52) / crm.expected_purchases(p, 52) - 1) < 1e-6 AS e_52_same,
       abs(crm.expected_purchases(g, 365243) / crm.expected_purchases(p, 365243) - 1) < 1e-3 AS e_longest_close
FROM limit_pair;
-- b -> 0 with beta fixed: nobody drops out (the NBD), P(alive) = 1
SELECT bool_and(crm.p_alive(crm.ggomnbd(0.553, 10.578, 1e-200, 0.603, 1), frequency, recency, t) = 1) AS nbd_limit
FROM cbs;

-- extreme customers: x = 500 (and up to 100,000) silent for weeks, and very
-- old customers (b T = 2000, beyond exp's range): finite values, P(alive) in
-- [0, 1] and falling with x, CET finite and >= 0
SELECT bool_and(ll > -1e300 AND ll < 1e300) AS ll_finite,
       bool_and(p BETWEEN 0 AND 1) AS p_alive_in_range,
       bool_and(p <= lag_p OR lag_p IS NULL) AS p_alive_falls_with_x,
       bool_and(cet >= 0 AND cet < 1e300) AS cet_finite
FROM (SELECT x, ll, p, cet, lag(p) OVER (ORDER BY x) AS lag_p
      FROM (SELECT x, crm.loglik(m, x, 30, 39) AS ll, crm.p_alive(m, x, 30, 39) AS p,
                   crm.expected_purchases(m, 52, x, 30, 39) AS cet
            FROM paper, (SELECT generate_series(25, 500, 25) UNION ALL VALUES (1000), (100000)) v(x)) a) b;
SELECT x, t_x, t, crm.loglik(m, x, t_x, t) < 1e300 AS ll_finite, crm.p_alive(m, x, t_x, t) BETWEEN 0 AND 1 AS p_alive_ok,
       crm.expected_purchases(m, 52, x, t_x, t) >= 0 AS cet_ok, crm.dert(m, x, t_x, t, 0.01) >= 0 AS dert_ok
FROM (SELECT crm.ggomnbd(0.553, 10.578, 2, 0.603, 0.0026) AS m) x,
     (VALUES (500, 38.0, 39.0), (500, 1.0, 39.0), (0, 0.0, 1000.0), (500, 999.0, 1000.0)) v(x, t_x, t)
ORDER BY x, t_x, t;

-- recovery on simulated data with b > 0 (aging visible): 3000 customers
-- drawn from the GGom/NBD with r = 1, alpha = 10, b = 0.05, s = 2, beta = 5
-- (gamma draws with whole shapes as sums of exponentials; the Gompertz
-- lifetime by inversion, log(1 + E / eta) / b; purchases a Poisson process
-- up to min(lifetime, T = 104)); the fit converges and each estimate is
-- within 3 standard errors of the truth.  (Not beta = 1: there the mixture's
-- survival is exp(-s b t), and only s b is identified.)
SELECT setseed(0.17);
CREATE TABLE sim_customer AS
SELECT c, -ln(1 - random()) / 10 AS lambda,
       (-ln(1 - random()) - ln(1 - random())) / 5 AS eta
FROM generate_series(1, 3000) c;
CREATE TABLE sim_customer_life AS
SELECT c, lambda, least(ln(1 - ln(1 - random()) / eta) / 0.05, 104) AS active_until FROM sim_customer;
CREATE TABLE sim_purchase AS
SELECT c, sum(-ln(1 - random()) / lambda) OVER (PARTITION BY c ORDER BY k) AS at, active_until
FROM sim_customer_life, generate_series(1, 130) k;
CREATE TABLE sim_cbs AS
SELECT l.c, count(p.at) AS x, coalesce(max(p.at), 0) AS t_x, 104.0 AS t
FROM sim_customer_life l LEFT JOIN sim_purchase p ON p.c = l.c AND p.at <= p.active_until
GROUP BY l.c;
SELECT max(x) < 130 AS enough_draws FROM sim_cbs;
CREATE TABLE sim_fit AS SELECT crm.ggomnbd_fit(x, t_x, t) AS m FROM sim_cbs;
SELECT crm.converged(m) AS converged FROM sim_fit;
SELECT p.parameter, truth, abs(p.estimate - truth) <= 3 * p.std_error AS within_3_se
FROM sim_fit, crm.parameters(m) p
JOIN (VALUES ('r', 1.0), ('alpha', 10.0), ('b', 0.05), ('s', 2.0), ('beta', 5.0)) v(parameter, truth) USING (parameter)
ORDER BY p.parameter;

-- the model value: text round trip (fitted and given), jsonb keys, the
-- parameters as rows, and the binary form through COPY
SELECT m::text::crm.ggomnbd::text = m::text AS text_round_trip,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(m::jsonb) k) AS jsonb_keys,
       (SELECT array_agg(parameter ORDER BY parameter) FROM crm.parameters(m)) AS parameters
FROM sim_fit;
SELECT m::text AS given, m::jsonb AS given_jsonb FROM paper;
CREATE TABLE models (m crm.ggomnbd);
INSERT INTO models SELECT m FROM sim_fit UNION ALL SELECT m FROM paper;
COPY models TO PROGRAM 'cat > /tmp/crm_ggomnbd.bin' (FORMAT binary);
CREATE TABLE models_back (m crm.ggomnbd);
COPY models_back FROM '/tmp/crm_ggomnbd.bin' (FORMAT binary);
SELECT (SELECT array_agg(m::text ORDER BY m::text) FROM models) =
       (SELECT array_agg(m::text ORDER BY m::text) FROM models_back) AS binary_round_trip;
-- a version-2 model in binary (4 parameters and 4 errors, unused ones 0): a
-- 2-parameter sBG model is read with its 2 parameters
CREATE TABLE v2 (m crm.sbg);
CREATE TABLE v2_bytes AS
SELECT overlay(substring(b FROM 1 FOR 47) PLACING '\x02'::bytea FROM 1 FOR 1) ||
       '\x00000000000000000000000000000000'::bytea || substring(b FROM 48 FOR 16) ||
       '\x7ff80000000000007ff8000000000000'::bytea || substring(b FROM 64) AS b
FROM (SELECT crm.sbg_send('alpha=0.704 beta=1.182 ll=-1680.27 n=1000 iterations=9 converged=true se_alpha=0.1 se_beta=0.2') AS b) x;
COPY (SELECT translate(encode('\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea ||
                               '\x0001'::bytea || int4send(length(b)) || b || '\xffff'::bytea, 'base64'), E'\n', '')
      FROM v2_bytes) TO PROGRAM 'base64 -d > /tmp/crm_clv_v2.bin';
COPY v2 FROM '/tmp/crm_clv_v2.bin' (FORMAT binary);
SELECT m::text AS v2_read FROM v2;

-- time units: a fit with its unit records it; predictions on summaries check it
SET client_min_messages = error;
SELECT crm.unit(m) AS unit,
       crm.p_alive(crm.accept_unconverged(m), s) = crm.p_alive(crm.accept_unconverged(m), (s).frequency, (s).recency, (s).t) AS summary_overload_same
FROM (SELECT crm.ggomnbd_fit(frequency, recency, t, interval '1 week') AS m FROM cbs) f,
     (SELECT crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week') AS s
      FROM cdnow_log WHERE customer_id = 1) c;
RESET client_min_messages;

-- errors: bad parameters 22023, inconsistent summaries 22000, bad horizons
-- and rates 22023, bad text 22P02, a fit without repeat purchases 22000
SET client_min_messages = error;
SELECT crm.ggomnbd_fit(x, 0, 10) IS NULL AS empty_is_null FROM generate_series(1, 0) x;
SELECT crm.ggomnbd_fit(x, t_x, t) IS NULL AS all_null_is_null
FROM (VALUES (NULL::float8, 1::float8, 2::float8), (1, NULL, 2)) v(x, t_x, t);
SELECT q AS statement, sqlstate_of(q) AS error FROM (VALUES
	('SELECT crm.ggomnbd(0, 1, 1, 1, 1)'),
	('SELECT crm.ggomnbd(1, 1, -0.1, 1, 1)'),
	('SELECT crm.ggomnbd(1, 1, 1, 1, ''Infinity'')'),
	('SELECT crm.ggomnbd(1, 1, ''NaN'', 1, 1)'),
	('SELECT ''r=1 alpha=2 b=0.1 s=3''::crm.ggomnbd'),
	('SELECT ''r=1 alpha=2 b=0.1 s=3 beta=1 gamma=2''::crm.ggomnbd'),
	('SELECT ''r=1 alpha=2 b=0 s=3 beta=1''::crm.ggomnbd'),
	('SELECT crm.parameter(crm.ggomnbd(1, 1, 1, 1, 1), ''a'')'),
	('SELECT crm.ggomnbd_fit(0, 0, t) FROM generate_series(1, 20) t'),
	('SELECT crm.ggomnbd_fit(2, 11, 10)'),
	('SELECT crm.ggomnbd_fit(1.5, 1, 10)'),
	('SELECT crm.ggomnbd_fit(''NaN'', 0, 10)'),
	('SELECT crm.ggomnbd_fit(1, 1, 2, -1)'),
	('SELECT crm.ggomnbd_fit(1, 1, 2, 1, -0.5)'),
	('SELECT crm.ggomnbd_fit_final(crm.spend_fit_partial(2, 10))'),
	('SELECT crm.p_alive(crm.ggomnbd(1, 1, 1, 1, 1), 3, 5, 4)'),
	('SELECT crm.p_alive(crm.ggomnbd(1, 1, 1, 1, 1), 0, 3, 4)'),
	('SELECT crm.loglik(crm.ggomnbd(1, 1, 1, 1, 1), 2.5, 1, 4)'),
	('SELECT crm.expected_purchases(crm.ggomnbd(1, 1, 1, 1, 1), -1)'),
	('SELECT crm.expected_purchases(crm.ggomnbd(1, 1, 1, 1, 1), 400000)'),
	('SELECT crm.expected_purchases(crm.ggomnbd(1, 1, 1, 1, 1), ''NaN''::float8, 1, 1, 2)'),
	('SELECT crm.dert(crm.ggomnbd(1, 1, 1, 1, 1), 1, 1, 2, 0)'),
	('SELECT crm.dert(crm.ggomnbd(1, 1, 1, 1, 1), 1, 1, 2, 1)'),
	('SELECT crm.dert(crm.ggomnbd(1, 1, 1, 1, 1), 1, 3, 2, 0.1)'),
	('SELECT crm.clv(crm.ggomnbd(1, 1, 1, 1, 1), 1, 1, 2, 10, 52, 10)'),
	('SELECT crm.p_alive(crm.with_unit(crm.ggomnbd(1, 1, 1, 1, 1), interval ''1 week''), crm.summary(d, 1, date ''2020-01-10'', interval ''1 day'')) FROM (VALUES (date ''2020-01-01'')) v(d)')
) v(q);
RESET client_min_messages;
-- messages
\set VERBOSITY terse
SELECT crm.ggomnbd(1, 1, -0.1, 1, 1);
SELECT crm.ggomnbd_fit(0, 0, t) FROM generate_series(1, 20) t;
SELECT crm.dert(crm.ggomnbd(1, 1, 1, 1, 1), 1, 1, 2, 0);
\set VERBOSITY default
DROP SCHEMA ggom CASCADE;

-- one customer the model cannot score (here the DERT quadrature misses its
-- tolerance at an extreme b and beta) gets NULL, not an ERROR that would stop
-- a scoring query over every customer; P(alive) of the same customer is found
SELECT crm.dert(crm.ggomnbd(0.5, 10, 1e6, 0.6, 1e300), 5, 10, 1000, 0.01) IS NULL AS dert_null,
       crm.p_alive(crm.ggomnbd(0.5, 10, 1e6, 0.6, 1e300), 5, 10, 1000) IS NOT NULL AS p_alive_found;
