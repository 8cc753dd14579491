-- Reference test: BG/NBD, MBG/NBD and Gamma-Gamma fitted inside PostgreSQL on
-- the CDNOW sample (2357 customers, weeks, calibration to 1997-09-30), against
-- ../shared/data/published/clv_reference_params.csv.
-- Tolerances (stated per check below):
--   parameters: equal to the published value at its published precision
--     (|estimate - published| <= half a unit of its last decimal), and for
--     BG/NBD within 1e-3 relative of BTYD's full-precision estimates;
--   log-likelihoods: within 0.01 of the published/recomputed value;
--   predictions at the published parameters: relative 1e-4 unless stated.
CREATE SCHEMA clv_ref;
SET search_path = clv_ref, public;
\i test/load/cdnow.sql
CREATE TABLE ref (model text, dataset text, quantity text, value text, source text, kind text);
\copy ref FROM PROGRAM 'cat "$CRM_DATA_DIR/published/clv_reference_params.csv"' WITH (FORMAT csv, HEADER true)

CREATE TABLE cbs AS
SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).*
FROM cdnow_log GROUP BY customer_id;

CREATE TABLE fits AS
SELECT crm.bgnbd_fit(frequency, recency, t) AS bg,
       crm.mbgnbd_fit(frequency, recency, t) AS mbg,
       crm.gammagamma_fit(frequency, monetary_value) AS gg
FROM cbs;

-- every fit converged, on all customers (946 repeaters for the spend model), with standard errors
SELECT crm.converged(bg) AS bg_converged, crm.customers(bg) AS bg_n,
       crm.converged(mbg) AS mbg_converged, crm.customers(mbg) AS mbg_n,
       crm.converged(gg) AS gg_converged, crm.customers(gg) AS gg_n,
       crm.std_error(bg, 'r') > 0 AND crm.std_error(mbg, 'b') > 0 AND crm.std_error(gg, 'gamma') > 0 AS have_std_errors
FROM fits;

-- parameters against the published values, at the published precision
CREATE TABLE estimates AS
SELECT 'BG/NBD' AS model, p.parameter, p.estimate FROM fits, crm.parameters(bg) p
UNION ALL SELECT 'MBG/NBD', p.parameter, p.estimate FROM fits, crm.parameters(mbg) p
UNION ALL SELECT 'Gamma-Gamma', p.parameter, p.estimate FROM fits, crm.parameters(gg) p;
SELECT e.model, e.parameter, r.value AS published,
       abs(e.estimate - r.value::float8) <= 0.5 * 10 ^ (-length(split_part(r.value, '.', 2))) AS equal_at_published_precision
FROM estimates e JOIN ref r ON r.model = e.model AND r.quantity = e.parameter
ORDER BY e.model, e.parameter;

-- BG/NBD within 1e-3 relative of BTYD's full-precision estimates (0.2425982, 4.4136842, 0.7929899, 2.4261667)
SELECT parameter, abs(estimate / btyd - 1) < 1e-3 AS within_1e3_relative
FROM estimates JOIN (VALUES ('r', 0.2425982), ('alpha', 4.4136842), ('a', 0.7929899), ('b', 2.4261667)) v(parameter, btyd)
USING (parameter) WHERE model = 'BG/NBD' ORDER BY parameter;

