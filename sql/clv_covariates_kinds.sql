-- BG/NBD and GGom/NBD with static customer covariates (CLVTools'
-- parameterization: alpha_i = alpha exp(-gamma_trans . z_trans) for both;
-- BG/NBD a_i = a exp(gamma_life . z_life) and b_i = b exp(gamma_life .
-- z_life) with one coefficient per lifetime covariate, GGom/NBD beta_i =
-- beta exp(-gamma_life . z_life)): the fits on CLVTools' apparel data, the
-- gradient against finite differences, exactness against the models without
-- covariates, parallel and merged fits, recovery of known coefficients on
-- simulated data, and the model values' forms.  The framework and the
-- Pareto/NBD: test clv_covariates.
CREATE SCHEMA covk;
SET search_path = covk, public;
\i test/load/apparel.sql
\i test/load/sqlstate_of.sql
SET extra_float_digits = 0;
CREATE TABLE state AS
SELECT crm.clv_fit_partial(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')) AS s
FROM apparel_cbs;

-- BG/NBD on the apparel data, Gender and Channel on both processes.  Its
-- lifetime coefficients move a and b together (CLVTools' BG/NBD), and here
-- the likelihood keeps rising towards a limit of the model (a and b of the
-- channel-0 customers without bound: one dropout probability for all of
-- them): not converged, with a WARNING naming the coefficient that runs off
CREATE TABLE bg_free AS SELECT crm.bgnbd_fit_final(s) AS m FROM state;
SELECT crm.converged(m) AS converged, crm.parameter(m, 'a') > 1e4 AND crm.parameter(m, 'b') > 1e4 AS a_b_unbounded,
       crm.parameter(m, 'life.Channel') < -5 AS coefficient_runs_off
FROM bg_free;
-- with an L2 penalty on the lifetime coefficients (lambda_life = 0.05) it
-- converges: the channel and gender effects on the purchase rate remain
CREATE TABLE bg_fit AS
SELECT crm.bgnbd_fit(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}', '{}', 0.05)) AS m
FROM apparel_cbs;
SELECT crm.converged(m) AS converged, round(crm.loglik(m)::numeric, 4) AS ll FROM bg_fit;
SELECT p.parameter, round(p.estimate::numeric, 4) AS estimate, round(p.std_error::numeric, 4) AS std_error
FROM bg_fit, crm.parameters(m) p;
SELECT abs((SELECT sum(crm.loglik(f.m, c.x, c.t_x, c.t_cal, c.life_z, c.trans_z)) FROM apparel_cbs c) / crm.loglik(f.m) - 1) < 1e-12 AS ll_is_sum,
       crm.loglik(f.m, s) = crm.loglik(f.m) AS state_ll_is_fit_ll
FROM bg_fit f, state;

-- GGom/NBD on the same data: as without covariates, its Pareto/NBD limit
-- (b -> 0 with beta / b fixed) fits as well: not converged, beta running to
-- 0, its coefficients those of the Pareto/NBD with covariates
CREATE TABLE gg_fit AS SELECT crm.ggomnbd_fit_final(s) AS m FROM state;
SELECT crm.converged(m) AS converged, crm.parameter(m, 'b') < 1e-6 AS b_to_zero,
       abs(crm.loglik(m) - (SELECT crm.loglik(crm.paretonbd_fit_final(s)) FROM state)) < 1e-3 AS pareto_limit_ll,
       (SELECT bool_and(abs(g.estimate - p.estimate) < 1e-3)
        FROM crm.parameters(m) g JOIN crm.parameters((SELECT crm.paretonbd_fit_final(s) FROM state)) p USING (parameter)
        WHERE parameter LIKE '%.%') AS pareto_limit_coefficients
FROM gg_fit;
SELECT abs(crm.loglik(f.m, s) / crm.loglik(f.m) - 1) < 1e-12 AS state_ll_is_fit_ll FROM gg_fit f, state;

-- the analytic gradients against central differences of crm.loglik(model,
-- state), away from the estimates (relative step 1e-6; agreement to 1e-5 of
-- the gradient's size; GGom/NBD's quadrature to 1e-10 bounds its accuracy)
CREATE FUNCTION bg_moved(m crm.bgnbd, name text, h float8) RETURNS crm.bgnbd LANGUAGE sql AS $$
	SELECT string_agg(p.parameter || '=' || (p.estimate + CASE WHEN p.parameter = name THEN h ELSE 0 END)::text,
	                  ' ' ORDER BY p.ord)::crm.bgnbd
	FROM crm.parameters(m) WITH ORDINALITY p(parameter, estimate, std_error, ord)
$$;
CREATE FUNCTION gg_moved(m crm.ggomnbd, name text, h float8) RETURNS crm.ggomnbd LANGUAGE sql AS $$
	SELECT string_agg(p.parameter || '=' || (p.estimate + CASE WHEN p.parameter = name THEN h ELSE 0 END)::text,
	                  ' ' ORDER BY p.ord)::crm.ggomnbd
	FROM crm.parameters(m) WITH ORDINALITY p(parameter, estimate, std_error, ord)
$$;
CREATE TABLE bg_point AS
SELECT crm.with_covariates(crm.bgnbd(0.7, 20, 1.5, 6), crm.covariates('{Gender,Channel}', '{Gender,Channel}'),
                           '{-0.3,0.5}', '{0.2,0.4}') AS m;
CREATE TABLE gg_point AS
SELECT crm.with_covariates(crm.ggomnbd(1.2, 50, 0.05, 0.6, 2), crm.covariates('{Gender,Channel}', '{Gender,Channel}'),
                           '{-0.3,0.5}', '{0.2,0.4}') AS m;
SELECT 'BG/NBD' AS model, g.parameter,
       abs(g.derivative - (crm.loglik(bg_moved(m, g.parameter, h), s) - crm.loglik(bg_moved(m, g.parameter, -h), s)) / (2 * h))
         <= 1e-5 * greatest(abs(g.derivative), 1) AS matches_finite_difference
FROM bg_point, state, crm.loglik_gradient(m, s) g JOIN crm.parameters((SELECT m FROM bg_point)) p USING (parameter),
LATERAL (SELECT 1e-6 * greatest(abs(p.estimate), 0.1) AS h) step
UNION ALL
SELECT 'GGom/NBD', g.parameter,
       abs(g.derivative - (crm.loglik(gg_moved(m, g.parameter, h), s) - crm.loglik(gg_moved(m, g.parameter, -h), s)) / (2 * h))
         <= 1e-5 * greatest(abs(g.derivative), 1)
FROM gg_point, state, crm.loglik_gradient(m, s) g JOIN crm.parameters((SELECT m FROM gg_point)) p USING (parameter),
LATERAL (SELECT 1e-6 * greatest(abs(p.estimate), 0.1) AS h) step;

-- exactness: covariates all 0 give the models without covariates exactly
-- (fits, held coefficients) and their predictions bit for bit (P(alive) and
-- the conditional expectation of the BG/NBD within 1e-13 relative: the
-- scorers without covariates use its prepared terms, clv_prepared.h)
SET client_min_messages = error;
SELECT (SELECT string_agg(p::text, ' ') FROM crm.parameters(z) p WHERE parameter NOT LIKE '%.%') =
       (SELECT string_agg(p::text, ' ') FROM crm.parameters(b) p) AND crm.loglik(z) = crm.loglik(b) AS bgnbd_same_fit
FROM (SELECT crm.bgnbd_fit(x, t_x, t_cal, '{0}', '{0}', crm.covariates('{a}', '{b}')) AS z,
             crm.bgnbd_fit(x, t_x, t_cal) AS b FROM apparel_cbs) f;
RESET client_min_messages;
CREATE TABLE base_models AS
SELECT f.m AS bc, crm.bgnbd(crm.parameter(f.m, 'r'), crm.parameter(f.m, 'alpha'), crm.parameter(f.m, 'a'), crm.parameter(f.m, 'b')) AS bb,
       g.m AS gc, crm.ggomnbd(crm.parameter(g.m, 'r'), crm.parameter(g.m, 'alpha'), crm.parameter(g.m, 'b'),
                              crm.parameter(g.m, 's'), crm.parameter(g.m, 'beta')) AS gb
FROM bg_point f, gg_point g;
SELECT bool_and(abs(crm.p_alive(bc, x, t_x, t_cal, '{0,0}', '{0,0}') - crm.p_alive(bb, x, t_x, t_cal)) <= 1e-13 * crm.p_alive(bb, x, t_x, t_cal)) AS bg_p_alive,
       bool_and(abs(crm.expected_purchases(bc, 52, x, t_x, t_cal, '{0,0}', '{0,0}') - crm.expected_purchases(bb, 52, x, t_x, t_cal)) <=
                1e-13 * crm.expected_purchases(bb, 52, x, t_x, t_cal)) AS bg_conditional,
       bool_and(crm.loglik(bc, x, t_x, t_cal, '{0,0}', '{0,0}') = crm.loglik(bb, x, t_x, t_cal)) AS bg_loglik,
       bool_and(crm.clv(bc, crm.gammagamma(6.25, 3.74, 15.44), x, t_x, t_cal, 40, 52, 0.002, '{0,0}', '{0,0}') =
                crm.clv(bb, crm.gammagamma(6.25, 3.74, 15.44), x, t_x, t_cal, 40, 52, 0.002)) AS bg_clv,
       bool_and(crm.purchase_probability(bc, x::int, 52, '{0,0}', '{0,0}') = crm.purchase_probability(bb, x::int, 52)) AS bg_pmf
FROM base_models, apparel_cbs;
SELECT bool_and(abs(crm.p_alive(gc, x, t_x, t_cal, '{0,0}', '{0,0}') - crm.p_alive(gb, x, t_x, t_cal)) <= 1e-13 * crm.p_alive(gb, x, t_x, t_cal)) AS gg_p_alive,
       bool_and(abs(crm.expected_purchases(gc, 52, x, t_x, t_cal, '{0,0}', '{0,0}') - crm.expected_purchases(gb, 52, x, t_x, t_cal)) <=
                1e-13 * crm.expected_purchases(gb, 52, x, t_x, t_cal)) AS gg_conditional,
       bool_and(crm.dert(gc, x, t_x, t_cal, 0.01, '{0,0}', '{0,0}') = crm.dert(gb, x, t_x, t_cal, 0.01)) AS gg_dert,
       bool_and(crm.loglik(gc, x, t_x, t_cal, '{0,0}', '{0,0}') = crm.loglik(gb, x, t_x, t_cal)) AS gg_loglik
FROM base_models, (SELECT * FROM apparel_cbs WHERE customer_id % 10 = 0) c;
-- a customer's BG/NBD predictions use a_i and b_i moved by the same lifetime coefficients
SELECT abs(crm.p_alive(m, 3, 40, 104, '{1,0}', '{0,1}') /
           crm.p_alive(crm.bgnbd(0.7, 20 * exp(-0.4), 1.5 * exp(-0.3), 6 * exp(-0.3)), 3, 40, 104) - 1) < 1e-14 AS bg_own_parameters
FROM bg_point;

-- forced-parallel and merged fits equal the serial ones (identical text)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT (SELECT crm.bgnbd_fit(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}', '{}', 0.05))
        FROM apparel_cbs)::text = (SELECT m::text FROM bg_fit) AS bg_parallel_same;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SET client_min_messages = error;
SELECT crm.bgnbd_fit_final(crm.clv_fit_merge(s))::text = (SELECT m::text FROM bg_free) AS bg_merged_same,
       crm.ggomnbd_fit_final(crm.clv_fit_merge(s))::text = (SELECT m::text FROM gg_fit) AS gg_merged_same
FROM (SELECT customer_id % 4 AS shard,
             crm.clv_fit_partial(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')) AS s
      FROM apparel_cbs GROUP BY 1) shards;
RESET client_min_messages;

-- recovery, BG/NBD: 10000 customers with r = 2, alpha = 6, a = 1, b = 2 at
-- covariates 0; a lifetime 0/1 covariate g with coefficient log 2 (so that
-- a_i, b_i are whole: 1, 2 or 2, 4; p ~ Beta(a_i, b_i) from sums of
-- exponentials) and a transaction covariate u uniform in [-1, 1] with
-- coefficient 0.6; purchases a Poisson process up to T = 52, the customer
-- dropping out after each with probability p; every estimate within 2
-- standard errors of the truth, and the gradient 0 at the estimate.  (With
-- 4000 customers and this seed, a, b and the lifetime coefficient, whose
-- estimates are strongly correlated, were 2.5 standard errors off together;
-- 30000 customers gave every estimate within 1.5)
SELECT setseed(0.31);
CREATE TABLE bg_sim AS
SELECT c, g, u, 52.0 AS t,
       (-ln(1 - random()) - ln(1 - random())) / (6 * exp(-0.6 * u)) AS lambda,
       ga / (ga + gb) AS p
FROM (SELECT c, g, u,
             (SELECT sum(-ln(1 - random())) FROM generate_series(1, (1 + g)::int) WHERE c > 0) AS ga,
             (SELECT sum(-ln(1 - random())) FROM generate_series(1, (2 + 2 * g)::int) WHERE c > 0) AS gb
      FROM (SELECT c, (random() < 0.5)::int::float8 AS g, 2 * random() - 1 AS u FROM generate_series(1, 10000) c) z) d;
CREATE TABLE bg_sim_purchase AS
SELECT c, k, sum(-ln(1 - random()) / lambda) OVER (PARTITION BY c ORDER BY k) AS at
FROM bg_sim, generate_series(1, 100) k;
CREATE TABLE bg_sim_cbs AS
SELECT s.c, count(p.at)::float8 AS x, coalesce(max(p.at), 0) AS t_x, s.t, ARRAY[s.g] AS life_z, ARRAY[s.u] AS trans_z
FROM (SELECT c, g, u, t, 1 + floor(ln(1 - random()) / ln(1 - p)) AS max_purchases FROM bg_sim) s
LEFT JOIN bg_sim_purchase p ON p.c = s.c AND p.at <= s.t AND p.k <= s.max_purchases
GROUP BY s.c, s.g, s.u, s.t;
SELECT max(x) < 100 AS enough_draws FROM bg_sim_cbs;
CREATE TABLE bg_sim_fit AS
SELECT crm.bgnbd_fit(x, t_x, t, life_z, trans_z, crm.covariates('{g}', '{u}')) AS m FROM bg_sim_cbs;
SELECT crm.converged(m) AS converged,
       (SELECT bool_and(abs(g.derivative * p.estimate) / crm.customers(m) < 1e-6)
        FROM crm.loglik_gradient(m, (SELECT crm.clv_fit_partial(x, t_x, t, life_z, trans_z, crm.covariates('{g}', '{u}')) FROM bg_sim_cbs)) g
        JOIN crm.parameters(m) p USING (parameter)) AS gradient_zero_at_estimate
FROM bg_sim_fit;
SELECT p.parameter, truth, round(((p.estimate - truth) / p.std_error)::numeric, 2) AS z,
       abs(p.estimate - truth) <= 2 * p.std_error AS within_2_se
FROM bg_sim_fit, crm.parameters(m) p
JOIN (VALUES ('r', 2.0), ('alpha', 6.0), ('a', 1.0), ('b', 2.0), ('life.g', ln(2.0)), ('trans.u', 0.6)) v(parameter, truth) USING (parameter);

-- recovery, GGom/NBD: 3000 customers with r = 1, alpha = 10, b = 0.05, s =
-- 2, beta = 5 at covariates 0 (as test ggomnbd), a lifetime 0/1 covariate
-- with coefficient 0.8 and a transaction one with -0.5 (eta ~ Gamma(s,
-- beta_i); the Gompertz lifetime by inversion; purchases a Poisson process up
-- to min(lifetime, T = 104)); every estimate within 2 standard errors
SELECT setseed(0.53);
CREATE TABLE gg_sim AS
SELECT c, g, h, -ln(1 - random()) / (10 * exp(0.5 * h)) AS lambda,
       (-ln(1 - random()) - ln(1 - random())) / (5 * exp(-0.8 * g)) AS eta
FROM (SELECT c, (random() < 0.5)::int::float8 AS g, (random() < 0.5)::int::float8 AS h FROM generate_series(1, 3000) c) z;
CREATE TABLE gg_sim_life AS
SELECT c, g, h, lambda, least(ln(1 - ln(1 - random()) / eta) / 0.05, 104) AS active_until FROM gg_sim;
CREATE TABLE gg_sim_purchase AS
SELECT c, sum(-ln(1 - random()) / lambda) OVER (PARTITION BY c ORDER BY k) AS at, active_until
FROM gg_sim_life, generate_series(1, 130) k;
CREATE TABLE gg_sim_cbs AS
SELECT l.c, count(p.at)::float8 AS x, coalesce(max(p.at), 0) AS t_x, 104.0 AS t, ARRAY[l.g] AS life_z, ARRAY[l.h] AS trans_z
FROM gg_sim_life l LEFT JOIN gg_sim_purchase p ON p.c = l.c AND p.at <= p.active_until
GROUP BY l.c, l.g, l.h;
SELECT max(x) < 130 AS enough_draws FROM gg_sim_cbs;
CREATE TABLE gg_sim_fit AS
SELECT crm.ggomnbd_fit(x, t_x, t, life_z, trans_z, crm.covariates('{g}', '{h}')) AS m FROM gg_sim_cbs;
SELECT crm.converged(m) AS converged FROM gg_sim_fit;
SELECT p.parameter, truth, round(((p.estimate - truth) / p.std_error)::numeric, 2) AS z,
       abs(p.estimate - truth) <= 2 * p.std_error AS within_2_se
FROM gg_sim_fit, crm.parameters(m) p
JOIN (VALUES ('r', 1.0), ('alpha', 10.0), ('b', 0.05), ('s', 2.0), ('beta', 5.0), ('life.g', 0.8), ('trans.h', -0.5)) v(parameter, truth) USING (parameter);

-- the model values: text and binary round trips
CREATE TABLE bg_models (m crm.bgnbd);
INSERT INTO bg_models SELECT m FROM bg_fit UNION ALL SELECT m FROM bg_point UNION ALL SELECT m FROM bg_sim_fit
	UNION ALL SELECT m FROM bg_free;
CREATE TABLE gg_models (m crm.ggomnbd);
INSERT INTO gg_models SELECT m FROM gg_fit UNION ALL SELECT m FROM gg_point UNION ALL SELECT m FROM gg_sim_fit;
SELECT (SELECT count(*) FILTER (WHERE m::text::crm.bgnbd::text = m::text) FROM bg_models) AS bg_text_round_trips,
       (SELECT count(*) FILTER (WHERE m::text::crm.ggomnbd::text = m::text) FROM gg_models) AS gg_text_round_trips;
COPY bg_models TO PROGRAM 'cat > /tmp/crm_covk_bg.bin' (FORMAT binary);
CREATE TABLE bg_back (m crm.bgnbd);
COPY bg_back FROM PROGRAM 'cat /tmp/crm_covk_bg.bin' (FORMAT binary);
COPY gg_models TO PROGRAM 'cat > /tmp/crm_covk_gg.bin' (FORMAT binary);
CREATE TABLE gg_back (m crm.ggomnbd);
COPY gg_back FROM PROGRAM 'cat /tmp/crm_covk_gg.bin' (FORMAT binary);
SELECT (SELECT array_agg(m::text ORDER BY m::text) FROM bg_back) = (SELECT array_agg(m::text ORDER BY m::text) FROM bg_models) AS bg_binary,
       (SELECT array_agg(m::text ORDER BY m::text) FROM gg_back) = (SELECT array_agg(m::text ORDER BY m::text) FROM gg_models) AS gg_binary;
SELECT m::text AS given FROM bg_point UNION ALL SELECT m::text FROM gg_point;

DROP SCHEMA covk CASCADE;
