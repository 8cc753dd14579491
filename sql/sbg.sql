-- sBG (shifted beta-geometric) retention model: crm.sbg_fit on the survival
-- tables of Fader & Hardie (2007), "How to project customer retention",
-- Table 1 (1,000 customers per segment acquired at year 0; fit on years
-- 0..7), against ../shared/data/published/clv_reference_params.csv; the
-- projections, DEL and DERL, parallel, merged and weighted fits, the survival
-- table helper and the errors.  DEL/DERL reference values ("brute force")
-- were computed offline with mpmath 1.2 at 40 digits as direct sums of
-- S(t) / (1 + d)^t, S by the recurrence S(t) = S(t - 1) (beta + t - 1) /
-- (alpha + beta + t - 1), summed until a term fell below 1e-35 of the sum
-- (not from the closed forms, which they confirm).
CREATE SCHEMA sbg;
SET search_path = sbg, public;
\i test/load/sqlstate_of.sql
CREATE TABLE ref (model text, dataset text, quantity text, value text, source text, kind text);
\copy ref FROM PROGRAM 'cat "$CRM_DATA_DIR/published/clv_reference_params.csv"' WITH (FORMAT csv, HEADER true)
CREATE TABLE fh (year integer, regular float8, highend float8);
\copy fh FROM PROGRAM 'cat "$CRM_DATA_DIR/published/sbg_fader_hardie_2007_survival.csv"' WITH (FORMAT csv, HEADER true)

-- the model value and the tenures fit state (scaffolding)
SELECT crm.sbg(0.704, 1.182);
SELECT crm.clv_fit_customers(crm.tenure_fit_partial(t, c)), crm.tenure_fit_partial(t, c)::text
FROM (VALUES (1, true), (2, false), (2, false), (3, true)) v(t, c);
SELECT crm.tenure_fit_partial(t, c) FROM (VALUES (1, NULL::boolean)) v(t, c);
SELECT crm.tenure_fit_partial(t, c) FROM (VALUES (0, true)) v(t, c);
SELECT 'v1 shape=tenures n=3 tuples={1,1:1;2,0:2}'::crm.clv_fit_state;
SELECT 'v1 shape=tenures n=1 tuples={1,2:1}'::crm.clv_fit_state;

-- the survival tables (percent of the cohort) as fit input, years 0..7:
-- churned at each renewal, and the survivors of year 7 (censored)
CREATE TABLE input AS
SELECT 'regular' AS segment, i.*
FROM (SELECT array_agg(year) AS y, array_agg(regular) AS s FROM fh WHERE year <= 7) t,
     crm.sbg_fit_input(y, s, 1000) i
UNION ALL
SELECT 'highend', i.*
FROM (SELECT array_agg(year) AS y, array_agg(highend) AS s FROM fh WHERE year <= 7) t,
     crm.sbg_fit_input(y, s, 1000) i;
SELECT * FROM input ORDER BY segment, tenure, churned DESC;
CREATE TABLE fit AS
SELECT segment, crm.sbg_fit(tenure, churned, customers) AS m FROM input GROUP BY segment;

-- converged on 1000 customers each, with standard errors
SELECT segment, crm.converged(m), crm.customers(m),
       crm.std_error(m, 'alpha') > 0 AND crm.std_error(m, 'beta') > 0 AS have_se
FROM fit ORDER BY segment;
-- alpha, beta equal the published values at their 3 decimals (regular 0.704 /
-- 1.182, high end 0.668 / 3.806); 4 decimals shown (csv: recomputed 0.7041 /
-- 1.1820, 0.6681 / 3.8061)
SELECT f.segment, p.parameter, r.value AS published, round(p.estimate::numeric, 4) AS estimate,
       round(p.estimate::numeric, 3) = r.value::numeric AS ok
FROM fit f, crm.parameters(f.m) p
JOIN ref r ON r.model = 'sBG' AND r.quantity = p.parameter
WHERE r.dataset LIKE CASE f.segment WHEN 'regular' THEN '%regular%' ELSE '%high end%' END
ORDER BY f.segment, p.parameter;
-- LL: regular -1680.27, high end -1611.16 (within 0.01)
SELECT f.segment, r.value AS reference, round(crm.loglik(f.m)::numeric, 3) AS ll,
       abs(crm.loglik(f.m) - r.value::float8) <= 0.01 AS ok
FROM fit f JOIN ref r ON r.model = 'sBG' AND r.quantity = 'LL'
     AND r.dataset LIKE CASE f.segment WHEN 'regular' THEN '%regular%' ELSE '%high end%' END
