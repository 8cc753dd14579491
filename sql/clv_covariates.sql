-- Static (time-invariant) customer covariates of the purchase models, with
-- the Pareto/NBD (CLVTools' parameterization: alpha_i = alpha exp(-gamma_trans
-- . z_trans), beta_i = beta exp(-gamma_life . z_life)): the covariate spec
-- crm.covariates, the fit on CLVTools' apparel data with Gender and Channel
-- on both processes, the likelihood and its gradient against finite
-- differences, exactness against the fit and the predictions without
-- covariates, parallel and merged fits, recovery of known coefficients on
-- simulated data, constrained and penalized coefficients, a covariate that
-- separates customers (no finite estimate), covariates in large units, the
-- model value's forms, and the errors.  CLVTools' Pareto/NBD standard errors
-- on CDNOW (no covariates) close the file.  BG/NBD and GGom/NBD with
-- covariates: test clv_covariates_kinds.
CREATE SCHEMA cov;
SET search_path = cov, public;
\i test/load/apparel.sql
\i test/load/cdnow.sql
\i test/load/sqlstate_of.sql
SET extra_float_digits = 0;

-- the spec: names in the order of the customers' arrays, constrained
-- covariates, the penalties; its text and binary forms round-trip
SELECT crm.covariates('{Gender,Channel}', '{Gender,High.Season}', '{Gender}', 0.5) AS spec;
SELECT s::text::crm.covariates::text = s::text AS text_round_trip,
       crm.covariate_names(s, 'life') AS life, crm.covariate_names(s, 'trans') AS trans
FROM (SELECT crm.covariates('{Gender,Channel}', '{Gender,High.Season}', '{Gender}', 0.5, 0.25) AS s) x;
CREATE TABLE specs (s crm.covariates);
INSERT INTO specs VALUES (crm.covariates('{a,b}', '{c}', '{}', 0.1)), (crm.covariates('{}', '{}'));
COPY specs TO PROGRAM 'cat > /tmp/crm_cov_specs.bin' (FORMAT binary);
CREATE TABLE specs_back (s crm.covariates);
COPY specs_back FROM PROGRAM 'cat /tmp/crm_cov_specs.bin' (FORMAT binary);
SELECT array_agg(s::text ORDER BY s::text) AS binary_round_trip FROM specs_back;

