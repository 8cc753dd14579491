-- crm.bgbb_fit and the BG/BB predictions: the fit state, weights, parallel
-- plans, merged partial states, penalty, NULLs, and the predictions against
-- values computed offline.  Published numbers are in bgbb_reference, bad
-- input in bgbb_errors.
--
-- Offline values below come from an independent implementation in Python
-- with mpmath at 40 digits (straight from the formulas of Fader, Hardie &
-- Shang 2010: beta functions, term-by-term sums), at the given parameters
-- alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783.
CREATE SCHEMA bgbb;
SET search_path = bgbb, public;
SELECT crm.bgbb(1.204, 0.750, 0.657, 2.783);
\i test/load/donations.sql

-- 11,104 donors in 22 distinct (x, t_x, n) tuples
SELECT crm.clv_fit_customers(s) AS customers, crm.clv_fit_distinct(s) AS distinct_tuples
FROM (SELECT crm.opportunity_fit_partial(x, t_x, n) AS s FROM donors) v;

CREATE TABLE full_fit AS SELECT crm.bgbb_fit(x, t_x, n) AS m FROM donors;
SELECT crm.converged(m) AS converged, crm.customers(m) AS customers,
       crm.std_error(m, 'alpha') > 0 AND crm.std_error(m, 'delta') > 0 AS have_std_errors
FROM full_fit;

-- weights: the rf matrix with counts (either copy) gives the same model as one row per donor
SELECT (SELECT crm.bgbb_fit(frequency, recency, periods, weights) FROM donations)::text = m::text AS weighted_same,
       (SELECT crm.bgbb_fit(x, t_x, n_cal, custs) FROM donations_rf)::text = m::text AS btyd_copy_same
FROM full_fit;
-- weight 0 rows and NULL rows are skipped
SELECT crm.bgbb_fit(x, t_x, n, w)::text = (SELECT m::text FROM full_fit) AS zero_and_null_skipped
FROM (SELECT x, t_x, n, 1::bigint AS w FROM donors
      UNION ALL SELECT 3, 4, 6, 0 UNION ALL SELECT NULL, 1, 6, 1 UNION ALL SELECT 1, 1, NULL, 1
      UNION ALL SELECT 1, 1, 6, NULL) v;

-- customers with no transaction opportunity yet (n = 0: acquired in the last
-- period) have likelihood 1: they are counted, and the estimates are those of
-- the fit without them; P(alive) of such a customer is delta / (gamma + delta)
-- (alive until the first opportunity), and they expect what a new customer does
SELECT crm.customers(f) - crm.customers(m) AS added_customers,
       abs(crm.parameter(f, 'alpha') / crm.parameter(m, 'alpha') - 1) < 1e-6 AS same_alpha,
       abs(crm.parameter(f, 'delta') / crm.parameter(m, 'delta') - 1) < 1e-6 AS same_delta,
       abs(crm.loglik(f) - crm.loglik(m)) < 1e-6 AS same_loglik,
       crm.loglik(m, 0, 0, 0) AS loglik_n0,
       abs(crm.p_alive(m, 0, 0, 0) - crm.parameter(m, 'delta') / (crm.parameter(m, 'gamma') + crm.parameter(m, 'delta'))) < 1e-12 AS p_alive_n0_ok,
       abs(crm.expected_purchases(m, 5, 0, 0, 0) - crm.expected_purchases(m, 5)) < 1e-9 AS expected_n0_is_new_customer
FROM full_fit, (SELECT crm.bgbb_fit(x, t_x, n, w) AS f
                FROM (SELECT x, t_x, n, 1::bigint AS w FROM donors UNION ALL SELECT 0, 0, 0, 100) d) v;

-- forced-parallel plans give the same model
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
\i test/load/plan_shape.sql
SELECT plan_partial_aggregate($q$SELECT crm.bgbb_fit(x, t_x, n) FROM donors$q$) AS partial_aggregate;
SELECT (SELECT crm.bgbb_fit(x, t_x, n) FROM donors)::text = m::text AS parallel_same FROM full_fit;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- (the plan check can fail: a serial plan has no partial aggregate)
SELECT plan_partial_aggregate($q$SELECT crm.bgbb_fit(x, t_x, n) FROM donors$q$) AS partial_aggregate_serial,
       plan_parallel($q$SELECT crm.bgbb_fit(x, t_x, n) FROM donors$q$) AS parallel_serial;

-- partial states per shard, shipped as text, merged and finished: the same model
CREATE TABLE shard_states AS
SELECT donor_id % 4 AS shard, crm.opportunity_fit_partial(x, t_x, n) AS state FROM donors GROUP BY 1;
SELECT crm.bgbb_fit_final(crm.clv_fit_merge(state::text::crm.clv_fit_state))::text
       = (SELECT m::text FROM full_fit) AS merged_same
