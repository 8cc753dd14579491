-- Predictive distributions of the purchase counts (src/clv/clv_pmf.c,
-- src/clv/clv_bgnbd.c): the Pareto/NBD's P(X(t) = n) against an independent
-- computation, the GGom/NBD's, the conditional P(X(T, T + t) = n | x, t_x, T) of BG/NBD,
-- MBG/NBD and Pareto/NBD; each sums to 1 (within 1e-10 over n = 0 .. 3000)
-- and its mean equals crm.expected_purchases (within 1e-8); the covariate
-- overloads at covariates 0 equal the plain ones exactly; large n, t and x
-- stay finite and in [0, 1]; the errors.  Also the expected purchases of a
-- new customer with covariates (CLVTools' newcustomer).
CREATE SCHEMA pmf;
SET search_path = pmf, public;
\i test/load/sqlstate_of.sql
SET extra_float_digits = 0;

-- the Pareto/NBD's P(X(t) = n) against test/reference/pnbd_pmf.py (the
-- defining mixture integral by mpmath at 30 digits, not crm's series):
-- relative error below 1e-10; the last two parameter sets take crm's
-- quadrature path (beta far below or far above alpha)
CREATE TABLE ref (r float8, alpha float8, s float8, beta float8, t float8, n int, p float8);
INSERT INTO ref VALUES
(0.55, 10.58, 0.61, 11.67, 1, 0, 0.95272446662655629),
(0.55, 10.58, 0.61, 11.67, 1, 1, 0.044116596263413473),
(0.55, 10.58, 0.61, 11.67, 1, 2, 0.0029272497308050431),
(0.55, 10.58, 0.61, 11.67, 1, 5, 1.2829087864895673e-6),
(0.55, 10.58, 0.61, 11.67, 1, 20, 7.7079927110683352e-23),
(0.55, 10.58, 0.61, 11.67, 39, 0, 0.59601979187789221),
(0.55, 10.58, 0.61, 11.67, 39, 1, 0.16510575094241086),
(0.55, 10.58, 0.61, 11.67, 39, 2, 0.082032530660833778),
(0.55, 10.58, 0.61, 11.67, 39, 5, 0.021281651507682647),
(0.55, 10.58, 0.61, 11.67, 39, 20, 0.00025387100085015526),
(0.55, 10.58, 0.61, 11.67, 78, 0, 0.55534500899291332),
(0.55, 10.58, 0.61, 11.67, 78, 1, 0.15326886453512578),
(0.55, 10.58, 0.61, 11.67, 78, 2, 0.078719787222367698),
(0.55, 10.58, 0.61, 11.67, 78, 5, 0.025032114152103222),
(0.55, 10.58, 0.61, 11.67, 78, 20, 0.0013706138166084286),
(2, 3, 1.5, 30, 1, 0, 0.57164033196904024),
(2, 3, 1.5, 30, 1, 1, 0.27666348924374561),
(2, 3, 1.5, 30, 1, 2, 0.1026188115847809),
(2, 3, 1.5, 30, 1, 5, 0.0031719388563441511),
(2, 3, 1.5, 30, 1, 20, 1.0259351007171359e-11),
(2, 3, 1.5, 30, 39, 0, 0.10417837060459168),
(2, 3, 1.5, 30, 39, 1, 0.081669887541325522),
(2, 3, 1.5, 30, 39, 2, 0.067526718109032199),
(2, 3, 1.5, 30, 39, 5, 0.044556490200553055),
(2, 3, 1.5, 30, 39, 20, 0.014295981538832503),
(2, 3, 1.5, 30, 78, 0, 0.10333433783358705),
(2, 3, 1.5, 30, 78, 1, 0.080128080991513972),
(2, 3, 1.5, 30, 78, 2, 0.065416053240041625),
(2, 3, 1.5, 30, 78, 5, 0.041364638695699236),
(2, 3, 1.5, 30, 78, 20, 0.012055126106796927),
(0.55, 10.58, 0.61, 0.001, 1, 0, 0.99823657351053328),
(0.55, 10.58, 0.61, 0.001, 1, 1, 0.0016926869781525728),
(0.55, 10.58, 0.61, 0.001, 1, 2, 6.6213066068783846e-5),
(0.55, 10.58, 0.61, 0.001, 1, 5, 2.2775569929988918e-8),
(0.55, 10.58, 0.61, 0.001, 1, 20, 1.2361344694880711e-24),
(0.55, 10.58, 0.61, 0.001, 39, 0, 0.9958373532409227),
(0.55, 10.58, 0.61, 0.001, 39, 1, 0.0027805446973342174),
(0.55, 10.58, 0.61, 0.001, 39, 2, 0.00059991297918948524),
(0.55, 10.58, 0.61, 0.001, 39, 5, 0.0001015686097772241),
(0.55, 10.58, 0.61, 0.001, 39, 20, 1.0237213755326357e-6),
(0.55, 10.58, 0.61, 0.001, 78, 0, 0.99568543743072595),
(0.55, 10.58, 0.61, 0.001, 78, 1, 0.002736472484036929),
(0.55, 10.58, 0.61, 0.001, 78, 2, 0.000587694546913181),
(0.55, 10.58, 0.61, 0.001, 78, 5, 0.00011566241070668013),
(0.55, 10.58, 0.61, 0.001, 78, 20, 5.158923304280499e-6),
(2, 3, 1.5, 3000, 1, 0, 0.56259372588645123),
(2, 3, 1.5, 3000, 1, 1, 0.28120313535059551),
(2, 3, 1.5, 3000, 1, 2, 0.10543946132821656),
(2, 3, 1.5, 3000, 1, 5, 0.0032946171343064618),
(2, 3, 1.5, 3000, 1, 20, 1.0738377492138985e-11),
(2, 3, 1.5, 3000, 39, 0, 0.0063906425156694604),
(2, 3, 1.5, 3000, 39, 1, 0.010577277210984597),
(2, 3, 1.5, 3000, 39, 2, 0.014134109029865547),
(2, 3, 1.5, 3000, 39, 5, 0.021676661703484625),
(2, 3, 1.5, 3000, 39, 20, 0.024179798322642321),
(2, 3, 1.5, 3000, 78, 0, 0.0027557586328993567),
(2, 3, 1.5, 3000, 78, 1, 0.0039192553565238326),
(2, 3, 1.5, 3000, 78, 2, 0.00499398412011462),
(2, 3, 1.5, 3000, 78, 5, 0.0077304390540379122),
(2, 3, 1.5, 3000, 78, 20, 0.013686300730755271);
SELECT r, alpha, s, beta, count(*) AS points,
       max(abs(crm.purchase_probability(crm.paretonbd(r, alpha, s, beta), n, t) / p - 1)) < 1e-10 AS within_1e_10
FROM ref GROUP BY r, alpha, s, beta ORDER BY r;

-- sums to 1 and mean = E[X(t)] for new customers, alpha >= beta, alpha < beta
-- and alpha close to beta, short and long horizons, and by quadrature (6, 7)
CREATE TABLE models (id int, m crm.paretonbd);
INSERT INTO models VALUES (1, crm.paretonbd(0.55, 10.58, 0.61, 11.67)), (2, crm.paretonbd(0.55, 10.58, 0.61, 3)),
	(3, crm.paretonbd(2, 3, 1.5, 30)), (4, crm.paretonbd(2, 3, 1.5, 3.0001)), (5, crm.paretonbd(1, 1, 1, 1)),
	(6, crm.paretonbd(0.55, 10.58, 0.61, 0.001)), (7, crm.paretonbd(2, 3, 1.5, 3000));
SELECT id, t, abs(sum(p) - 1) < 1e-10 AS sums_to_1, abs(sum(n * p) - min(e)) < 1e-8 AS mean_is_expectation,
       min(p) >= 0 AS nonnegative
FROM models, (VALUES (0.5), (1.0), (39.0), (78.0)) AS h(t), generate_series(0, 3000) n,
     crm.purchase_probability(m, n, t) p, crm.expected_purchases(m, t) e
GROUP BY id, t ORDER BY id, t;

-- the GGom/NBD (the death time integrated by quadrature): sums to 1, mean
-- E[X(t)], also over ten years; next to its Pareto/NBD limit (b -> 0 with
-- beta / b fixed) it is that Pareto/NBD's distribution to O(b)
SELECT id, t, abs(sum(p) - 1) < 1e-10 AS sums_to_1, abs(sum(n * p) - min(e)) < 1e-8 AS mean_is_expectation
FROM (VALUES (1, crm.ggomnbd(0.55, 10.58, 0.05, 0.6, 0.5)), (2, crm.ggomnbd(1.4, 48, 0.001, 0.56, 0.05)),
             (3, crm.ggomnbd(2, 3, 0.5, 1.5, 30))) AS v(id, m),
     (VALUES (1.0), (39.0), (520.0)) AS h(t), generate_series(0, 3000) n,
     crm.purchase_probability(m, n, t) p, crm.expected_purchases(m, t) e
GROUP BY id, t ORDER BY id, t;
SELECT n, abs(crm.purchase_probability(crm.ggomnbd(0.55, 10.58, 1e-7, 0.61, 11.67e-7), n, 39)
              - crm.purchase_probability(crm.paretonbd(0.55, 10.58, 0.61, 11.67), n, 39)) < 1e-6 AS pareto_limit
FROM generate_series(0, 5) n;

-- the conditional distribution of customers (x, t_x, T): new-ish, active,
-- long silent, many purchases; sums to 1, mean = conditional expectation
CREATE TABLE customers (x float8, t_x float8, t float8);
INSERT INTO customers VALUES (0, 0, 38), (1, 2, 38), (3, 20, 38), (10, 37, 38), (5, 1, 38), (40, 30, 32);
SELECT kind, count(DISTINCT (x, t_x, t)) AS customers,
       bool_and(abs(total - 1) < 1e-10) AS sums_to_1, bool_and(abs(mean - e) < 1e-8) AS mean_is_expectation
FROM (SELECT 'bgnbd' AS kind, x, t_x, c.t, sum(p) AS total, sum(n * p) AS mean, min(e) AS e
      FROM customers c, (VALUES (crm.bgnbd(0.243, 4.414, 0.793, 2.426))) v(m), generate_series(0, 3000) n,
           crm.purchase_probability(m, n, 39, x, t_x, c.t) p, crm.expected_purchases(m, 39, x, t_x, c.t) e
      GROUP BY x, t_x, c.t
      UNION ALL
      SELECT 'mbgnbd', x, t_x, c.t, sum(p), sum(n * p), min(e)
      FROM customers c, (VALUES (crm.mbgnbd(0.525, 6.183, 0.891, 1.614))) v(m), generate_series(0, 3000) n,
           crm.purchase_probability(m, n, 39, x, t_x, c.t) p, crm.expected_purchases(m, 39, x, t_x, c.t) e
      GROUP BY x, t_x, c.t
      UNION ALL
      SELECT 'paretonbd ' || id, x, t_x, c.t, sum(p), sum(n * p), min(e)
      FROM customers c, models, generate_series(0, 3000) n,
           crm.purchase_probability(m, n, 39, x, t_x, c.t) p, crm.expected_purchases(m, 39, x, t_x, c.t) e
      GROUP BY id, x, t_x, c.t) s
GROUP BY kind ORDER BY kind;
-- the mass at 0 holds the customers who are gone: P(0) >= 1 - P(alive)
SELECT bool_and(crm.purchase_probability(m, 0, 39, x, t_x, c.t) >= 1 - crm.p_alive(m, x, t_x, c.t)) AS zero_holds_the_dead
FROM customers c, models;
-- a new customer's conditional distribution (x = t_x = T = 0) is the
-- unconditional one (BG/NBD exactly; Pareto/NBD to rounding)
SELECT n, crm.purchase_probability(b, n, 39, 0, 0, 0) = crm.purchase_probability(b, n, 39) AS bgnbd_same,
       abs(crm.purchase_probability(p, n, 39, 0, 0, 0) - crm.purchase_probability(p, n, 39)) < 1e-15 AS paretonbd_same
FROM (VALUES (crm.bgnbd(0.243, 4.414, 0.793, 2.426), crm.paretonbd(0.55, 10.58, 0.61, 11.67))) v(b, p),
     generate_series(0, 3) n;

-- large n, t and x: finite, in [0, 1]; the probabilities of counts far
-- beyond the mean underflow to 0 rather than to NaN
SELECT n, t, p >= 0 AND p <= 1 AS in_range, p = 0 AS underflows
FROM (VALUES (0, 365243.0), (1000, 365243.0), (2000000000, 365243.0), (2000000000, 0.001), (100000, 39.0)) AS v(n, t),
     crm.purchase_probability(crm.paretonbd(0.55, 10.58, 0.61, 11.67), n, t) p
ORDER BY n, t;
SELECT kind, p >= 0 AND p <= 1 AS in_range
FROM (SELECT 'bgnbd' AS kind, crm.purchase_probability(crm.bgnbd(0.243, 4.414, 0.793, 2.426), 1000000, 365243, 1000000, 500000, 600000) AS p
      UNION ALL SELECT 'mbgnbd', crm.purchase_probability(crm.mbgnbd(0.243, 4.414, 0.793, 2.426), 2000000000, 365243, 1000000, 500000, 600000)
      UNION ALL SELECT 'paretonbd', crm.purchase_probability(crm.paretonbd(0.55, 10.58, 0.61, 11.67), 1000000, 365243, 1000000, 500000, 600000)
      UNION ALL SELECT 'paretonbd far', crm.purchase_probability(crm.paretonbd(0.55, 10.58, 0.61, 1e-3), 5, 365243, 3, 10, 20)) s
ORDER BY kind;
-- the conditional distribution of an active heavy buyer still sums to 1
SELECT abs(sum(p) - 1) < 1e-10 AS sums_to_1
FROM generate_series(0, 20000) n,
     crm.purchase_probability(crm.paretonbd(0.55, 10.58, 0.61, 11.67), n, 104, 1000, 519, 520) p;

-- covariates: the overloads at covariates 0 are exactly the plain values,
-- and with covariates they are the values of the customer's own parameters
-- (Pareto/NBD: alpha exp(-g_trans z), beta exp(-g_life z)) to rounding
CREATE TABLE cov AS
SELECT crm.with_covariates(crm.paretonbd(0.55, 10.58, 0.61, 11.67), crm.covariates('{z}', '{z}'), '{0.4}', '{-0.3}') AS p,
       crm.with_covariates(crm.bgnbd(0.243, 4.414, 0.793, 2.426), crm.covariates('{z}', '{z}'), '{0.4}', '{-0.3}') AS b;
SELECT n,
       crm.purchase_probability(p, n, 39, '{0}', '{0}') = crm.purchase_probability(crm.paretonbd(0.55, 10.58, 0.61, 11.67), n, 39) AS pnbd_new,
       crm.purchase_probability(crm.with_covariates(crm.ggomnbd(0.55, 10.58, 0.05, 0.6, 0.5), crm.covariates('{z}', '{z}'), '{0.4}', '{-0.3}'), n, 39, '{0}', '{0}')
         = crm.purchase_probability(crm.ggomnbd(0.55, 10.58, 0.05, 0.6, 0.5), n, 39) AS ggomnbd_new,
       crm.purchase_probability(p, n, 39, 3, 20, 38, '{0}', '{0}') = crm.purchase_probability(crm.paretonbd(0.55, 10.58, 0.61, 11.67), n, 39, 3, 20, 38) AS pnbd_conditional,
       crm.purchase_probability(b, n, 39, 3, 20, 38, '{0}', '{0}') = crm.purchase_probability(crm.bgnbd(0.243, 4.414, 0.793, 2.426), n, 39, 3, 20, 38) AS bgnbd_conditional
FROM cov, generate_series(0, 4) n;
SELECT n,
       abs(crm.purchase_probability(p, n, 39, 3, 20, 38, '{1}', '{1}')
           - crm.purchase_probability(crm.paretonbd(0.55, 10.58 * exp(0.3), 0.61, 11.67 * exp(-0.4)), n, 39, 3, 20, 38)) < 1e-14 AS pnbd_own_parameters,
       abs(crm.purchase_probability(p, n, 39, '{1}', '{1}')
           - crm.purchase_probability(crm.paretonbd(0.55, 10.58 * exp(0.3), 0.61, 11.67 * exp(-0.4)), n, 39)) < 1e-14 AS pnbd_new_own_parameters
FROM cov, generate_series(0, 4) n;
-- with covariates the distributions still sum to 1 with the conditional mean
SELECT abs(sum(q) - 1) < 1e-10 AS sums_to_1, abs(sum(n * q) - min(e)) < 1e-8 AS mean_is_expectation
FROM cov, generate_series(0, 3000) n, crm.purchase_probability(b, n, 39, 3, 20, 38, '{1}', '{-2}') q,
     crm.expected_purchases(b, 39, 3, 20, 38, '{1}', '{-2}') e;

-- new customers (CLVTools' newcustomer): crm.expected_purchases(model,
-- horizon [, life_z, trans_z]) is E[X(t)] of a customer acquired at time 0;
-- with covariates it is that of the customer's own parameters, at 0 exactly
-- the plain one
SELECT crm.expected_purchases(p, 52, '{0}', '{0}') = crm.expected_purchases(crm.paretonbd(0.55, 10.58, 0.61, 11.67), 52) AS pnbd_at_0,
       abs(crm.expected_purchases(p, 52, '{1}', '{1}')
           - crm.expected_purchases(crm.paretonbd(0.55, 10.58 * exp(0.3), 0.61, 11.67 * exp(-0.4)), 52)) < 1e-13 AS pnbd_own,
       crm.expected_purchases(b, 52, '{0}', '{0}') = crm.expected_purchases(crm.bgnbd(0.243, 4.414, 0.793, 2.426), 52) AS bgnbd_at_0,
       abs(crm.expected_purchases(b, 52, '{1}', '{1}')
           - crm.expected_purchases(crm.bgnbd(0.243, 4.414 * exp(0.3), 0.793 * exp(0.4), 2.426 * exp(0.4)), 52)) < 1e-13 AS bgnbd_own,
       round(crm.expected_purchases(p, 52, '{1}', '{1}')::numeric, 6) AS pnbd_new_customer_52_weeks
FROM cov;

-- errors: a negative count, a bad horizon, an invalid customer, covariates
-- of the wrong length or on a model without them, an unconverged fit
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.paretonbd(1, 1, 1, 1), -1, 10)$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.paretonbd(1, 1, 1, 1), -1, 10, 1, 1, 2)$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.bgnbd(1, 1, 1, 1), 1, -10, 1, 1, 2)$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.mbgnbd(1, 1, 1, 1), 1, 'nan', 1, 1, 2)$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.paretonbd(1, 1, 1, 1), 1, 1e9)$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.paretonbd(1, 1, 1, 1), 1, 10, 1, 3, 2)$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.bgnbd(1, 1, 1, 1), 1, 10, 1.5, 1, 2)$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(p, 1, 10, 1, 1, 2) FROM pmf.cov$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(p, 1, 10, 1, 1, 2, '{1, 2}', '{0}') FROM pmf.cov$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.paretonbd(1, 1, 1, 1), 1, 10, 1, 1, 2, '{1}', '{0}')$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(crm.paretonbd(1, 1, 1, 1), 1, 10, '{1}', '{0}')$$);
SELECT sqlstate_of($$SELECT crm.purchase_probability(regexp_replace(crm.paretonbd(1, 1, 1, 1)::text, '$', ' ll=-5 n=10 iterations=3 converged=false')::crm.paretonbd, 1, 10, 1, 1, 2)$$);
-- a NULL covariate element: NULL, as for a NULL argument
SELECT crm.purchase_probability(b, 1, 10, 1, 1, 2, '{NULL}', '{0}') IS NULL AS null_covariate FROM cov;
DROP SCHEMA pmf CASCADE;