ORDER BY f.segment;
-- the aggregate's LL is the sum of the customers' log-likelihoods (1e-12 relative)
SELECT segment, abs((SELECT sum(customers * crm.loglik(m, tenure, churned)) FROM input i
                     WHERE i.segment = f.segment) / crm.loglik(m) - 1) < 1e-12 AS ll_is_sum
FROM fit f ORDER BY segment;
-- a maximum: moving either parameter by 0.1 % lowers the log-likelihood
SELECT f.segment, bool_and(crm.loglik(f.m) > (SELECT sum(customers * crm.loglik(crm.sbg(
           crm.parameter(f.m, 'alpha') * CASE WHEN k = 1 THEN v ELSE 1 END,
           crm.parameter(f.m, 'beta') * CASE WHEN k = 2 THEN v ELSE 1 END), tenure, churned))
           FROM input i WHERE i.segment = f.segment)) AS is_maximum
FROM fit f, generate_series(1, 2) k, (VALUES (0.999), (1.001)) x(v)
GROUP BY f.segment ORDER BY f.segment;

-- projected survival (percent) for years 8..12 as published (to 0.1): regular
-- 22.0 20.4 19.1 18.0 17.0, high end 46.0 43.6 41.4 39.5 37.8; observed shown beside
SELECT year, round(100 * crm.survival(r.m, year)::numeric, 1) AS regular, published_regular,
       round(100 * crm.survival(h.m, year)::numeric, 1) AS highend, published_highend,
       round(100 * crm.survival(r.m, year)::numeric, 1) = published_regular
       AND round(100 * crm.survival(h.m, year)::numeric, 1) = published_highend AS ok,
       fh.regular AS observed_regular, fh.highend AS observed_highend
FROM (SELECT m FROM fit WHERE segment = 'regular') r, (SELECT m FROM fit WHERE segment = 'highend') h,
     (VALUES (8, 22.0, 46.0), (9, 20.4, 43.6), (10, 19.1, 41.4), (11, 18.0, 39.5), (12, 17.0, 37.8))
         v(year, published_regular, published_highend)
JOIN fh USING (year)
ORDER BY year;
-- retention rates of the regular segment r(1..3) = 0.6267, 0.7560, 0.8188 (1e-4)
SELECT t, round(crm.retention_rate(m, t)::numeric, 4) AS retention, abs(crm.retention_rate(m, t) - expected) < 1e-4 AS ok
FROM fit, (VALUES (1, 0.6267), (2, 0.7560), (3, 0.8188)) v(t, expected)
WHERE segment = 'regular' ORDER BY t;
-- survival, retention and churn agree: S(0) = 1, S(t) = S(t-1) r(t) and
-- P(T = t) = S(t-1) (1 - r(t)) (1e-12 relative), the churn sums to 1 - S(t)
-- (1e-12); far out S(1e6) is still positive (a heavy tail when alpha < 1)
SELECT bool_and(crm.survival(m, 0) = 1) AS s0_is_1,
       bool_and(abs(crm.survival(m, t) / (crm.survival(m, t - 1) * crm.retention_rate(m, t)) - 1) < 1e-12) AS s_is_product,
       bool_and(abs(crm.churn_probability(m, t) / (crm.survival(m, t - 1) * (1 - crm.retention_rate(m, t))) - 1) < 1e-12) AS churn_is_drop,
       bool_and(abs((SELECT sum(crm.churn_probability(m, k)) FROM generate_series(1, t) k) - (1 - crm.survival(m, t))) < 1e-12) AS churn_sums,
       bool_and(crm.survival(m, 1e6) BETWEEN 1e-300 AND crm.survival(m, 1e6 - 1)) AS far_tail
FROM fit, generate_series(1, 60) t;
-- the model value: text round trip, jsonb keys
SELECT m::text::crm.sbg::text = m::text AS text_round_trip,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(m::jsonb) k) AS jsonb_keys
FROM fit WHERE segment = 'regular';

-- DEL and DERL at the published parameters equal the brute-force sums (1e-12
-- relative); NULL renewals = DEL.  DERL(n) is the residual lifetime of a
-- customer who has made n renewals, valued just before renewal n + 1
SELECT alpha, beta, d, renewals,
       round(CASE WHEN renewals IS NULL THEN crm.del(crm.sbg(alpha, beta), d)
                  ELSE crm.derl(crm.sbg(alpha, beta), renewals, d) END::numeric, 6) AS value,
       abs(CASE WHEN renewals IS NULL THEN crm.del(crm.sbg(alpha, beta), d)
                ELSE crm.derl(crm.sbg(alpha, beta), renewals, d) END / brute_force - 1) < 1e-12 AS ok