FROM shard_states;
-- the text form of a small state, and model text and binary round trips
SELECT crm.opportunity_fit_partial(x, t_x, n) FROM (VALUES (0, 0, 6), (2, 4, 6), (0, 0, 6), (1, 1, 3)) v(x, t_x, n);
SELECT crm.opportunity_fit_partial(x, t_x, n, 5) AS weighted FROM (VALUES (2, 4, 6)) v(x, t_x, n);
CREATE TABLE stored AS SELECT m FROM full_fit;
\copy stored TO 'results/bgbb_stored.bin' WITH (FORMAT binary)
CREATE TABLE stored_back (LIKE stored);
\copy stored_back FROM 'results/bgbb_stored.bin' WITH (FORMAT binary)
SELECT (SELECT m::text FROM stored_back) = m::text AS binary_round_trip,
       m::text::crm.bgbb::text = m::text AS text_round_trip,
       m::jsonb ?& array['alpha', 'beta', 'gamma', 'delta', 'se_delta'] AS jsonb_keys
FROM full_fit;

-- the fit's ll is the plain sum of the customers' log-likelihoods (1e-9 relative)
SELECT abs((SELECT sum(weights * crm.loglik(m, frequency, recency, periods)) FROM donations) / crm.loglik(m) - 1) < 1e-9
       AS ll_is_sum_of_customers
FROM full_fit;

-- the fit groups its tuples by (x, n) and sums each group's terms once, backwards: its ll
-- equals the sum of the customers' own log-likelihoods also with many n and t_x (1e-9
-- relative; a small penalty, as these made-up data do not identify delta)
CREATE TABLE mixed AS
SELECT x::float8, (CASE WHEN x = 0 THEN 0 ELSE x + (i * 13) % (n - x + 1) END)::float8 AS t_x, n::float8
FROM (SELECT i, i % 7 AS x, 20 + i % 30 AS n FROM generate_series(1, 3000) i) v;
SELECT crm.clv_fit_distinct(crm.opportunity_fit_partial(x, t_x, n)) AS distinct_tuples FROM mixed;
SELECT crm.converged(m) AS converged,
       abs((SELECT sum(crm.loglik(m, x, t_x, n)) FROM mixed) / crm.loglik(m) - 1) < 1e-9 AS ll_is_sum_of_customers
FROM (SELECT crm.bgbb_fit(x, t_x, n, 1, 0.001) AS m FROM mixed) f;

-- the L2 penalty shrinks the parameters; the reported ll stays the plain log-likelihood
SELECT crm.parameter(p, 'delta') < crm.parameter(m, 'delta') AS penalty_shrinks,
       crm.loglik(p) < crm.loglik(m) AS ll_lower,
       abs(crm.loglik(p) - (SELECT sum(weights * crm.loglik(p, frequency, recency, periods)) FROM donations)) < 1e-6 AS ll_unpenalized,
       p::jsonb -> 'penalizer' AS penalizer
FROM full_fit, (SELECT crm.bgbb_fit(frequency, recency, periods, weights, 0.01) AS p FROM donations) v;
SELECT crm.bgbb_fit_final(crm.opportunity_fit_partial(frequency, recency, periods, weights), 0.01)::text
       = crm.bgbb_fit(frequency, recency, periods, weights, 0.01)::text AS penalty_in_final_same
FROM donations;

-- one model per group
SELECT donor_id % 2 AS half, crm.converged(crm.bgbb_fit(x, t_x, n)) AS converged,
       crm.customers(crm.bgbb_fit(x, t_x, n)) AS customers
FROM donors GROUP BY 1 ORDER BY 1;

-- empty input and all-NULL input give NULL
SELECT crm.bgbb_fit(x, t_x, n) IS NULL AS empty FROM donors WHERE false;
SELECT crm.bgbb_fit(NULL::float8, NULL, NULL) IS NULL AS all_null FROM donors;
SELECT crm.bgbb_fit_final(crm.opportunity_fit_partial(x, t_x, n)) IS NULL AS empty_final FROM donors WHERE false;

-- ---------------------------------------------------------------------------
-- Predictions at the given parameters, against the offline values
-- ---------------------------------------------------------------------------
CREATE TABLE given AS SELECT crm.bgbb(1.204, 0.750, 0.657, 2.783) AS g;

-- the PMF of X(n) sums to 1 over k = 0..n (1e-12), and its mean is E[X(n)] (1e-10 relative),
-- for n = 1, 6, 10 and 1500 (E[X(n)] in closed form above 1000 opportunities)
SELECT n_future, abs(sum(p) - 1) < 1e-12 AS sums_to_1,
       abs(sum(k * p) / min(e) - 1) < 1e-10 AS mean_is_expectation, min(beyond_n) AS beyond_n
FROM (SELECT n_future, k, crm.purchase_probability(g, k, n_future) AS p, crm.expected_purchases(g, n_future) AS e,
             crm.purchase_probability(g, n_future + 1, n_future) AS beyond_n
      FROM given, (VALUES (1), (6), (10), (1500)) v(n_future), LATERAL generate_series(0, n_future) k) s