-- the fit on the apparel data (600 customers, weeks, split 2006-12-31):
-- Gender and Channel on both processes; converged, with standard errors
CREATE TABLE fit AS
SELECT crm.paretonbd_fit(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')) AS m
FROM apparel_cbs;
SELECT crm.converged(m) AS converged, crm.customers(m) AS n, round(crm.loglik(m)::numeric, 4) AS ll FROM fit;
SELECT p.parameter, round(p.estimate::numeric, 4) AS estimate, round(p.std_error::numeric, 4) AS std_error
FROM fit, crm.parameters(m) p;
-- an independent reference fit (test/reference/pnbd_cov_apparel.py: its own
-- summaries from the CSV files, Fader & Hardie's integral form of the
-- likelihood by scipy's quad, scipy's BFGS with numerical gradients and a
-- central-difference Hessian; ll -5821.062686, the values below as it prints
-- them): estimates within 1e-3 (relative for the parameters, absolute for
-- the coefficients), standard errors within 1 %, the same log-likelihood
SELECT p.parameter, abs(p.estimate - ref) <= 1e-3 * CASE WHEN p.parameter LIKE '%.%' THEN 1 ELSE ref END AS estimate_ok,
       abs(p.std_error / ref_se - 1) < 1e-2 AS std_error_ok
FROM fit, crm.parameters(m) p
JOIN (VALUES ('r', 1.83892, 0.345742), ('alpha', 92.9608, 16.9784), ('s', 0.591281, 0.260167), ('beta', 49.5105, 36.1295),
             ('life.Gender', -0.641906, 0.295499), ('life.Channel', 0.789766, 0.305787),
             ('trans.Gender', 0.286131, 0.104139), ('trans.Channel', 0.623932, 0.104942)) v(parameter, ref, ref_se)
USING (parameter);
SELECT abs(crm.loglik(m) + 5821.062686) < 1e-5 AS same_ll FROM fit;
-- the covariates improve the likelihood over the fit without them (a
-- likelihood-ratio statistic far beyond chi-square with 4 degrees of freedom)
SELECT round((2 * (crm.loglik(m) - crm.loglik(b)))::numeric, 2) AS lr_statistic
FROM fit, (SELECT crm.paretonbd_fit(x, t_x, t_cal) AS b FROM apparel_cbs) base;

-- the likelihood: the fit's ll is the sum of the customers' crm.loglik with
-- their covariates, and crm.loglik(model, state); the gradient is 0 at the
-- estimate (relative to the parameters' scale)
CREATE TABLE state AS
SELECT crm.clv_fit_partial(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')) AS s
FROM apparel_cbs;
SELECT abs((SELECT sum(crm.loglik(f.m, c.x, c.t_x, c.t_cal, c.life_z, c.trans_z)) FROM apparel_cbs c) / crm.loglik(f.m) - 1) < 1e-12 AS ll_is_sum,
       crm.loglik(f.m, s) = crm.loglik(f.m) AS state_ll_is_fit_ll
FROM fit f, state;
SELECT bool_and(abs(g.derivative * coalesce(nullif(abs(p.estimate), 0), 1)) / crm.customers(m) < 1e-6) AS gradient_zero_at_estimate
FROM fit, state, crm.loglik_gradient(m, s) g JOIN crm.parameters(m) p USING (parameter);

-- the analytic gradient against central differences of crm.loglik(model,
-- state), at a point away from the estimate (every parameter and
-- coefficient; relative step 1e-6, agreement to 1e-5 of the gradient's size)
CREATE TABLE point AS
SELECT crm.with_covariates(crm.paretonbd(1.2, 60, 0.8, 30), crm.covariates('{Gender,Channel}', '{Gender,Channel}'),
                           '{-0.3,0.5}', '{0.2,0.4}') AS m;
CREATE FUNCTION moved(m crm.paretonbd, name text, h float8) RETURNS crm.paretonbd LANGUAGE sql AS $$
	SELECT string_agg(CASE WHEN p.parameter = name THEN p.parameter || '=' || (p.estimate + h)::text
	                       ELSE p.parameter || '=' || p.estimate::text END, ' ' ORDER BY p.ord)::crm.paretonbd
	FROM crm.parameters(m) WITH ORDINALITY p(parameter, estimate, std_error, ord)
$$;
SELECT g.parameter,
       abs(g.derivative - (crm.loglik(moved(m, g.parameter, h), s) - crm.loglik(moved(m, g.parameter, -h), s)) / (2 * h))
         <= 1e-5 * greatest(abs(g.derivative), 1) AS matches_finite_difference
FROM point, state, crm.loglik_gradient(m, s) g
JOIN crm.parameters((SELECT m FROM point)) p USING (parameter),
LATERAL (SELECT 1e-6 * greatest(abs(p.estimate), 0.1) AS h) step;

-- exactness: an empty spec is the fit without covariates (identical text);
-- covariates that are all 0 (constant: not identified) are held at 0 with a
-- WARNING, and the rest is that fit exactly
SELECT (SELECT crm.paretonbd_fit(x, t_x, t_cal) FROM apparel_cbs)::text =
       (SELECT crm.paretonbd_fit(x, t_x, t_cal, '{}', '{}', crm.covariates('{}', '{}')) FROM apparel_cbs)::text AS empty_spec_same;
CREATE TABLE zero_fit AS
SELECT crm.paretonbd_fit(x, t_x, t_cal, '{0,0}', '{0}', crm.covariates('{Gender,Channel}', '{Gender}')) AS m FROM apparel_cbs;
SELECT m::text FROM zero_fit;
CREATE TABLE base_fit AS SELECT crm.paretonbd_fit(x, t_x, t_cal) AS m FROM apparel_cbs;
SELECT bool_and(z.estimate = b.estimate AND z.std_error = b.std_error) AS same_parameters_and_errors,
       (SELECT crm.loglik(m) FROM zero_fit) = (SELECT crm.loglik(m) FROM base_fit) AS same_ll,
       (SELECT crm.iterations(m) FROM zero_fit) = (SELECT crm.iterations(m) FROM base_fit) AS same_iterations
FROM crm.parameters((SELECT m FROM base_fit)) b JOIN crm.parameters((SELECT m FROM zero_fit)) z USING (parameter);
SELECT parameter, estimate, std_error FROM crm.parameters((SELECT m FROM zero_fit)) WHERE parameter LIKE '%.%';

-- predictions with all covariates 0 equal the model without covariates bit
-- for bit (the customer's own parameters are the model's exactly), for every
-- prediction but P(alive) and the conditional expectation, which the scorers
-- without covariates compute from terms prepared per model (clv_prepared.h;
-- equal within 1e-13 relative); with covariates they use the customer's own
-- parameters
CREATE TABLE base_model AS
SELECT m AS cm, crm.paretonbd(crm.parameter(m, 'r'), crm.parameter(m, 'alpha'), crm.parameter(m, 's'),
                             crm.parameter(m, 'beta')) AS bm FROM fit;
SELECT bool_and(abs(crm.p_alive(cm, x, t_x, t_cal, '{0,0}', '{0,0}') - crm.p_alive(bm, x, t_x, t_cal)) <= 1e-13 * crm.p_alive(bm, x, t_x, t_cal)) AS p_alive,
       bool_and(abs(crm.expected_purchases(cm, 52, x, t_x, t_cal, '{0,0}', '{0,0}') - crm.expected_purchases(bm, 52, x, t_x, t_cal)) <=
                1e-13 * crm.expected_purchases(bm, 52, x, t_x, t_cal)) AS conditional,
       bool_and(crm.dert(cm, x, t_x, t_cal, 0.01, '{0,0}', '{0,0}') = crm.dert(bm, x, t_x, t_cal, 0.01)) AS dert,
       bool_and(crm.loglik(cm, x, t_x, t_cal, '{0,0}', '{0,0}') = crm.loglik(bm, x, t_x, t_cal)) AS loglik,
       bool_and(crm.clv(cm, crm.gammagamma(6.25, 3.74, 15.44), x, t_x, t_cal, 40, 52, 0.002, 0.3, '{0,0}', '{0,0}') =
                crm.clv(bm, crm.gammagamma(6.25, 3.74, 15.44), x, t_x, t_cal, 40, 52, 0.002, 0.3)) AS clv,
       bool_and(crm.clv(cm, x, t_x, t_cal, 25, 52, 0.002, '{0,0}', '{0,0}') = crm.clv(bm, x, t_x, t_cal, 25, 52, 0.002)) AS clv_given_spend
FROM base_model, apparel_cbs;
SELECT crm.expected_purchases(cm, 52, '{0,0}', '{0,0}') = crm.expected_purchases(bm, 52) AS unconditional,
       crm.expected_purchases(crm.with_unit(cm, '1 week'), interval '1 year', '{0,0}', '{0,0}') =
         crm.expected_purchases(crm.with_unit(bm, '1 week'), interval '1 year') AS unconditional_interval
FROM base_model;
-- a customer's predictions are the model without covariates at their own
-- alpha_i = alpha exp(-gamma_trans . z_trans) and beta_i = beta exp(-gamma_life . z_life)
SELECT round(crm.p_alive(m, 3, 40, 104, '{1,1}', '{1,0}')::numeric, 10) AS p_alive_with_covariates,
       abs(crm.p_alive(m, 3, 40, 104, '{1,1}', '{1,0}') /
           crm.p_alive(crm.paretonbd(crm.parameter(m, 'r'),
                                     crm.parameter(m, 'alpha') * exp(-crm.parameter(m, 'trans.Gender')),
                                     crm.parameter(m, 's'),
                                     crm.parameter(m, 'beta') * exp(-crm.parameter(m, 'life.Gender') - crm.parameter(m, 'life.Channel'))),
                       3, 40, 104) - 1) < 1e-14 AS own_parameters
FROM fit;
-- the apparel customers' expected purchases in the 52 weeks after the split
-- against their actual holdout purchases (mean absolute error): about as
-- good with the covariates as without (they matter more for the population
-- than for a customer whose own history is known)
SELECT round(avg(abs(crm.expected_purchases(m, 52, x, t_x, t_cal, life_z, trans_z) - x_holdout))::numeric, 4) AS mae_with,
       round(avg(abs(crm.expected_purchases(b, 52, x, t_x, t_cal) - x_holdout))::numeric, 4) AS mae_without
FROM fit, (SELECT crm.paretonbd_fit(x, t_x, t_cal) AS b FROM apparel_cbs) base,
     (SELECT x, t_x, t_cal, life_z, trans_z,
             (SELECT count(DISTINCT purchased_on) FROM apparel_log l
              WHERE l.customer_id = c.customer_id AND purchased_on > '2006-12-31' AND purchased_on <= '2007-12-30') AS x_holdout
      FROM apparel_cbs c) h;

-- forced-parallel plans, merged partial states (any split) and weighted rows
-- give the same model (identical text)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate($q$SELECT crm.paretonbd_fit(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')) FROM apparel_cbs$q$) AS partial_aggregate;
SELECT (SELECT crm.paretonbd_fit(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')) FROM apparel_cbs)::text = m::text AS parallel_same
FROM fit;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT crm.paretonbd_fit_final(crm.clv_fit_merge(s::text::crm.clv_fit_state))::text = (SELECT m::text FROM fit) AS merged_same
FROM (SELECT customer_id % 5 AS shard,
             crm.clv_fit_partial(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')) AS s
      FROM apparel_cbs GROUP BY 1) shards;
SELECT (SELECT crm.paretonbd_fit(x, t_x, t_cal, life_z, trans_z, n, crm.covariates('{Gender,Channel}', '{Gender,Channel}'))
        FROM (SELECT x, t_x, t_cal, life_z, trans_z, count(*) AS n FROM apparel_cbs GROUP BY 1, 2, 3, 4, 5) g)::text = m::text AS weighted_same
FROM fit;
-- the state: distinct (x, t_x, T, covariates) tuples (categorical covariates collapse)
SELECT crm.clv_fit_customers(s) AS customers, crm.clv_fit_distinct(s) AS distinct_tuples,
       s::text::crm.clv_fit_state::text = s::text AS text_round_trip
FROM (SELECT crm.clv_fit_partial(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')) AS s FROM apparel_cbs) x;
SELECT s::text AS state_text
FROM (SELECT crm.clv_fit_partial(x, t_x, t_cal, ARRAY[life_z[1]], ARRAY[trans_z[2]], interval '1 week',
                                 crm.covariates('{Gender}', '{Channel}')) AS s
      FROM apparel_cbs WHERE customer_id <= 3) x;
CREATE TABLE states (s crm.clv_fit_state);
INSERT INTO states SELECT s FROM state;
COPY states TO PROGRAM 'cat > /tmp/crm_cov_states.bin' (FORMAT binary);
CREATE TABLE states_back (s crm.clv_fit_state);
COPY states_back FROM PROGRAM 'cat /tmp/crm_cov_states.bin' (FORMAT binary);
SELECT (SELECT s::text FROM states_back) = (SELECT s::text FROM state) AS state_binary_round_trip;

-- recovery: 4000 customers drawn from the Pareto/NBD with covariates, r = 1,
-- alpha = 8, s = 2, beta = 10, lifetime covariates g (0/1) and a (uniform in
-- [-1, 1]) with coefficients -0.6 and 0.8, transaction covariates g and ch
-- (0/1) with 0.5 and -0.7 (gamma draws with whole shapes as sums of
-- exponentials, rates alpha_i and beta_i; purchases a Poisson process up to
-- min(lifetime, T), T uniform in [40, 60)); every estimate within 2
-- standard errors of the truth
SELECT setseed(0.25);
CREATE TABLE sim_customer AS
SELECT c, g, ch, a,
       -ln(1 - random()) / (8 * exp(-(0.5 * g - 0.7 * ch))) AS lambda,
       (-ln(1 - random()) - ln(1 - random())) / (10 * exp(-(-0.6 * g + 0.8 * a))) AS mu,
       40 + 20 * random() AS t
FROM (SELECT c, (random() < 0.5)::int::float8 AS g, (random() < 0.4)::int::float8 AS ch, 2 * random() - 1 AS a
      FROM generate_series(1, 4000) c) z;
CREATE TABLE sim_life AS
SELECT c, g, ch, a, lambda, t, least(-ln(1 - random()) / mu, t) AS active_until FROM sim_customer;
CREATE TABLE sim_purchase AS
SELECT c, sum(-ln(1 - random()) / lambda) OVER (PARTITION BY c ORDER BY k) AS at, active_until
FROM sim_life, generate_series(1, 80) k;
CREATE TABLE sim_cbs AS
SELECT l.c, count(p.at)::float8 AS x, coalesce(max(p.at), 0) AS t_x, l.t,
       ARRAY[l.g, l.a] AS life_z, ARRAY[l.g, l.ch] AS trans_z
FROM sim_life l LEFT JOIN sim_purchase p ON p.c = l.c AND p.at <= p.active_until
GROUP BY l.c, l.g, l.a, l.ch, l.t;
SELECT max(x) < 80 AS enough_draws FROM sim_cbs;
CREATE TABLE sim_fit AS
SELECT crm.paretonbd_fit(x, t_x, t, life_z, trans_z, crm.covariates('{g,a}', '{g,ch}')) AS m FROM sim_cbs;
SELECT crm.converged(m) AS converged FROM sim_fit;
SELECT p.parameter, truth, round(((p.estimate - truth) / p.std_error)::numeric, 2) AS z,
       abs(p.estimate - truth) <= 2 * p.std_error AS within_2_se
FROM sim_fit, crm.parameters(m) p
JOIN (VALUES ('r', 1.0), ('alpha', 8.0), ('s', 2.0), ('beta', 10.0), ('life.g', -0.6), ('life.a', 0.8),
             ('trans.g', 0.5), ('trans.ch', -0.7)) v(parameter, truth) USING (parameter);

-- a constrained covariate has one coefficient for both processes (and one
-- standard error); the L2 penalty (CLVTools' reg.lambdas: lambda x the sum
-- of squared coefficients added to the mean negative log-likelihood per
-- customer) shrinks the coefficients towards 0 and is recorded
CREATE TABLE constrained_fit AS
SELECT crm.paretonbd_fit(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}', '{Gender}')) AS m
FROM apparel_cbs;
SELECT crm.converged(m) AS converged,
       crm.parameter(m, 'life.Gender') = crm.parameter(m, 'trans.Gender') AS one_coefficient,
       crm.std_error(m, 'life.Gender') = crm.std_error(m, 'trans.Gender') AS one_std_error,
       (m::jsonb) -> 'covariates' -> 'life' -> 0 -> 'constrained' AS constrained,
       crm.loglik(m) < (SELECT crm.loglik(m) FROM fit) AS lower_ll
FROM constrained_fit;
CREATE TABLE penalized_fit AS
SELECT crm.paretonbd_fit(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}', '{}', 0.05, 0.05)) AS m
FROM apparel_cbs;
SELECT bool_and(abs(p.estimate) < abs(u.estimate)) AS every_coefficient_shrinks,
       ((SELECT m FROM penalized_fit)::jsonb) -> 'covariates' -> 'lambda_life' AS lambda_life
FROM crm.parameters((SELECT m FROM penalized_fit)) p JOIN crm.parameters((SELECT m FROM fit)) u USING (parameter)
WHERE p.parameter LIKE '%.%';
-- the penalized objective's minimum: moving a coefficient raises -ll/n + penalty
SELECT bool_and(-crm.loglik(m, s) / 600 + 0.05 * (SELECT sum(estimate ^ 2) FROM crm.parameters(m) WHERE parameter LIKE '%.%')
                < -crm.loglik(moved(m, c, h), s) / 600 +
                  0.05 * (SELECT sum(estimate ^ 2) FROM crm.parameters(moved(m, c, h)) WHERE parameter LIKE '%.%')) AS penalized_minimum
FROM penalized_fit, (SELECT crm.clv_fit_partial(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}', '{}', 0.05, 0.05)) AS s FROM apparel_cbs) st,
     unnest('{life.Gender,life.Channel,trans.Gender,trans.Channel}'::text[]) c, unnest('{-0.01,0.01}'::float8[]) h;

-- a covariate that separates the customers (1 only for customers who never
-- buy again): its coefficient has no finite estimate; the fit says which,
-- the model is not converged and refuses to score until accepted; a
-- penalty gives a finite estimate
CREATE TABLE separated AS
SELECT x, t_x, t, life_z, ARRAY[trans_z[1], CASE WHEN x = 0 AND c % 3 = 0 THEN 1 ELSE 0 END]::float8[] AS trans_z
FROM sim_cbs WHERE c <= 1000;
CREATE TABLE separated_fit AS
SELECT crm.paretonbd_fit(x, t_x, t, life_z, trans_z, crm.covariates('{g,a}', '{g,never}')) AS m FROM separated;
SELECT crm.converged(m) AS converged, crm.parameter(m, 'trans.never') < -3 AS runs_to_minus_infinity,
       sqlstate_of(format('SELECT crm.p_alive(%L::crm.paretonbd, 0, 0, 50, ''{1,0}'', ''{1,1}'')', m)) AS scoring,
       crm.p_alive(crm.accept_unconverged(m), 0, 0, 50, '{1,0}', '{1,1}') > 0 AS accepted_scores
FROM separated_fit;
SELECT crm.converged(m) AS penalized_converged, crm.parameter(m, 'trans.never') > -3 AS finite_estimate
FROM (SELECT crm.paretonbd_fit(x, t_x, t, life_z, trans_z, crm.covariates('{g,a}', '{g,never}', '{}', 0, 0.01)) AS m
      FROM separated) f;

-- covariates in large units and far from 0 (Gender x 1e6 + 5e6): the fit
-- is the same model in those units (the fit centres and scales the
-- covariates internally): the same predictions, coefficients 1e6 times
-- smaller
CREATE TABLE large_fit AS
SELECT crm.paretonbd_fit(x, t_x, t_cal, ARRAY[life_z[1] * 1e6 + 5e6, life_z[2]], trans_z,
                         crm.covariates('{Gender,Channel}', '{Gender,Channel}')) AS m FROM apparel_cbs;
SELECT crm.converged(l.m) AS converged,
       abs(crm.parameter(l.m, 'life.Gender') * 1e6 / crm.parameter(f.m, 'life.Gender') - 1) < 1e-5 AS coefficient_scaled,
       abs(crm.std_error(l.m, 'life.Gender') * 1e6 / crm.std_error(f.m, 'life.Gender') - 1) < 1e-4 AS std_error_scaled,
       (SELECT max(abs(crm.p_alive(l.m, x, t_x, t_cal, ARRAY[life_z[1] * 1e6 + 5e6, life_z[2]], trans_z) /
                       crm.p_alive(f.m, x, t_x, t_cal, life_z, trans_z) - 1)) < 1e-6 FROM apparel_cbs) AS same_predictions
FROM large_fit l, fit f;

-- the model value: text and binary round trips (fitted, constrained and
-- penalized, held, given), jsonb keys, parameters by name
CREATE TABLE models (m crm.paretonbd);
INSERT INTO models SELECT m FROM fit UNION ALL SELECT m FROM constrained_fit UNION ALL SELECT m FROM penalized_fit
	UNION ALL SELECT m FROM zero_fit UNION ALL SELECT m FROM point UNION ALL SELECT m FROM separated_fit;
SELECT count(*) FILTER (WHERE m::text::crm.paretonbd::text = m::text) AS text_round_trips FROM models;
COPY models TO PROGRAM 'cat > /tmp/crm_cov_models.bin' (FORMAT binary);
CREATE TABLE models_back (m crm.paretonbd);
COPY models_back FROM PROGRAM 'cat /tmp/crm_cov_models.bin' (FORMAT binary);
SELECT (SELECT array_agg(m::text ORDER BY m::text) FROM models_back) = (SELECT array_agg(m::text ORDER BY m::text) FROM models) AS binary_round_trips;
SELECT m::text AS given FROM point;
SELECT m::text AS constrained_and_penalized
FROM (SELECT crm.with_covariates(crm.paretonbd(1, 2, 3, 4), crm.covariates('{a,b}', '{b}', '{b}', 0.1, 0.2), '{1,-2}', '{-2}') AS m) x;
SELECT (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(m::jsonb) k) AS jsonb_keys,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(m::jsonb -> 'covariates') k) AS covariate_keys,
       m::jsonb -> 'covariates' -> 'trans' -> 1 ->> 'name' AS second_trans_covariate
FROM fit;
SELECT crm.parameter(m, 'trans.Channel') = (m::jsonb -> 'covariates' -> 'trans' -> 1 ->> 'estimate')::float8 AS parameter_by_name,
       crm.std_error(m, 'life.Gender') > 0 AS std_error_by_name
FROM fit;

-- rows with a NULL covariate (or a NULL array) are skipped, as aggregates
-- skip NULL inputs; a NULL covariate scores NULL
SELECT crm.customers(crm.paretonbd_fit(x, t_x, t_cal, CASE WHEN customer_id <= 10 THEN '{1,NULL}' ELSE life_z END,
                                       CASE WHEN customer_id BETWEEN 11 AND 15 THEN NULL ELSE trans_z END,
                                       crm.covariates('{Gender,Channel}', '{Gender,Channel}'))) AS customers
FROM apparel_cbs;
SELECT crm.p_alive(m, 1, 10, 104, '{1,NULL}', '{0,0}') IS NULL AS null_covariate_scores_null FROM fit;

-- errors
SET client_min_messages = error;
SELECT q AS statement, sqlstate_of(q) AS error FROM (VALUES
	-- the spec
	($$SELECT crm.covariates('{a,a}', '{}')$$),
	($$SELECT crm.covariates('{1a}', '{}')$$),
	($$SELECT crm.covariates('{"a b"}', '{}')$$),
	($$SELECT crm.covariates('{a}', '{b}', '{a}')$$),
	($$SELECT crm.covariates('{a}', '{a}', '{a,a}')$$),
	($$SELECT crm.covariates('{a}', '{}', '{}', -1)$$),
	($$SELECT crm.covariates('{a}', '{}', '{}', 0, 'NaN')$$),
	($$SELECT crm.covariates('{a,NULL}', '{}')$$),
	($$SELECT crm.covariates(array_fill('a'::text, '{17}'), '{}')$$),
	($$SELECT crm.covariates('{{a},{b}}', '{}')$$),
	($$SELECT crm.covariate_names(crm.covariates('{a}', '{}'), 'lifetime')$$),
	($$SELECT 'life={"a"}'::crm.covariates$$),
	($$SELECT 'life={"a"} trans={} lambda_life=0'::crm.covariates$$),
	-- the fit's rows
	($$SELECT crm.paretonbd_fit(1, 2, 10, '{1,2,3}', '{1}', crm.covariates('{a,b}', '{c}'))$$),
	($$SELECT crm.paretonbd_fit(1, 2, 10, '{1,2}', '{}', crm.covariates('{a,b}', '{c}'))$$),
	($$SELECT crm.paretonbd_fit(1, 2, 10, '{1,NaN}', '{1}', crm.covariates('{a,b}', '{c}'))$$),
	($$SELECT crm.paretonbd_fit(1, 2, 10, '{1,2}', '{Infinity}', crm.covariates('{a,b}', '{c}'))$$),
	($$SELECT crm.paretonbd_fit(1, 2, 10, '{1}', '{1}', NULL::crm.covariates)$$),
	($$SELECT crm.paretonbd_fit(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}', '{}', x)) FROM apparel_cbs$$),
	($$SELECT crm.paretonbd_fit(1.5, 2, 10, '{1}', '{1}', crm.covariates('{a}', '{b}'))$$),
	($$SELECT crm.clv_fit_merge(s) FROM (SELECT crm.clv_fit_partial(1, 2, 10, '{1}', '{1}', crm.covariates('{a}', '{b}')) AS s
	     UNION ALL SELECT crm.clv_fit_partial(1, 2, 10, '{1}', '{1}', crm.covariates('{a}', '{c}'))) x$$),
	($$SELECT crm.clv_fit_merge(s) FROM (SELECT crm.clv_fit_partial(1, 2, 10, '{1}', '{1}', crm.covariates('{a}', '{b}')) AS s
	     UNION ALL SELECT crm.clv_fit_partial(1, 2, 10)) x$$),
	($$SELECT crm.mbgnbd_fit_final(crm.clv_fit_partial(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}'))) FROM apparel_cbs$$),
	($$SELECT crm.paretonbd_fit_final(crm.clv_fit_partial(x, t_x, t_cal, life_z, trans_z, crm.covariates('{Gender,Channel}', '{Gender,Channel}')), 0.1) FROM apparel_cbs$$),
	-- the state's text and binary forms
	($$SELECT 'v2 shape=purchases n=1 covariates=(life={"a"} trans={}) tuples={1,1,2:1}'::crm.clv_fit_state$$),
	($$SELECT 'v2 shape=spend n=1 covariates=(life={} trans={}) tuples={1,1:1}'::crm.clv_fit_state$$),
	($$SELECT 'v2 shape=purchases n=1 covariates=(life={"a"} trans={}) tuples={1,1,2,NaN:1}'::crm.clv_fit_state$$),
	-- scoring
	($$SELECT crm.p_alive(m, 1, 2, 10) FROM cov.fit$$),
	($$SELECT crm.expected_purchases(m, 10) FROM cov.fit$$),
	-- a call site keeps its last model: one with the same parameters and covariates after it
	($$SELECT crm.p_alive(v.m, 1, 2, 10) FROM (VALUES (crm.paretonbd(1, 2, 3, 4)),
	   (crm.with_covariates(crm.paretonbd(1, 2, 3, 4), crm.covariates('{a}', '{}'), '{1}', '{}'))) v(m)$$),
	($$SELECT crm.expected_purchases(v.m, 5, 1, 2, 10) FROM (VALUES (crm.bgnbd(1, 2, 3, 4)),
	   (crm.with_covariates(crm.bgnbd(1, 2, 3, 4), crm.covariates('{a}', '{}'), '{1}', '{}'))) v(m)$$),
	($$SELECT crm.clv(m, crm.gammagamma(6, 4, 15), 1, 2, 10, 20, 52, 0.01) FROM cov.fit$$),
	($$SELECT crm.p_alive(crm.paretonbd(1, 2, 3, 4), 1, 2, 10, '{1}', '{1}')$$),
	($$SELECT crm.p_alive(m, 1, 2, 10, '{1}', '{1,0}') FROM cov.fit$$),
	($$SELECT crm.p_alive(m, 1, 2, 10, '{1,NaN}', '{1,0}') FROM cov.fit$$),
	($$SELECT crm.p_alive(m, 1, 2, 10, '{1000,0}', '{1,0}') FROM cov.fit$$),
	($$SELECT crm.dert(m, 1, 2, 10, 0.1, '{1,0}', '{{1},{0}}') FROM cov.fit$$),
	-- models with covariates
	($$SELECT crm.with_covariates(crm.paretonbd(1, 2, 3, 4), crm.covariates('{a}', '{a}', '{a}'), '{1}', '{2}')$$),
	($$SELECT crm.with_covariates(crm.paretonbd(1, 2, 3, 4), crm.covariates('{a}', '{}'), '{1,2}', '{}')$$),
	($$SELECT crm.with_covariates(m, crm.covariates('{a}', '{}'), '{1}', '{}') FROM cov.fit$$),
	($$SELECT 'r=1 alpha=2 s=3 beta=4 life.a=1 life.a=2'::crm.paretonbd$$),
	($$SELECT 'r=1 alpha=2 s=3 beta=4 se_life.a=1'::crm.paretonbd$$),
	($$SELECT 'r=1 alpha=2 s=3 beta=4 life.a=1 trans.a=2 constrained={"a"}'::crm.paretonbd$$),
	($$SELECT 'r=1 alpha=2 s=3 beta=4 life.a=1 held={"life.a"}'::crm.paretonbd$$),
	($$SELECT 'r=1 alpha=2 a=3 b=4 life.a=1'::crm.mbgnbd$$),
	($$SELECT crm.parameter(m, 'life.Age') FROM cov.fit$$),
	($$SELECT crm.loglik(m, s) FROM cov.fit, (SELECT crm.clv_fit_partial(1, 2, 10) AS s) x$$),
	($$SELECT crm.loglik(m, s) FROM cov.fit, (SELECT crm.clv_fit_partial(1, 2, 10, '{1}', '{1}', crm.covariates('{a}', '{b}')) AS s) x$$)
) t(q);
RESET client_min_messages;

-- extreme covariates and summaries: every prediction of a model with
-- covariates is finite and in its range, or NULL, or an error (22003 for a
-- customer's own parameter beyond e^50, 22023 for a series that does not
-- converge), never NaN or an infinity
CREATE FUNCTION sweep() RETURNS TABLE (calls int, values_returned int, errors text, bad int) LANGUAGE plpgsql AS $$
DECLARE
	m crm.paretonbd := crm.with_covariates(crm.paretonbd(0.5, 10, 0.6, 12), crm.covariates('{a,b}', '{c,d}'),
	                                       '{0.5,-1}', '{0.2,-0.4}');
	z float8[];
	w float8[];
	v float8;
	e text;
	errs text[] := '{}';
BEGIN
	calls := 0; values_returned := 0; bad := 0;
	FOREACH z SLICE 1 IN ARRAY '{{0,0},{1,-1},{20,-20},{1e-300,1e300},{-1e10,5e-324},{1.7976931348623157e308,0}}'::float8[] LOOP
		FOREACH w SLICE 1 IN ARRAY '{{0,0},{-30,30},{1e300,1},{5e-324,-1e-8}}'::float8[] LOOP
			FOR q IN 1 .. 5 LOOP
				BEGIN
					calls := calls + 1;
					v := CASE q WHEN 1 THEN crm.p_alive(m, 3, 20, 40, z, w)
						WHEN 2 THEN crm.expected_purchases(m, 52, 3, 20, 40, z, w)
						WHEN 3 THEN crm.dert(m, 0, 0, 1e-8, 0.01, z, w)
						WHEN 4 THEN crm.loglik(m, 100, 1e5, 1e5, z, w)
						ELSE crm.clv(m, crm.gammagamma(6.25, 3.74, 15.44), 3, 20, 40, 30, 52, 0.01, z, w) END;
					IF v IS NOT NULL THEN
						values_returned := values_returned + 1;
						IF v = 'NaN' OR v IN ('Infinity', '-Infinity') OR (q = 1 AND (v < 0 OR v > 1))
						   OR (q IN (2, 3, 5) AND v < 0) THEN
							bad := bad + 1;
						END IF;
					END IF;
				EXCEPTION WHEN OTHERS THEN
					e := SQLSTATE;
					IF NOT e = ANY (errs) THEN
						errs := errs || e;
					END IF;
				END;
			END LOOP;
		END LOOP;
	END LOOP;
	errors := array_to_string(ARRAY(SELECT unnest(errs) ORDER BY 1), ',');
	RETURN NEXT;
END $$;
SELECT * FROM sweep();

-- CLVTools' Pareto/NBD standard errors on CDNOW (no covariates; its test
-- test_correctness_pnbd.R: r 0.0476264, alpha 0.8427222, s 0.1872594, beta
-- 6.2105448, checked there to a relative tolerance of 0.001), the same
-- tolerance here
SELECT p.parameter, round(p.std_error::numeric, 5) AS std_error, clvtools,
       abs(p.std_error / clvtools - 1) < 1e-3 AS within_0_1_percent
FROM (SELECT crm.paretonbd_fit((s).frequency, (s).recency, (s).t) AS m
      FROM (SELECT crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week') AS s
            FROM cdnow_log GROUP BY customer_id) c) f, crm.parameters(m) p
JOIN (VALUES ('r', 0.0476264), ('alpha', 0.8427222), ('s', 0.1872594), ('beta', 6.2105448)) v(parameter, clvtools) USING (parameter)
ORDER BY p.parameter;

-- covariates that repeat each other (z and 2z): the Hessian is singular
-- where the optimizer stops, which is no maximum, so the fit says it did not
-- converge (a WARNING, converged = false; scoring then needs
-- crm.accept_unconverged); the Pareto/NBD with time-varying covariates
-- follows the same rule
\i test/load/simulate_btyd.sql
SELECT setseed(0.3);
CREATE TABLE collinear AS SELECT *, (id % 2)::float8 AS z FROM public.sim_btyd('bgnbd', 2000, 0.8, 8, 0.6, 3, 26, 52, 39);
SELECT crm.converged(m) AS converged
FROM (SELECT crm.bgnbd_fit(x, t_x, t, ARRAY[z, 2 * z], ARRAY[z, 2 * z], crm.covariates('{a,b}', '{a,b}')) AS m FROM collinear) q;

DROP SCHEMA cov CASCADE;