FROM (VALUES
	(0.704, 1.182, 0.01, NULL, 9.418759576248782), (0.704, 1.182, 0.01, 0, 8.5029471720112698),
	(0.704, 1.182, 0.01, 1, 12.692981345243137), (0.704, 1.182, 0.01, 7, 26.678781367752807),
	(0.704, 1.182, 0.01, 20, 41.257518851895324), (0.704, 1.182, 0.1, NULL, 3.6951474055745741),
	(0.704, 1.182, 0.1, 0, 2.9646621461320315), (0.704, 1.182, 0.1, 1, 4.1034586195985724),
	(0.704, 1.182, 0.1, 7, 6.8426171372881297), (0.704, 1.182, 0.1, 20, 8.58278574141802),
	(0.704, 1.182, 0.25, NULL, 2.5043746500963565), (0.704, 1.182, 0.25, 0, 1.8804683126204457),
	(0.704, 1.182, 0.25, 1, 2.5005956404422171), (0.704, 1.182, 0.25, 7, 3.7477792839996664),
	(0.704, 1.182, 0.25, 20, 4.365355656576722), (0.668, 3.806, 0.01, NULL, 19.821411862394855),
	(0.668, 3.806, 0.01, 0, 19.009625981018803), (0.668, 3.806, 0.01, 1, 21.559510589981321),
	(0.668, 3.806, 0.01, 7, 32.175064324037043), (0.668, 3.806, 0.01, 20, 44.898777088463547),
	(0.668, 3.806, 0.1, NULL, 5.9225964076127642), (0.668, 3.806, 0.1, 0, 5.4148560483740406),
	(0.668, 3.806, 0.1, 1, 5.9017531677530224), (0.668, 3.806, 0.1, 7, 7.5299495309109695),
	(0.668, 3.806, 0.1, 20, 8.8577518475499962), (0.668, 3.806, 0.25, NULL, 3.5031824571596405),
	(0.668, 3.806, 0.25, 0, 3.1289780714495507), (0.668, 3.806, 0.25, 1, 3.3476904531218108),
	(0.668, 3.806, 0.25, 7, 4.0019366708831911), (0.668, 3.806, 0.25, 20, 4.4481661418831091))
	v(alpha, beta, d, renewals, brute_force)
ORDER BY alpha DESC, d, renewals NULLS FIRST;
-- a small rate needs ~450,000 terms: d = 1e-4 equals the brute-force sum 45.061532051451158 (1e-10)
SELECT abs(crm.del(crm.sbg(0.704, 1.182), 1e-4) / 45.061532051451158 - 1) < 1e-10 AS small_rate_ok;
-- properties: a new customer's DEL is the first payment plus DERL(0) one period
-- later, DEL = 1 + DERL(0) / (1 + d); DERL(n) = r(n + 1) (1 + DERL(n + 1) / (1 + d));
-- DEL is at least the first payment and the first renewal, 1 + r(1) / (1 + d),
-- and at most the value of a customer who never leaves, (1 + d) / d (the rate
-- per period is below 1: crm refuses 100 % or more as a likely percentage)
SELECT bool_and(abs(crm.del(m, d) - (1 + crm.derl(m, 0, d) / (1 + d))) < 1e-12) AS del_is_1_plus_derl0,
       bool_and(abs(crm.derl(m, n, d) - crm.retention_rate(m, n + 1) * (1 + crm.derl(m, n + 1, d) / (1 + d))) < 1e-12) AS derl_recursion,
       bool_and(crm.del(m, 0.999) > 1 + crm.retention_rate(m, 1) / 1.999 AND crm.del(m, 0.999) < 1.999 / 0.999) AS del_bounds,
       bool_and(crm.del(m, d / 2) > crm.del(m, d) AND crm.del(m, d) > crm.del(m, 2 * d)) AS del_falls_with_rate
FROM (VALUES (crm.sbg(0.704, 1.182)), (crm.sbg(0.668, 3.806)), (crm.sbg(3, 0.5))) x(m),
     (VALUES (0.01), (0.1), (0.45)) r(d), generate_series(0, 30) n;