GROUP BY n_future ORDER BY n_future;
SELECT crm.purchase_probability(g, 0, 0) AS p0_of_0, crm.expected_purchases(g, 0) AS e_of_0 FROM given;

-- E[X(n)] (1e-13 relative): term by term up to 1000 opportunities, in closed form above;
-- offline 3.1788543264922889, 31.203076823414683, 31.215451715686365, 57.823078376432685
SELECT n_future, abs(crm.expected_purchases(g, n_future) / v - 1) < 1e-13 AS within_1e13
FROM given, (VALUES (10, 3.1788543264922889), (1000, 31.203076823414683), (1001, 31.215451715686365),
                    (5000, 57.823078376432685)) v(n_future, v) ORDER BY n_future;
-- at gamma = 1 the closed form has its limit alpha/(alpha+beta) delta (psi(delta+1+n) - psi(delta+1))
-- = 12.561448476851848 (offline) at n = 5000, and is continuous there (1e-9 relative)
SELECT abs(crm.expected_purchases(crm.bgbb(1.204, 0.750, 1, 2.783), 5000) / 12.561448476851848 - 1) < 1e-13 AS limit_ok,
       abs(crm.expected_purchases(crm.bgbb(1.204, 0.750, 1 + 1e-12, 2.783), 5000) / 12.561448476851848 - 1) < 1e-9 AS above_ok,
       abs(crm.expected_purchases(crm.bgbb(1.204, 0.750, 1 - 1e-9, 2.783), 5000) / 12.561448476851848 - 1) < 1e-8 AS below_ok;

-- conditional expectations (1e-12 relative): offline 3.6270771251400323 for (4, 5, 6) over 10
-- opportunities, 59.824991151174628 for (3, 5, 6) over 2000; none over 0 opportunities
SELECT abs(crm.expected_purchases(g, 10, 4, 5, 6) / 3.6270771251400323 - 1) < 1e-12 AS cet_10_ok,
       abs(crm.expected_purchases(g, 2000, 3, 5, 6) / 59.824991151174628 - 1) < 1e-12 AS cet_2000_ok,
       crm.expected_purchases(g, 0, 3, 5, 6) AS cet_0
FROM given;

-- DERT (FHS 2010 eq. 13, a 2F1 series) against a brute-force sum computed offline:
-- sum over k = 1..4000 of P(purchase at n+k | x, t_x, n) / (1 + d)^k, with
-- P(purchase at n+k | data) = B(alpha+x+1, beta+n-x)/B(alpha,beta) B(gamma,delta+n+k)/B(gamma,delta) / L
-- (the tail beyond 4000 is below 1e-17 at these rates); 1e-12 relative
SELECT x, t_x, n, d, round(crm.dert(g, x, t_x, n, d)::numeric, 6) AS dert,
       abs(crm.dert(g, x, t_x, n, d) / brute_force - 1) < 1e-12 AS matches_brute_force
FROM given, (VALUES (0, 0, 6, 0.1, 0.114646996181764), (2, 4, 6, 0.1, 1.66506990259371),
                    (6, 6, 6, 0.1, 5.90867831955538), (4, 5, 6, 0.1, 3.19616740450983),
                    (6, 6, 6, 0.01, 26.6362915431849), (1, 3, 20, 0.05, 0.0487336219105386)) v(x, t_x, n, d, brute_force)
ORDER BY d DESC, n, x, t_x;
-- a small rate needs many terms (about log(1e16/d)/d): d = 1e-4 against mpmath's hyp2f1 (1e-10 relative)
SELECT abs(crm.dert(g, 6, 6, 6, 1e-4) / 205.259969923552 - 1) < 1e-10 AS small_rate_ok FROM given;

-- P(alive at n + 1) of a customer with 2 purchases falls with the time since the last
-- one; a purchase at the last opportunity means alive through n, so then it is
-- (delta + n)/(gamma + delta + n) = 0.930403 whatever x
SELECT t_x, round(crm.p_alive(g, least(t_x, 2), t_x, 6)::numeric, 6) AS p_alive_x2
FROM given, generate_series(2, 6) t_x ORDER BY t_x;

-- long histories stay finite and cheap (n = 1,000,000 opportunities, O(n - t_x) work)
SELECT round(crm.loglik(g, 500000, 999990, 1000000)::numeric, 4) AS ll,
       round(crm.p_alive(g, 500000, 999990, 1000000)::numeric, 6) AS p_alive,
       round(crm.expected_purchases(g, 20, 500000, 999990, 1000000)::numeric, 4) AS cet_20,
       round(crm.dert(g, 500000, 999990, 1000000, 0.1)::numeric, 4) AS dert,
       round(crm.loglik(g, 3, 10, 1000000)::numeric, 4) AS ll_left_long_ago,
       crm.p_alive(g, 3, 10, 1000000) < 1e-3 AS gone
FROM given;