-- total log-likelihoods within 0.01 (BG/NBD -9582.43, the BTYD walkthrough's -9582.429)
SELECT round(crm.loglik(bg)::numeric, 2) AS bg_ll, abs(crm.loglik(bg) + 9582.429) < 0.01 AS bg_ll_ok,
       round(crm.loglik(mbg)::numeric, 2) AS mbg_ll,
       abs(crm.loglik(mbg) - (SELECT value::float8 FROM ref WHERE model = 'MBG/NBD' AND quantity = 'LL')) < 0.01 AS mbg_ll_ok,
       round(crm.loglik(gg)::numeric, 2) AS gg_ll,
       abs(crm.loglik(gg) - (SELECT value::float8 FROM ref WHERE model = 'Gamma-Gamma' AND quantity = 'LL')) < 0.01 AS gg_ll_ok
FROM fits;

-- the log-likelihood at BTYD's estimates is the same surface: -9582.429
SELECT round(sum(crm.loglik(crm.bgnbd(0.2425982, 4.4136842, 0.7929899, 2.4261667), frequency, recency, t))::numeric, 3) AS ll_at_btyd_estimates
FROM cbs;
-- ... and the aggregate's own ll equals the sum of per-customer log-likelihoods at its estimates (1e-9 relative)
SELECT abs((SELECT sum(crm.loglik(bg, frequency, recency, t)) FROM cbs) / crm.loglik(bg) - 1) < 1e-9 AS ll_is_sum_of_customers
FROM fits;

-- published predictions at r = 0.243, alpha = 4.414, a = 0.793, b = 2.426:
-- customer x = 26, t_x = 30.857, T = 31: CET(52) = 25.7566 (1e-4 relative), P(alive) = 0.96885 (5e-6)
SELECT abs(crm.expected_purchases(m, 52, 26, 30.857, 31) / 25.7566 - 1) < 1e-4 AS cet_52_ok,
       abs(crm.p_alive(m, 26, 30.857, 31) - 0.96885) < 5e-6 AS p_alive_ok
FROM (SELECT crm.bgnbd(0.243, 4.414, 0.793, 2.426) AS m) x;

-- stability case (a = 0.8, b = 2.5, r = 0.25, alpha = 4, T = 40): per-customer
-- log-likelihood -0.59947382 at x = 0 (1e-8) and 100.7957 at x = 200, t_x = 38 (1e-4)
SELECT abs(crm.loglik(m, 0, 0, 40) + 0.59947382) < 1e-8 AS x0_ok,
       abs(crm.loglik(m, 200, 38, 40) - 100.7957) < 1e-4 AS x200_ok,
       crm.p_alive(m, 200, 38, 40) BETWEEN 0 AND 1 AS p_alive_finite,
       crm.expected_purchases(m, 52, 200, 38, 40) > 0 AS cet_finite
FROM (SELECT crm.bgnbd(0.25, 4, 0.8, 2.5) AS m) x;
-- heavy buyers with hundreds or thousands of purchases stay finite (no overflow):
-- silent for the last 2 weeks they have most likely left; buying up to T they are
-- alive and expected to go on at about their rate x / T per week
SELECT x, t_x, round(crm.loglik(m, x, t_x, 40)::numeric, 4) AS ll, round(crm.p_alive(m, x, t_x, 40)::numeric, 6) AS p_alive,
       round(crm.expected_purchases(m, 52, x, t_x, 40)::numeric, 4) AS cet_52,
       round((52 * x / 40.0)::numeric, 1) AS rate_times_52
FROM (SELECT crm.bgnbd(0.25, 4, 0.8, 2.5) AS m) x, (VALUES (500), (2000), (10000)) v(x), (VALUES (38), (40)) w(t_x)
ORDER BY x, t_x;

-- E[X(t)] on the fitted CDNOW model, against the Fader-Hardie spreadsheet values
-- used by lifetimes (test_expectation_returns_same_value_Hardie_excel_sheet),
-- which are given to 4 decimals: |difference| <= 1e-3 (the test's own tolerance)
SELECT t, expected, round(crm.expected_purchases(bg, t)::numeric, 4) AS crm,
       abs(crm.expected_purchases(bg, t) - expected) <= 1e-3 AS ok
FROM fits, (VALUES (0.1429, 0.0078), (1.0, 0.0532), (3.00, 0.1506), (31.8571, 1.0405), (32.00, 1.0437), (78.00, 1.8576)) v(t, expected)
ORDER BY t;
-- conditional expectation of customer (x = 2, t_x = 30.43, T = 38.86) over 39 weeks = 1.226 (same source, 1e-3)
SELECT abs(crm.expected_purchases(bg, 39, 2, 30.43, 38.86) - 1.226) < 1e-3 AS cet_39_ok FROM fits;

-- P(X(t) = n) at r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 against BTYD
-- (lifetimes test_probability_of_n_purchases_up_to_time_same_as_R_BTYD):
-- P(X(2) = 10) = 1.07869e-07 and P(X(39) = 0) = 0.5737864 to 1e-5 relative,
-- P(X(30) = n), n = 11..20, to 1e-6 absolute (the values have 10 decimals)
SELECT abs(crm.purchase_probability(m, 10, 2) / 1.07869e-07 - 1) < 1e-5 AS pmf_2_10_ok,
       abs(crm.purchase_probability(m, 0, 39) / 0.5737864 - 1) < 1e-5 AS pmf_39_0_ok
FROM (SELECT crm.bgnbd(0.243, 4.414, 0.793, 2.426) AS m) x;
SELECT n, round(crm.purchase_probability(m, n, 30)::numeric, 10) AS crm, expected,
       abs(crm.purchase_probability(m, n, 30) - expected) < 1e-6 AS ok
FROM (SELECT crm.bgnbd(0.243, 4.414, 0.793, 2.426) AS m) x,
     unnest(ARRAY[11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
            ARRAY[0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                  0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260]) u(n, expected)
ORDER BY n;

-- MBG/NBD stability case (PyMC-Marketing test_numerically_stable_logp, 1e-5):
-- a = 0.8, b = 2.5, r = 0.25, alpha = 4, T = 40: -0.41792826 at x = 0, 100.7869 at x = 200, t_x = 38
SELECT abs(crm.loglik(crm.mbgnbd(0.25, 4, 0.8, 2.5), 0, 0, 40) + 0.41792826) < 1e-5 AS mbg_x0_ok,
       abs(crm.loglik(crm.mbgnbd(0.25, 4, 0.8, 2.5), 200, 38, 40) - 100.7869) < 1e-4 AS mbg_x200_ok,
       abs(crm.loglik(crm.mbgnbd(0.53, 6.18, 0.89, 1.614), 200, 38, 40) / 91.808242 - 1) < 1e-4 AS mbg_btyd_ok;

-- Gamma-Gamma: expected spend per purchase of the first ten CDNOW customers under
-- the fitted model, against the Fader-Hardie spreadsheet (note 025, as in lifetimes
-- test_conditional_expected_average_profit), given to 2 decimals: 0.005
-- (the mean spends are crm.summary's exact ones: the csv's zbar is rounded to cents)
SELECT customer_id, frequency AS x, round(monetary_value::numeric, 4) AS m, expected,
       round(crm.expected_spend(gg, frequency, monetary_value)::numeric, 2) AS crm,
       abs(crm.expected_spend(gg, frequency, monetary_value) - expected) <= 0.005 AS ok
FROM fits, cbs JOIN unnest(ARRAY[24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17])
     WITH ORDINALITY u(expected, customer_id) USING (customer_id)
ORDER BY customer_id;

-- CLV convention = lifetimes' customer_lifetime_value (test_customer_lifetime_value_with_known_values):
-- a BG/NBD fitted in days (r 0.16385072, alpha 1.86428187, a 1.85034151, b 3.18105431),
-- one month of 30 days, spend 1: [0.016053, 0.021171, 0.030461, 0.031686, 0.001607]
-- without discounting and half of it at a monthly discount rate of 1 (1e-5).
-- crm refuses a rate of 100 % or more per period (almost surely a percentage
-- given as a number), so the discounted check uses the same one-period
-- formula at 0.5: the value is the undiscounted one / (1 + 0.5).
-- The model is rescaled to months (alpha / 30, t_x and T in months), so the
-- period of discounting is the month, as in lifetimes.
SELECT x, t_x, t, expected,
       abs(crm.clv(m, x, t_x / 30.0, t / 30.0, 1, 1, 0) - expected) < 1e-5 AS undiscounted_ok,
       abs(crm.clv(m, x, t_x / 30.0, t / 30.0, 1, 1, 0.5) - expected / 1.5) < 1e-5 AS discounted_ok
FROM (SELECT crm.bgnbd(0.16385072, 1.86428187 / 30, 1.85034151, 3.18105431) AS m) x,
     (VALUES (1, 0, 0, 298, 0.016053), (2, 0, 0, 224, 0.021171), (3, 6, 142, 292, 0.030461),
             (4, 0, 0, 147, 0.031686), (5, 2, 9, 183, 0.001607)) v(i, x, t_x, t, expected)
ORDER BY i;