-- with alpha > 1 the expected lifetime is finite, E[T] = (alpha + beta - 1) / (alpha - 1),
-- and DEL tends to it as the rate goes to 0 (d = 1e-4: within 0.1 %)
SELECT abs(crm.del(crm.sbg(3, 5), 1e-4) / ((3 + 5 - 1) / (3 - 1.0)) - 1) < 1e-3 AS del_tends_to_mean_lifetime;

-- the same fits from one row per customer: forced-parallel plans, merged
-- per-shard states and the weighted rows give the identical model (text)
CREATE TABLE customers AS
SELECT row_number() OVER () AS id, segment, tenure, churned
FROM input, generate_series(1, customers);
ANALYZE customers;
SELECT segment, count(*) FROM customers GROUP BY segment ORDER BY segment;
CREATE TABLE serial AS SELECT segment, crm.sbg_fit(tenure, churned) AS m FROM customers GROUP BY segment;
SELECT segment, s.m::text = f.m::text AS expanded_same_as_weighted FROM serial s JOIN fit f USING (segment) ORDER BY segment;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate($q$SELECT crm.sbg_fit(tenure, churned) FROM customers WHERE segment = 'regular'$q$) AS partial_aggregate;
SELECT (SELECT crm.sbg_fit(tenure, churned) FROM customers WHERE segment = 'regular')::text = m::text AS parallel_same
FROM serial WHERE segment = 'regular';
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT crm.sbg_fit_final(crm.clv_fit_merge(s::text::crm.clv_fit_state))::text =
       (SELECT m::text FROM serial WHERE segment = 'highend') AS merged_same
FROM (SELECT id % 3 AS shard, crm.tenure_fit_partial(tenure, churned) AS s
      FROM customers WHERE segment = 'highend' GROUP BY 1) shards;

-- the survival table helper: counts, shares and percent give the same rows;
-- any order of the rows; zero rows are left out; a table of period 0 alone gives none
SELECT * FROM crm.sbg_fit_input('{0,1,2,3}', '{500,300,300,120}');
SELECT (SELECT array_agg(i ORDER BY i) FROM crm.sbg_fit_input('{0,1,2,3}', '{1,0.6,0.6,0.24}', 500) i) =
       (SELECT array_agg(i ORDER BY i) FROM crm.sbg_fit_input('{3,1,0,2}', '{24,60,100,60}', 500) i) AS shares_equal_percent,
       (SELECT array_agg(i ORDER BY i) FROM crm.sbg_fit_input('{0,1,2,3}', '{1,0.6,0.6,0.24}', 500) i) =
       (SELECT array_agg(i ORDER BY i) FROM crm.sbg_fit_input('{0,1,2,3}', '{500,300,300,120}') i) AS shares_equal_counts;
SELECT count(*) AS rows_of_period_0_alone FROM crm.sbg_fit_input('{0}', '{1000}');
-- scaled counts are rounded to whole customers: 1/3 of 100 is 33
SELECT * FROM crm.sbg_fit_input('{0,1}', '{3,1}', 100);

-- no survivors (complete lifetimes): heterogeneous data fit (MLE alpha
-- 1.8636, beta 1.8375, LL -173.5394 by scipy BFGS offline) ...
SELECT round(crm.parameter(m, 'alpha')::numeric, 4) AS alpha, round(crm.parameter(m, 'beta')::numeric, 4) AS beta,
       round(crm.loglik(m)::numeric, 4) AS ll, crm.converged(m)
FROM (SELECT crm.sbg_fit(t, true, n) AS m
      FROM (VALUES (1, 50), (2, 20), (3, 10), (4, 6), (5, 4), (6, 3), (8, 2), (12, 2), (20, 2), (40, 1)) v(t, n)) x;
-- ... but lifetimes no more dispersed than one geometric lifetime have no
-- finite MLE (alpha and beta run off to infinity): the model is returned with
-- converged = false and a WARNING.  Half left at renewal 1 and half at 2;
-- everyone at renewal 2; a homogeneous cohort (S(t) = 0.5^t exactly, to year 6)
\set VERBOSITY terse
SELECT crm.converged(crm.sbg_fit(t, true, 5)) AS half_1_half_2_converged FROM generate_series(1, 2) t;
SELECT crm.converged(crm.sbg_fit(2, true, 10)) AS all_at_2_converged;
SELECT crm.converged(crm.sbg_fit(tenure, churned, customers)) AS homogeneous_converged
FROM crm.sbg_fit_input('{0,1,2,3,4,5,6}', '{6400,3200,1600,800,400,200,100}');
\set VERBOSITY default

-- errors
SET client_min_messages = error;
SELECT crm.sbg_fit(t, true) IS NULL AS empty_is_null FROM generate_series(1, 0) t;
SELECT crm.sbg_fit(NULL::integer, true) IS NULL AS null_tenure_is_null FROM generate_series(1, 3);
SELECT crm.sbg_fit(t, true, 0) IS NULL AS zero_weight_is_null FROM generate_series(1, 3) t;
SELECT q AS statement, sqlstate_of(q) AS error FROM (VALUES
	('SELECT crm.sbg_fit(0, true)'),
	('SELECT crm.sbg_fit(-3, false)'),
	('SELECT crm.sbg_fit(1000001, true)'),
	('SELECT crm.sbg_fit(2, NULL)'),
	('SELECT crm.sbg_fit(2, true, -1)'),
	('SELECT crm.sbg_fit(t, false) FROM generate_series(1, 5) t'),
	('SELECT crm.sbg_fit(1, true, 10)'),
	('SELECT crm.sbg_fit_final(crm.clv_fit_partial(1, 1, 2))'),
	('SELECT crm.loglik(crm.sbg(1, 1), 0, true)'),
	('SELECT crm.sbg(0, 1)'),
	('SELECT crm.survival(crm.sbg(1, 1), -1)'),
	('SELECT crm.survival(crm.sbg(1, 1), 2.5)'),
	('SELECT crm.survival(crm.sbg(1, 1), ''NaN'')'),
	('SELECT crm.survival(crm.sbg(1, 1), ''Infinity'')'),
	('SELECT crm.survival(crm.sbg(1, 1), 1e7)'),
	('SELECT crm.retention_rate(crm.sbg(1, 1), 0)'),
	('SELECT crm.churn_probability(crm.sbg(1, 1), 0)'),
	('SELECT crm.derl(crm.sbg(1, 1), -1, 0.1)'),
	('SELECT crm.derl(crm.sbg(1, 1), 0.5, 0.1)'),
	('SELECT crm.del(crm.sbg(1, 1), 0)'),
	('SELECT crm.del(crm.sbg(1, 1), -0.1)'),
	('SELECT crm.del(crm.sbg(1, 1), ''NaN'')'),
	('SELECT crm.del(crm.sbg(1, 1), ''Infinity'')'),
	('SELECT crm.derl(crm.sbg(1, 1), 3, 0)'),
	('SELECT crm.del(crm.sbg(0.7, 1.2), 1e-7)'),
	('SELECT crm.sbg_fit_input(''{0,1,2}'', ''{100,60,70}'')'),
	('SELECT crm.sbg_fit_input(''{1,2,3}'', ''{100,60,50}'')'),
	('SELECT crm.sbg_fit_input(''{0,1,3}'', ''{100,60,50}'')'),
	('SELECT crm.sbg_fit_input(''{0,1,1}'', ''{100,60,50}'')'),
	('SELECT crm.sbg_fit_input(''{-1,0,1}'', ''{100,60,50}'')'),
	('SELECT crm.sbg_fit_input(''{0,1,2}'', ''{100,60,-5}'')'),
	('SELECT crm.sbg_fit_input(''{0,1,2}'', ''{100,NaN,50}'')'),
	('SELECT crm.sbg_fit_input(''{0,1,2}'', ''{100,60}'')'),
	('SELECT crm.sbg_fit_input(''{}'', ''{}'')'),
	('SELECT crm.sbg_fit_input(''{0,NULL}'', ''{100,60}'')'),
	('SELECT crm.sbg_fit_input(''{0,1}'', ''{100,NULL}'')'),
	('SELECT crm.sbg_fit_input(''{{0,1},{2,3}}'', ''{100,60,50,40}'')'),
	('SELECT crm.sbg_fit_input(''{0,1,2}'', ''{100,63.1,46.8}'')'),
	('SELECT crm.sbg_fit_input(''{0,1,2}'', ''{100,63.1,46.8}'', 0)'),
	('SELECT crm.sbg_fit_input(''{0,1}'', ''{0,0}'', 1000)'),
	('SELECT crm.sbg_fit_input(''{0,1}'', ''{1e16,1e15}'')')
	) v(q);
RESET client_min_messages;
-- the full text of the two most common mistakes
SELECT crm.sbg_fit_input('{0,1,2}', '{100,63.1,46.8}');
SELECT crm.sbg_fit(t, false) FROM generate_series(1, 5) t;

RESET search_path;
DROP SCHEMA sbg CASCADE;
